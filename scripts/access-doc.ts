/**
 * The authorization table of api/access.ts as a Markdown document (docs/access.md):
 * `npm run access-table` prints it, `npm run access-table -- --write` rewrites the doc, and
 * test/api/access-doc.test.ts fails when the doc is not exactly what this renders.
 */
import { ACCESS, type Answer, CALLER_KINDS, type CallerKind } from '../api/access';
import { type RouteName, routes } from '../sdk/routes';

/** Where the rendered document lives, relative to the repository's root. */
export const ACCESS_DOC = 'docs/access.md';

/** Each kind of caller, relative to the thing the call is about (as in api/access.ts). */
export const KIND_NOTES: Readonly<Record<CallerKind, string>> = {
  none: 'no token, or one that is not live (unknown, or a session expired or revoked)',
  app: "the bank's own app's token, on its own applications, accounts and agreements",
  partner: "a partner app's token, on its partner's",
  otherPartner: "another partner's app token, on them",
  ownSession: "a customer's session, on its own application or account",
  otherSession: 'a session minted for another application',
  operator: "an operator's token (staff)",
  supervisor: "a supervisor's token (staff): what an operator may, and the audit log",
  institution: 'a payment institution (`WECHAT_PAY`, `UNIONPAY`, `JD_PAY`), on its own agreements',
  otherInstitution: 'another payment institution, on them',
  engineer: "an engineer's token, for the codec server: the API tells them who they are and nothing else",
};

const ANSWER_NOTES: readonly [Answer, string][] = [
  ['ok', 'past authorization: a 2xx, or a 4xx about the request itself (400, 409, 422, 429)'],
  [401, 'no caller: refused before anything else, with `WWW-Authenticate: Bearer`'],
  [403, "the caller's role may not call this operation (the problem names the roles that may)"],
  [404, "the thing exists but is not the caller's: answered as if it did not exist (api/owner.ts)"],
];

/** A Fastify path pattern in OpenAPI's form: `/v1/reviews/:reviewId` → `/v1/reviews/{reviewId}`. */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z][A-Za-z0-9]*)/g, '{$1}');

/** One Markdown table row, each cell padded to its column's width. */
const line = (cells: readonly string[], widths: readonly number[]): string =>
  `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;

/**
 * The table: one row per operation of sdk/routes.ts (in its order), its method and path, then
 * one column per kind of caller (in CALLER_KINDS' order) holding `ok`, `401`, `403` or `404`,
 * then the operation's name in the SDK.
 */
export function renderAccessTable(): string {
  const names = Object.keys(routes) as RouteName[];
  const header = ['method and path', ...CALLER_KINDS.map((k) => `\`${k}\``), 'operation'];
  const rows = names.map((name) => [
    `\`${routes[name].method} ${openApiPath(routes[name].path)}\``,
    ...CALLER_KINDS.map((k) => String(ACCESS[name][k])),
    `\`${name}\``,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  return [
    line(header, widths),
    line(
      widths.map((w) => '-'.repeat(w)),
      widths,
    ),
    ...rows.map((r) => line(r, widths)),
  ].join('\n');
}

/** The whole of docs/access.md: what the table is, the kinds and answers, the table. */
export function renderAccessDoc(): string {
  return [
    '# Who may call what',
    '',
    'Every operation of HTTP API v1 against every kind of caller, and the class of answer it gets:',
    'the authorization table `ACCESS` of `api/access.ts`, whose hook answers the 401s and',
    '403s before any body is read. `test/api/access.int.test.ts` holds the running API to it: it calls',
    'every operation of `/openapi.json` as every kind of caller, on real things of each tenant, and',
    'expects each cell. This file is generated from the table: `npm run access-table` prints it,',
    '`npm run access-table -- --write` rewrites it, and `test/api/access-doc.test.ts` fails',
    'when the two differ.',
    '',
    '## The callers',
    '',
    'Each kind is relative to the thing the call is about (the application, account, agreement,',
    'review or session named in the path or body):',
    '',
    ...CALLER_KINDS.map((k) => `- \`${k}\`: ${KIND_NOTES[k]}.`),
    '',
    '## The answers',
    '',
    ...ANSWER_NOTES.map(([a, note]) => `- \`${a}\`: ${note}.`),
    '',
    '## The table',
    '',
    renderAccessTable(),
    '',
  ].join('\n');
}
