/**
 * Thousands of generated bad requests against HTTP API v1 (in-process, through `api.inject`):
 * wrong types, missing and unknown fields, oversized and non-JSON bodies, bad ID numbers, names,
 * mobiles, cards, application ids, SMS codes, review decisions, queries and tokens. Each must be
 * answered 4xx as RFC 9457 problem+json with a clear detail, validation refusals naming the
 * field; and afterwards nothing may have changed: no account, binding, hold or SMS for the people
 * the requests were about, no stored upload, and no workflow on this file's task queue.
 */
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Role } from '../../api/auth';
import type { StartApplicationRequest } from '../../domain/application';
import { makeIdNumber } from '../../domain/id-number';
import { approveReasonSchema, rejectReasonSchema } from '../../domain/review';
import { reasonCodeSchema } from '../../domain/steps';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import { makeIdCardImage } from '../../sandbox/providers/id-card-image';
import { addDays, compactDate, DIGITS, digits, realDateBetween, TODAY } from '../domain/arbitraries';
import { bearer, startApi, tokens } from '../support/api';
import { type Harness, newApplication, OWN_APP_TENANT, readSmsCode, startHarness } from '../support/harness';
import { newPerson } from '../support/people';
import { eventually } from '../support/review';

let h: Harness;
let api: FastifyInstance;
/** Valid start requests (ID photos uploaded) of a few people: the bad requests are about them. */
let pool: StartApplicationRequest[] = [];

beforeAll(async () => {
  h = await startHarness();
  api = await startApi(h);
  const names = ['李娜', '王秀英', '阿依古丽·买买提', '欧阳文', '张〇'];
  pool = await Promise.all(names.map((name) => newApplication(h.documents, { person: newPerson(name) })));
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
});

// ---------------------------------------------------------------------------------------------
// Sending, counting and checking answers.

const sentBy = new Map<string, number>();
const totalSent = () => [...sentBy.values()].reduce((a, b) => a + b, 0);
/** applicationIds (valid UUIDs) of refused starts: none of them may exist afterwards. */
const refusedStartIds = new Set<string>();
/** Content addresses of refused uploads: none of them may be stored afterwards. */
const refusedUploads = new Set<string>();

async function send(label: string, opts: InjectOptions): Promise<LightMyRequestResponse> {
  sentBy.set(label, (sentBy.get(label) ?? 0) + 1);
  return api.inject(opts);
}

const problemShape = z.object({
  type: z.string(),
  title: z.string().regex(/\S/),
  status: z.number().int(),
  detail: z.string().regex(/\S/),
  errors: z.array(z.object({ field: z.string(), message: z.string().regex(/\S/) })).optional(),
});
type Problem = z.infer<typeof problemShape>;

/** A 4xx RFC 9457 problem with a clear detail, and the expected status. */
function expectProblem(res: LightMyRequestResponse, status: number): Problem {
  const context = `${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, context).toBe(status);
  expect(res.statusCode).toBeGreaterThanOrEqual(400);
  expect(res.statusCode).toBeLessThan(500);
  expect(String(res.headers['content-type']), context).toMatch(/^application\/problem\+json/);
  const problem = problemShape.parse(JSON.parse(res.body));
  expect(problem.status).toBe(res.statusCode);
  expect(problem.type).toBe(`urn:account-opening:problem:${res.statusCode}`);
  return problem;
}

/**
 * A 400 validation refusal: every error names a real field of the request (from `known`), the
 * expected fields are among them, and the detail starts with the first one.
 */
function expectInvalid(
  res: LightMyRequestResponse,
  known: ReadonlySet<string>,
  ...expected: string[]
): Problem {
  const problem = expectProblem(res, 400);
  const errors = problem.errors ?? [];
  expect(errors.length, res.body).toBeGreaterThan(0);
  for (const e of errors) {
    expect(e.field).toMatch(/^(body|params|querystring|headers)(\.|$)/);
    expect([...known], `${e.field} is not a field of this request`).toContain(e.field);
  }
  const fields = errors.map((e) => e.field);
  for (const f of expected) expect(fields, res.body).toContain(f);
  expect(problem.detail.startsWith(`${errors[0]!.field} `), problem.detail).toBe(true);
  return problem;
}

const messagesFor = (problem: Problem, field: string) =>
  (problem.errors ?? []).filter((e) => e.field === field).map((e) => e.message);

// ---------------------------------------------------------------------------------------------
// Requests and their fields.

type Json = Record<string, unknown>;
type Path = readonly string[];

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function clone<T>(value: T): Json {
  const copy: unknown = JSON.parse(JSON.stringify(value));
  if (!isObject(copy)) throw new Error('not an object');
  return copy;
}

function setAt(obj: Json, path: Path, value: unknown): void {
  let at: Json = obj;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (!isObject(next)) return;
    at = next;
  }
  at[path.at(-1)!] = value;
}

function deleteAt(obj: Json, path: Path): void {
  let at: Json = obj;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (!isObject(next)) return;
    at = next;
  }
  delete at[path.at(-1)!];
}

const personArb = fc.integer({ min: 0, max: 4 });
const uuidArb = fc.uuid({ version: 4 });

/** A start request of a pool person with a fresh applicationId: valid until a test spoils it. */
function startBody(person: number, applicationId: string): Json {
  const body = clone(pool[person]!);
  body.applicationId = applicationId;
  refusedStartIds.add(applicationId.toLowerCase());
  return body;
}

const START_FIELDS: Record<string, 'string' | 'object'> = {
  applicationId: 'string',
  flowVersion: 'string',
  channel: 'string',
  applicant: 'object',
  'applicant.name': 'string',
  'applicant.idNumber': 'string',
  'applicant.mobile': 'string',
  boundAccount: 'object',
  'boundAccount.number': 'string',
  'boundAccount.kind': 'string',
  documents: 'object',
  'documents.idFront': 'string',
  'documents.idBack': 'string',
  'documents.selfie': 'string',
};
const known = (where: string, fields: Iterable<string>) =>
  new Set([where, ...[...fields].map((f) => `${where}.${f}`)]);
const START_KNOWN = known('body', Object.keys(START_FIELDS));
const SMS_KNOWN = new Set([
  ...known('params', ['applicationId']),
  ...known('body', ['code']),
  ...known('headers', ['idempotency-key']),
]);
const DECISION_FIELDS = ['round', 'decision', 'reasonCode', 'note'];
const DECISION_KNOWN = new Set([
  ...known('params', ['reviewId']),
  ...known('body', DECISION_FIELDS),
  ...known('headers', ['idempotency-key']),
]);
const REVIEW_QUERY_FIELDS = ['status', 'escalated', 'hold', 'reason', 'flowVersion', 'channel', 'limit'];
const REVIEWS_KNOWN = known('querystring', REVIEW_QUERY_FIELDS);
const RESUBMIT_KNOWN = new Set([
  ...known('params', ['accountNumber']),
  ...known('body', ['idFront', 'idBack']),
  ...known('headers', ['idempotency-key']),
]);
const APPLICATION_PARAMS_KNOWN = known('params', ['applicationId']);

const post = (label: string, url: string, payload: unknown, role: Role = 'app', headers = {}) =>
  send(label, {
    method: 'POST',
    url,
    headers: { ...bearer(role), ...headers, 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  });

// ---------------------------------------------------------------------------------------------
// Generators.

const safeKeyArb = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/);
const scalarArb = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 }),
);
const arrayArb = fc.array(scalarArb, { maxLength: 3 });
const objectArb = fc.dictionary(safeKeyArb, scalarArb, { maxKeys: 3 });

/** A JSON value of any type but the one the field wants. */
const wrongTypeFor = (kind: 'string' | 'object' | 'number'): fc.Arbitrary<unknown> => {
  const options: fc.Arbitrary<unknown>[] = [fc.boolean(), fc.constant(null), arrayArb];
  if (kind !== 'string') options.push(fc.string({ maxLength: 12 }));
  if (kind !== 'number') options.push(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
  if (kind !== 'object') options.push(objectArb);
  return fc.oneof(...options);
};

const UUID =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;

const replaceAt = (s: string, i: number, c: string) => s.slice(0, i) + c + s.slice(i + 1);

/** Strings that are not UUIDs, near misses included. */
const notUuidArb = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 40 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
    uuidArb.chain((u) => fc.constantFrom(...'09abcdef').map((c) => replaceAt(u, 14, c))), // version
    uuidArb.chain((u) => fc.constantFrom(...'01234567cdef').map((c) => replaceAt(u, 19, c))), // variant
    uuidArb.map((u) => u.slice(0, -1)),
    uuidArb.map((u) => `${u}0`),
    uuidArb.map((u) => u.replaceAll('-', '')),
    uuidArb.map((u) => `{${u}}`),
    uuidArb.map((u) => `urn:uuid:${u}`),
    uuidArb.map((u) => replaceAt(u, 3, 'g')),
    uuidArb.map((u) => ` ${u}`),
  )
  .filter((s) => !UUID.test(s) && !/^\.+$/.test(s));

/** An ID number that must be refused, with the problem the API must name. */
const badIdNumberArb: fc.Arbitrary<{ value: string; problem: string }> = (() => {
  const region = fc.integer({ min: 110000, max: 659999 }).map(String);
  const sequence = fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, '0'));
  const pastDate = realDateBetween('1900-01-01', addDays(TODAY, -1)).map(compactDate);
  const validId = fc.tuple(region, pastDate, sequence).map(([r, d, s]) => makeIdNumber(r, d, s));
  const LENGTH = 'must be 18 characters: 17 digits and a check character (digit or X)';
  const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
  const impossibleDate = fc
    .tuple(
      fc.integer({ min: 1900, max: 2020 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 99 }),
    )
    .filter(([y, m, d]) => m < 1 || m > 12 || d < 1 || d > daysIn(y, m))
    .map(([y, m, d]) => `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`);
  return fc.oneof(
    validId.chain((id) =>
      fc
        .constantFrom(...'0123456789X')
        .filter((c) => c !== id[17])
        .map((c) => ({
          value: id.slice(0, 17) + c,
          problem: 'check character does not match the first 17 digits',
        })),
    ),
    fc.tuple(region, impossibleDate, sequence).map(([r, d, s]) => ({
      value: makeIdNumber(r, d, s),
      problem: 'birth date is not a real date',
    })),
    fc
      .tuple(region, realDateBetween(addDays(TODAY, 2), '2099-12-31').map(compactDate), sequence)
      .map(([r, d, s]) => ({
        value: makeIdNumber(r, d, s),
        problem: 'birth date is in the future',
      })),
    fc
      .tuple(region, realDateBetween('1800-01-01', '1899-12-31').map(compactDate), sequence)
      .map(([r, d, s]) => ({
        value: makeIdNumber(r, d, s),
        problem: 'birth date is before 1900',
      })),
    fc.tuple(fc.integer({ min: 10000, max: 99999 }), pastDate, sequence).map(([r, d, s]) => ({
      value: makeIdNumber(`0${r}`, d, s),
      problem: 'region code must not start with 0',
    })),
    fc
      .oneof(fc.integer({ min: 0, max: 17 }), fc.integer({ min: 19, max: 30 }))
      .chain((n) => digits(n))
      .map((value) => ({ value, problem: LENGTH })),
    fc
      .tuple(
        validId,
        fc.integer({ min: 0, max: 17 }),
        fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwyz'),
      )
      .map(([id, i, c]) => ({ value: replaceAt(id, i, c), problem: LENGTH })),
    fc
      .tuple(validId, fc.integer({ min: 0, max: 16 }))
      .map(([id, i]) => ({ value: replaceAt(id, i, 'X'), problem: LENGTH })),
    validId.map((id) => ({ value: ` ${id}`, problem: LENGTH })),
    validId.map((id) => ({
      value: id.replace(/\d/, (d) => String.fromCharCode(0xff10 + Number(d))),
      problem: LENGTH,
    })),
  );
})();

const NAME_LENGTH = 'must be 2 to 64 characters';
const NAME_CHARS = 'may hold letters of any script, with single middle dots (U+00B7) between parts';
const hanArb = fc.integer({ min: 0x4e00, max: 0x9fff }).map((cp) => String.fromCodePoint(cp));
const hanNameArb = (min: number, max: number) =>
  fc.array(hanArb, { minLength: min, maxLength: max }).map((a) => a.join(''));
const badNameArb: fc.Arbitrary<{ value: string; problems: string[] }> = fc.oneof(
  fc.tuple(hanNameArb(2, 10), fc.constantFrom(...DIGITS), fc.nat()).map(([n, d, i]) => ({
    value: n.slice(0, i % (n.length + 1)) + d + n.slice(i % (n.length + 1)),
    problems: [NAME_CHARS],
  })),
  fc
    .tuple(
      hanNameArb(2, 10),
      fc.constantFrom(...'!@#$%^&*()_+-=[]{};:\'",.<>/?\\|`~ \t，。！、·'.split(''), '😀', '\u200b', '..'),
      fc.nat(),
    )
    .map(([n, p, i]) => {
      const at = 1 + (i % (n.length - 1)); // inside, so a middle dot is between letters only when single
      const value = p === '·' ? `${n.slice(0, at)}··${n.slice(at)}` : n.slice(0, at) + p + n.slice(at);
      return { value, problems: [NAME_CHARS] };
    }),
  hanNameArb(2, 10).map((n) => ({ value: `·${n}`, problems: [NAME_CHARS] })),
  hanNameArb(2, 10).map((n) => ({ value: `${n}·`, problems: [NAME_CHARS] })),
  fc.constantFrom('', '张').map((value) => ({ value, problems: [NAME_LENGTH] })),
  hanNameArb(65, 200).map((value) => ({ value, problems: [NAME_LENGTH] })),
  fc.stringMatching(/^[a-z]{65,120}$/).map((value) => ({ value, problems: [NAME_LENGTH] })),
);

const badMobileArb = fc.oneof(
  fc.tuple(fc.constantFrom(...'3456789'), digits(8)).map(([s, r]) => `1${s}${r}`), // 10 digits
  fc.tuple(fc.constantFrom(...'3456789'), digits(10)).map(([s, r]) => `1${s}${r}`), // 12 digits
  fc.tuple(fc.constantFrom(...'012'), digits(9)).map(([s, r]) => `1${s}${r}`), // 10x, 11x, 12x
  fc.tuple(fc.constantFrom(...'023456789'), digits(10)).map(([f, r]) => `${f}${r}`), // not starting 1
  fc.tuple(fc.constantFrom(...'3456789'), digits(9)).map(([s, r]) => `+861${s}${r}`),
  fc.tuple(fc.constantFrom(...'3456789'), digits(9)).map(([s, r]) => `1${s}${r.slice(0, 4)} ${r.slice(4)}`),
  fc
    .tuple(
      fc.constantFrom(...'3456789'),
      digits(9),
      fc.integer({ min: 2, max: 10 }),
      fc.constantFrom(...'abcXO-'),
    )
    .map(([s, r, i, c]) => replaceAt(`1${s}${r}`, i, c)),
  fc.constant(''),
);

const badCardArb = fc.oneof(
  digits(15),
  digits(20),
  fc.integer({ min: 0, max: 14 }).chain((n) => digits(n)),
  fc.integer({ min: 21, max: 40 }).chain((n) => digits(n)),
  fc
    .tuple(
      fc.integer({ min: 16, max: 19 }).chain((n) => digits(n)),
      fc.nat(),
      fc.constantFrom(...'abcdefXO -'),
    )
    .map(([d, i, c]) => replaceAt(d, i % d.length, c)),
  digits(16).map((d) => `${d.slice(0, 4)} ${d.slice(4, 8)} ${d.slice(8, 12)} ${d.slice(12)}`),
);

const badCodeArb = fc.oneof(
  fc
    .integer({ min: 0, max: 12 })
    .filter((n) => n !== 6)
    .chain((n) => digits(n)),
  fc
    .tuple(digits(6), fc.integer({ min: 0, max: 5 }), fc.constantFrom(...'aZ -.+x'))
    .map(([d, i, c]) => replaceAt(d, i, c)),
  digits(6).map((d) => ` ${d}`),
  digits(6).map((d) => `${d.slice(0, 3)} ${d.slice(3)}`),
  digits(6).map((d) => d.replace(/\d/g, (x) => String.fromCharCode(0xff10 + Number(x)))),
  fc.string({ maxLength: 10 }).filter((s) => !/^\d{6}$/.test(s)),
);

const ALL_REASONS = [...approveReasonSchema.options, ...rejectReasonSchema.options] as string[];

// ---------------------------------------------------------------------------------------------

describe('bad start requests (POST /v1/applications) are 400s naming the field', () => {
  it('a wrong type in any field', async () => {
    const fieldArb = fc.constantFrom(...Object.entries(START_FIELDS));
    await fc.assert(
      fc.asyncProperty(
        personArb,
        uuidArb,
        fieldArb.chain(([f, kind]) => fc.tuple(fc.constant(f), wrongTypeFor(kind))),
        async (person, id, [f, value]) => {
          const body = startBody(person, id);
          setAt(body, f.split('.'), value);
          const res = await post('start: wrong types', '/v1/applications', body);
          expectInvalid(res, START_KNOWN, `body.${f}`);
        },
      ),
      { numRuns: 700 },
    );
  });

  it('missing required fields', async () => {
    const required = [
      'applicationId',
      'applicant',
      'applicant.name',
      'applicant.idNumber',
      'applicant.mobile',
      'boundAccount',
      'boundAccount.number',
      'boundAccount.kind',
      'documents',
      'documents.idFront',
      'documents.idBack',
    ];
    // Required by the flow version rather than by the shape: checked once the shape is right.
    const byFlow = ['documents.idFront', 'documents.idBack', 'applicant.mobile'];
    await fc.assert(
      fc.asyncProperty(
        personArb,
        uuidArb,
        fc.subarray(required, { minLength: 1 }),
        async (person, id, removed) => {
          const body = startBody(person, id);
          for (const f of removed) deleteAt(body, f.split('.'));
          // Only the outermost removed fields are reported; the flow's rules speak when all else is there.
          const outermost = removed.filter((f) => !removed.some((g) => f.startsWith(`${g}.`)));
          const others = outermost.filter((f) => !byFlow.includes(f));
          const expected = others.length > 0 ? others : outermost;
          const res = await post('start: missing fields', '/v1/applications', body);
          expectInvalid(res, START_KNOWN, ...expected.map((f) => `body.${f}`));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('unknown fields at the top and in nested objects, each named in the message', async () => {
    const places = ['', 'applicant', 'boundAccount', 'documents'];
    const extraArb = fc.tuple(fc.constantFrom(...places), safeKeyArb, scalarArb).filter(([place, key]) => {
      const prefix = place ? `${place}.` : '';
      return !(`${prefix}${key}` in START_FIELDS) && !['__proto__', 'constructor', 'prototype'].includes(key);
    });
    await fc.assert(
      fc.asyncProperty(
        personArb,
        uuidArb,
        fc.array(extraArb, { minLength: 1, maxLength: 4 }),
        async (person, id, extras) => {
          const body = startBody(person, id);
          for (const [place, key, value] of extras) setAt(body, [...(place ? [place] : []), key], value);
          const res = await post('start: unknown fields', '/v1/applications', body);
          const fields = extras.map(([place]) => (place ? `body.${place}` : 'body'));
          const problem = expectInvalid(res, START_KNOWN, ...fields);
          for (const [place, key] of extras) {
            const messages = messagesFor(problem, place ? `body.${place}` : 'body').join(' ');
            expect(messages).toContain(`"${key}"`);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('bad ID numbers: wrong check character, impossible or future births, wrong length, letters', async () => {
    await fc.assert(
      fc.asyncProperty(personArb, uuidArb, badIdNumberArb, async (person, id, bad) => {
        const body = startBody(person, id);
        setAt(body, ['applicant', 'idNumber'], bad.value);
        const res = await post('start: ID numbers', '/v1/applications', body);
        const problem = expectInvalid(res, START_KNOWN, 'body.applicant.idNumber');
        expect(messagesFor(problem, 'body.applicant.idNumber')).toEqual([bad.problem]);
      }),
      { numRuns: 600 },
    );
  });

  it('bad names: digits, punctuation, stray middle dots, empty, too short, too long', async () => {
    await fc.assert(
      fc.asyncProperty(personArb, uuidArb, badNameArb, async (person, id, bad) => {
        const body = startBody(person, id);
        setAt(body, ['applicant', 'name'], bad.value);
        const res = await post('start: names', '/v1/applications', body);
        const problem = expectInvalid(res, START_KNOWN, 'body.applicant.name');
        expect(messagesFor(problem, 'body.applicant.name')).toEqual(expect.arrayContaining(bad.problems));
      }),
      { numRuns: 400 },
    );
  });

  it('bad mobiles: 10 or 12 digits, 10x/11x/12x, +86, spaces, letters, empty', async () => {
    await fc.assert(
      fc.asyncProperty(personArb, uuidArb, badMobileArb, async (person, id, mobile) => {
        const body = startBody(person, id);
        setAt(body, ['applicant', 'mobile'], mobile);
        const res = await post('start: mobiles', '/v1/applications', body);
        const problem = expectInvalid(res, START_KNOWN, 'body.applicant.mobile');
        expect(messagesFor(problem, 'body.applicant.mobile').join(' ')).toMatch(/11-digit mainland mobile/);
      }),
      { numRuns: 300 },
    );
  });

  it('bad bound accounts: 15 or 20 digits, letters, spaces; unknown kinds', async () => {
    const badKindArb = fc
      .oneof(
        fc.constantFrom('debit', 'credit', 'Debit', 'SAVINGS', 'CHEQUE', ''),
        fc.string({ maxLength: 10 }),
      )
      .filter((k) => k !== 'DEBIT' && k !== 'CREDIT');
    await fc.assert(
      fc.asyncProperty(
        personArb,
        uuidArb,
        fc.oneof(
          badCardArb.map((v) => ['number', v] as const),
          badKindArb.map((v) => ['kind', v] as const),
        ),
        async (person, id, [f, value]) => {
          const body = startBody(person, id);
          setAt(body, ['boundAccount', f], value);
          const res = await post('start: bound accounts', '/v1/applications', body);
          expectInvalid(res, START_KNOWN, `body.boundAccount.${f}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('applicationIds that are not UUIDs', async () => {
    await fc.assert(
      fc.asyncProperty(personArb, notUuidArb, async (person, id) => {
        const body = clone(pool[person]!);
        body.applicationId = id;
        const res = await post('start: applicationIds', '/v1/applications', body);
        const problem = expectInvalid(res, START_KNOWN, 'body.applicationId');
        expect(messagesFor(problem, 'body.applicationId')).toEqual([
          'must be a UUID the app generates once per application',
        ]);
      }),
      { numRuns: 300 },
    );
  });

  it('document ids that are not content addresses, or not uploaded', async () => {
    const badDocArb = fc.oneof(
      fc.stringMatching(/^[0-9a-f]{63}$/),
      fc.stringMatching(/^[0-9a-f]{65}$/),
      fc.stringMatching(/^[0-9A-F]{64}$/).filter((s) => /[A-F]/.test(s)),
      fc.stringMatching(/^[0-9a-z]{64}$/).filter((s) => /[g-z]/.test(s)),
      fc.constant(''),
    );
    await fc.assert(
      fc.asyncProperty(
        personArb,
        uuidArb,
        fc.constantFrom('idFront', 'idBack', 'selfie'),
        fc.oneof(
          badDocArb.map((v) => [v, false] as const),
          fc.stringMatching(/^[0-9a-f]{64}$/).map((v) => [v, true] as const),
        ),
        async (person, id, side, [docId, wellFormed]) => {
          const body = startBody(person, id);
          setAt(body, ['documents', side], docId);
          const res = await post('start: document ids', '/v1/applications', body);
          const problem = expectInvalid(res, START_KNOWN, `body.documents.${side}`);
          if (wellFormed) expect(problem.detail).toBe(`body.documents.${side} is not an uploaded document`);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('bodies that are too large or not JSON', () => {
  /** The JSON routes, each with a valid body to pad or replace. */
  const jsonRoutes = (person: number, id: string) => [
    { url: '/v1/applications', role: 'app' as Role, body: startBody(person, id) },
    { url: `/v1/applications/${id}/sms-code`, role: 'app' as Role, body: { code: '123456' } },
    {
      url: `/v1/reviews/review-${id}/decisions`,
      role: 'operator' as Role,
      body: { round: 1, decision: 'APPROVE', reasonCode: 'IDENTITY_CONFIRMED_BY_CALL' },
    },
    {
      url: '/v1/accounts/6200000000000001/id-documents',
      role: 'app' as Role,
      body: { ...clone(pool[person]!.documents), selfie: undefined },
    },
  ];

  it('a JSON body over 64 KiB is a 413; just under it, an ordinary 400', async () => {
    const LIMIT = 64 * 1024;
    await fc.assert(
      fc.asyncProperty(
        personArb,
        uuidArb,
        fc.integer({ min: 0, max: 3 }),
        fc.oneof(
          fc.integer({ min: LIMIT + 1, max: 4 * LIMIT }),
          fc.integer({ min: LIMIT - 4096, max: LIMIT }),
        ),
        async (person, id, r, size) => {
          const route = jsonRoutes(person, id)[r]!;
          const padded = { ...route.body, pad: '' };
          const pad = size - Buffer.byteLength(JSON.stringify(padded));
          padded.pad = 'x'.repeat(pad);
          const payload = JSON.stringify(padded);
          expect(Buffer.byteLength(payload)).toBe(size);
          const res = await send('oversized bodies', {
            method: 'POST',
            url: route.url,
            headers: { ...bearer(route.role), 'content-type': 'application/json' },
            payload,
          });
          if (size > LIMIT) expect(expectProblem(res, 413).detail).toMatch(/too large/i);
          else expectProblem(res, 400); // an unknown field "pad"
        },
      ),
      { numRuns: 120 },
    );
  });

  it('non-JSON bodies: unparsable, empty, not an object, poisoned, other media types', async () => {
    const isJson = (s: string) => {
      try {
        JSON.parse(s);
        return true;
      } catch {
        return false;
      }
    };
    type Kind = 'unparsable' | 'empty' | 'not an object' | 'poisoned' | 'text' | 'other type';
    const bodyArb: fc.Arbitrary<{ kind: Kind; type: string; payload: string }> = fc.oneof(
      fc
        .tuple(
          fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !isJson(s)),
          fc.constantFrom('application/json', 'application/json; charset=utf-8'),
        )
        .map(([payload, type]) => ({ kind: 'unparsable' as const, type, payload })),
      fc.constant({ kind: 'empty' as const, type: 'application/json', payload: '' }),
      fc.oneof(scalarArb, arrayArb).map((v) => ({
        kind: 'not an object' as const,
        type: 'application/json',
        payload: JSON.stringify(v),
      })),
      fc
        .constantFrom('{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}')
        .map((payload) => ({ kind: 'poisoned' as const, type: 'application/json', payload })),
      fc.string({ maxLength: 60 }).map((payload) => ({ kind: 'text' as const, type: 'text/plain', payload })),
      fc
        .tuple(
          fc.string({ maxLength: 60 }),
          fc.constantFrom(
            'application/xml',
            'text/xml',
            'text/html',
            'text/csv',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/octet-stream',
            'application/yaml',
            'image/png',
            'image/jpeg',
          ),
        )
        .map(([payload, type]) => ({ kind: 'other type' as const, type, payload })),
    );
    await fc.assert(
      fc.asyncProperty(
        personArb,
        uuidArb,
        fc.integer({ min: 0, max: 3 }),
        bodyArb,
        async (person, id, r, body) => {
          const route = jsonRoutes(person, id)[r]!;
          const res = await send('non-JSON bodies', {
            method: 'POST',
            url: route.url,
            headers: { ...bearer(route.role), 'content-type': body.type },
            payload: body.payload,
          });
          switch (body.kind) {
            case 'unparsable':
            case 'poisoned':
              expect(expectProblem(res, 400).detail).toMatch(/not valid JSON/);
              break;
            case 'empty':
              expect(expectProblem(res, 400).detail).toMatch(/cannot be empty/);
              break;
            case 'not an object':
            case 'text':
              expect(messagesFor(expectInvalid(res, new Set(['body']), 'body'), 'body').join(' ')).toMatch(
                /expected object/,
              );
              break;
            case 'other type':
              expect(expectProblem(res, 415).detail).toMatch(/Unsupported Media Type/i);
              break;
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('bad ids in paths, SMS codes and idempotency keys', () => {
  it('non-UUID applicationIds in paths are 400s naming params.applicationId', async () => {
    await fc.assert(
      fc.asyncProperty(
        notUuidArb,
        fc.constantFrom('read', 'events', 'sms-code'),
        fc.constantFrom<Role>('app', 'operator', 'supervisor'),
        async (id, route, reader) => {
          const path = `/v1/applications/${encodeURIComponent(id)}`;
          const res =
            route === 'sms-code'
              ? await post('paths: applicationIds', `${path}/sms-code`, { code: '123456' })
              : await send('paths: applicationIds', {
                  method: 'GET',
                  url: route === 'events' ? `${path}/events` : path,
                  headers: bearer(reader),
                });
          expectInvalid(
            res,
            route === 'sms-code' ? SMS_KNOWN : APPLICATION_PARAMS_KNOWN,
            'params.applicationId',
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a malformed SMS code is a 400 naming body.code, whatever the application', async () => {
    await fc.assert(
      fc.asyncProperty(
        uuidArb,
        fc.oneof(
          badCodeArb.map((c): unknown => c),
          wrongTypeFor('string'),
        ),
        async (id, code) => {
          const res = await post('sms-code: malformed codes', `/v1/applications/${id}/sms-code`, { code });
          expectInvalid(res, SMS_KNOWN, 'body.code');
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a bad idempotency key is a 400 naming headers.idempotency-key', async () => {
    const badKeyArb = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_.:-]{1,7}$/),
      fc.stringMatching(/^[A-Za-z0-9_.:-]{129,200}$/),
      fc
        .tuple(
          fc.stringMatching(/^[A-Za-z0-9]{8,20}$/),
          fc.constantFrom(...'/+=@!#$%&*(),;<>?[]{}|~^"\''),
          fc.nat(),
        )
        .map(([k, c, i]) => replaceAt(k, i % k.length, c)),
    );
    await fc.assert(
      fc.asyncProperty(uuidArb, badKeyArb, async (id, key) => {
        const res = await post(
          'sms-code: idempotency keys',
          `/v1/applications/${id}/sms-code`,
          { code: '123456' },
          'app',
          { 'idempotency-key': key },
        );
        expectInvalid(res, SMS_KNOWN, 'headers.idempotency-key');
      }),
      { numRuns: 200 },
    );
  });

  it('a well-formed code, a read or an event log for an unknown application is a 404', async () => {
    await fc.assert(
      fc.asyncProperty(
        uuidArb,
        digits(6),
        fc.constantFrom('sms-code', 'read', 'events'),
        async (id, code, route) => {
          const res =
            route === 'sms-code'
              ? await post('unknown applications', `/v1/applications/${id}/sms-code`, { code })
              : await send('unknown applications', {
                  method: 'GET',
                  url: `/v1/applications/${id}${route === 'events' ? '/events' : ''}`,
                  headers: bearer('operator'),
                });
          expect(expectProblem(res, 404).detail).toMatch(/no application/);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('bad account numbers and photo ids on re-submission are 400s', async () => {
    const badAccountArb = fc.oneof(
      fc.integer({ min: 1, max: 9 }).chain((n) => digits(n)),
      fc.integer({ min: 31, max: 40 }).chain((n) => digits(n)),
      fc
        .tuple(digits(16), fc.nat(), fc.constantFrom(...'abX-+ '))
        .map(([d, i, c]) => replaceAt(d, i % 16, c)),
    );
    const badDocArb = fc.oneof(
      fc.stringMatching(/^[0-9a-f]{0,63}$/),
      fc.stringMatching(/^[0-9A-F]{64}$/).filter((s) => /[A-F]/.test(s)),
      wrongTypeFor('string'),
    );
    await fc.assert(
      fc.asyncProperty(
        personArb,
        fc.oneof(
          badAccountArb.map((a) => ({ account: a, side: undefined, value: undefined as unknown })),
          fc
            .tuple(fc.constantFrom('idFront', 'idBack'), badDocArb)
            .map(([side, value]) => ({ account: '6200000000000001', side, value })),
        ),
        async (person, bad) => {
          const body = clone(pool[person]!.documents);
          if (bad.side) body[bad.side] = bad.value;
          const res = await post(
            're-submissions',
            `/v1/accounts/${encodeURIComponent(bad.account)}/id-documents`,
            body,
          );
          expectInvalid(res, RESUBMIT_KNOWN, bad.side ? `body.${bad.side}` : 'params.accountNumber');
        },
      ),
      { numRuns: 250 },
    );
  });
});

describe('bad review decisions and queue queries', () => {
  const decisionArb: fc.Arbitrary<{ body: Json; field: string }> = fc.oneof(
    // round: 0, negative, not an integer, unsafe, wrong types
    fc
      .oneof(
        fc.integer({ max: 0 }).map((n): unknown => n),
        fc.double({ min: 0, max: 1e6, noNaN: true }).filter((x) => !Number.isInteger(x)),
        fc.constantFrom(2 ** 53, 1e300),
        wrongTypeFor('number'),
      )
      .map((round) => ({
        body: { round, decision: 'APPROVE', reasonCode: 'IDENTITY_CONFIRMED_BY_CALL' },
        field: 'body.round',
      })),
    // decisions that are not APPROVE or REJECT
    fc
      .oneof(fc.constantFrom('approve', 'reject', 'DENY', 'ESCALATE', ''), fc.string({ maxLength: 10 }))
      .filter((d) => d !== 'APPROVE' && d !== 'REJECT')
      .map((decision) => ({
        body: { round: 1, decision, reasonCode: 'OTHER', note: 'x' },
        field: 'body.decision',
      })),
    // unknown reason codes
    fc
      .tuple(
        fc.constantFrom('APPROVE', 'REJECT'),
        fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('LOOKS_FINE', 'other')),
      )
      .filter(([, r]) => !ALL_REASONS.includes(r))
      .map(([decision, reasonCode]) => ({
        body: { round: 1, decision, reasonCode, note: 'checked' },
        field: 'body.reasonCode',
      })),
    // a reason of the other kind of decision
    fc.constantFrom(...rejectReasonSchema.options).map((reasonCode) => ({
      body: { round: 1, decision: 'APPROVE', reasonCode, note: 'checked' },
      field: 'body.reasonCode',
    })),
    fc.constantFrom(...approveReasonSchema.options).map((reasonCode) => ({
      body: { round: 1, decision: 'REJECT', reasonCode, note: 'checked' },
      field: 'body.reasonCode',
    })),
    // REJECT without a note, or with a blank or overlong one
    fc
      .tuple(
        fc.constantFrom(...rejectReasonSchema.options),
        fc.option(
          fc.oneof(
            fc.constantFrom('', ' ', '\n\t '),
            fc.stringMatching(/^[a-z ]{1001,1100}$/).filter((s) => s.trim().length > 1000),
          ),
          { nil: undefined },
        ),
      )
      .map(([reasonCode, note]) => ({
        body: { round: 1, decision: 'REJECT', reasonCode, ...(note !== undefined && { note }) },
        field: 'body.note',
      })),
    // missing required fields
    fc.constantFrom('round', 'decision', 'reasonCode').map((missing) => {
      const body: Json = { round: 1, decision: 'APPROVE', reasonCode: 'IDENTITY_CONFIRMED_BY_CALL' };
      delete body[missing];
      return { body, field: `body.${missing}` };
    }),
    // unknown fields, the operator's identity above all: it comes from the token only
    fc
      .tuple(fc.oneof(fc.constantFrom('operator', 'decidedAt', 'ruleVersion'), safeKeyArb), scalarArb)
      .filter(([k]) => !DECISION_FIELDS.includes(k) && !['__proto__', 'constructor', 'prototype'].includes(k))
      .map(([k, v]) => ({
        body: { round: 1, decision: 'APPROVE', reasonCode: 'IDENTITY_CONFIRMED_BY_CALL', [k]: v },
        field: 'body',
      })),
  );

  it('bad decisions on a review are 400s naming the field', async () => {
    await fc.assert(
      fc.asyncProperty(
        uuidArb,
        decisionArb,
        fc.constantFrom<Role>('operator', 'supervisor'),
        async (id, bad, role) => {
          const res = await post('decisions: bodies', `/v1/reviews/review-${id}/decisions`, bad.body, role);
          expectInvalid(res, DECISION_KNOWN, bad.field);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('bad reviewIds are 400s naming params.reviewId', async () => {
    const badReviewIdArb = fc
      .oneof(
        notUuidArb.map((s) => `review-${s}`),
        uuidArb.map((u) => `application-${u}`),
        uuidArb,
        uuidArb.map((u) => `review-${u.toUpperCase()}`),
        fc.string({ minLength: 1, maxLength: 30 }),
      )
      .filter((s) => !/^review-[0-9a-f-]{36}$/.test(s) && !/^\.+$/.test(s));
    await fc.assert(
      fc.asyncProperty(badReviewIdArb, fc.boolean(), async (reviewId, read) => {
        const url = `/v1/reviews/${encodeURIComponent(reviewId)}`;
        const res = read
          ? await send('decisions: reviewIds', { method: 'GET', url, headers: bearer('operator') })
          : await post(
              'decisions: reviewIds',
              `${url}/decisions`,
              { round: 1, decision: 'APPROVE', reasonCode: 'IDENTITY_CONFIRMED_BY_CALL' },
              'operator',
            );
        expectInvalid(res, read ? known('params', ['reviewId']) : DECISION_KNOWN, 'params.reviewId');
      }),
      { numRuns: 250 },
    );
  });

  it('bad queue filters are 400s naming the query parameter', async () => {
    const notIn = (allowed: readonly string[]) =>
      fc
        .oneof(fc.string({ maxLength: 12 }), fc.constantFrom('pending', 'Pending', 'TRUE', '1', 'yes'))
        .filter((s) => !allowed.includes(s));
    interface BadQuery {
      query: [string, string][];
      field: string;
    }
    const only =
      (key: string) =>
      (value: string): BadQuery => ({ query: [[key, value]], field: `querystring.${key}` });
    const badQueryArb: fc.Arbitrary<BadQuery> = fc.oneof(
      notIn(['PENDING', 'AWAITING_RESUBMISSION', 'CLEARED']).map(only('status')),
      notIn(['true', 'false']).map(only('escalated')),
      notIn(['NONE', 'RECEIVE_ONLY', 'FROZEN']).map(only('hold')),
      notIn(reasonCodeSchema.options).map(only('reason')),
      fc
        .string({ maxLength: 8 })
        .filter((s) => !/^v\d+$/.test(s))
        .map(only('flowVersion')),
      fc
        .string({ maxLength: 8 })
        .filter((s) => !/^[A-Z_]+$/.test(s))
        .map(only('channel')),
      fc
        .oneof(
          fc.integer({ max: 0 }).map(String),
          fc.integer({ min: 501 }).map(String),
          fc.constantFrom('1.5', 'abc', 'ten', 'NaN', 'Infinity', ''),
        )
        .map(only('limit')),
      fc
        .tuple(
          safeKeyArb.filter((k) => !REVIEW_QUERY_FIELDS.includes(k)),
          fc.string({ maxLength: 8 }),
        )
        .map(([k, v]): BadQuery => ({ query: [[k, v]], field: 'querystring' })),
      fc.constantFrom(...REVIEW_QUERY_FIELDS.filter((f) => f !== 'limit')).map(
        (f): BadQuery => ({
          query: [
            [f, 'PENDING'],
            [f, 'CLEARED'],
          ],
          field: `querystring.${f}`,
        }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(badQueryArb, async (bad) => {
        const res = await send('review queue: filters', {
          method: 'GET',
          url: `/v1/reviews?${new URLSearchParams(bad.query).toString()}`,
          headers: bearer('supervisor'),
        });
        expectInvalid(res, REVIEWS_KNOWN, bad.field);
      }),
      { numRuns: 300 },
    );
  });
});

describe('bad uploads (POST /v1/documents)', () => {
  it('bytes that are no image are 415s, an image under the wrong type a 400; nothing is stored', async () => {
    const nonImageArb = fc.uint8Array({ maxLength: 256 }).filter((b) => b[0] !== 0xff && b[0] !== 0x89);
    const badUploadArb = fc.oneof(
      fc
        .tuple(nonImageArb, fc.constantFrom('image/png', 'image/jpeg'))
        .map(([bytes, type]) => ({ bytes: Buffer.from(bytes), type, status: 415 })),
      fc
        .tuple(
          nonImageArb,
          fc.constantFrom('image/gif', 'image/webp', 'application/octet-stream', 'text/plain'),
        )
        .map(([bytes, type]) => ({ bytes: Buffer.from(bytes), type, status: 415 })),
      fc.uuid().map((marker) => ({
        bytes: makeIdCardImage({ side: 'FRONT', name: '李娜', idNumber: marker }),
        type: 'image/jpeg',
        status: 400,
      })),
      fc.uint8Array({ minLength: 1, maxLength: 128 }).map((rest) => ({
        bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), rest]),
        type: 'image/png',
        status: 400,
      })),
    );
    await fc.assert(
      fc.asyncProperty(badUploadArb, async (bad) => {
        refusedUploads.add(createHash('sha256').update(bad.bytes).digest('hex'));
        const res = await send('uploads', {
          method: 'POST',
          url: '/v1/documents',
          headers: { ...bearer('app'), 'content-type': bad.type },
          payload: bad.bytes,
        });
        const problem = expectProblem(res, bad.status);
        if (bad.status === 400)
          expect(problem.detail).toMatch(/^body is image\/(png|jpeg) but Content-Type says/);
      }),
      { numRuns: 250 },
    );
  });
});

describe('bad tokens', () => {
  interface RouteCase {
    name: string;
    roles: readonly Role[];
    request(person: number, id: string): InjectOptions;
  }
  const json = (payload: unknown) => ({
    'content-type': 'application/json',
    payload: JSON.stringify(payload),
  });
  /** Every route, each with a request valid in shape about a pool person. */
  const routes: RouteCase[] = [
    {
      name: 'POST /v1/documents',
      roles: ['app'],
      request: (_person, id) => {
        const bytes = makeIdCardImage({ side: 'FRONT', name: '李娜', idNumber: id });
        refusedUploads.add(createHash('sha256').update(bytes).digest('hex'));
        return {
          method: 'POST',
          url: '/v1/documents',
          headers: { 'content-type': 'image/png' },
          payload: bytes,
        };
      },
    },
    {
      name: 'POST /v1/applications',
      roles: ['app'],
      request: (person, id) => {
        const { payload, ...headers } = json(startBody(person, id));
        return { method: 'POST', url: '/v1/applications', headers, payload };
      },
    },
    {
      name: 'POST /v1/applications/{applicationId}/sms-code',
      roles: ['app'],
      request: (_p, id) => {
        const { payload, ...headers } = json({ code: '123456' });
        return { method: 'POST', url: `/v1/applications/${id}/sms-code`, headers, payload };
      },
    },
    {
      name: 'GET /v1/applications/{applicationId}',
      roles: ['app', 'operator', 'supervisor'],
      request: (_p, id) => ({ method: 'GET', url: `/v1/applications/${id}` }),
    },
    {
      name: 'GET /v1/applications/{applicationId}/events',
      roles: ['app', 'operator', 'supervisor'],
      request: (_p, id) => ({ method: 'GET', url: `/v1/applications/${id}/events` }),
    },
    {
      name: 'GET /v1/accounts/{accountNumber}',
      roles: ['app', 'operator', 'supervisor'],
      request: () => ({ method: 'GET', url: '/v1/accounts/6200000000000001' }),
    },
    {
      name: 'POST /v1/accounts/{accountNumber}/id-documents',
      roles: ['app'],
      request: (person) => {
        const { payload, ...headers } = json({ ...pool[person]!.documents, selfie: undefined });
        return { method: 'POST', url: '/v1/accounts/6200000000000001/id-documents', headers, payload };
      },
    },
    {
      name: 'GET /v1/reviews',
      roles: ['operator', 'supervisor'],
      request: () => ({ method: 'GET', url: '/v1/reviews?status=PENDING' }),
    },
    {
      name: 'GET /v1/reviews/{reviewId}',
      roles: ['operator', 'supervisor'],
      request: (_p, id) => ({ method: 'GET', url: `/v1/reviews/review-${id}` }),
    },
    {
      name: 'POST /v1/reviews/{reviewId}/decisions',
      roles: ['operator', 'supervisor'],
      request: (_p, id) => {
        const { payload, ...headers } = json({
          round: 1,
          decision: 'APPROVE',
          reasonCode: 'IDENTITY_CONFIRMED_BY_CALL',
        });
        return { method: 'POST', url: `/v1/reviews/review-${id}/decisions`, headers, payload };
      },
    },
  ];

  const realTokens = tokens.map((t) => t.token);
  const tokenArb = fc.constantFrom(...realTokens);
  /** An Authorization header (or none) that names no caller. */
  const badCredentialArb: fc.Arbitrary<string | undefined> = fc.oneof(
    fc.constant(undefined),
    fc
      .tuple(
        fc.oneof(
          fc.constantFrom('Basic', 'Token', 'Digest', 'JWT', 'Bear', 'Bearer:', 'OAuth', 'Bearer-'),
          fc.stringMatching(/^[A-Za-z]{1,10}$/),
        ),
        tokenArb,
      )
      .filter(([scheme]) => scheme.toLowerCase() !== 'bearer')
      .map(([scheme, token]) => `${scheme} ${token}`),
    fc.constantFrom('Bearer', 'Bearer ', 'Bearer  ', '', ' '),
    tokenArb.map((t) => t), // the token without a scheme
    tokenArb.map((t) => `Bearer  ${t}`),
    tokenArb.map((t) => `Bearer ${t} ${t}`),
    tokenArb.map((t) => `Bearer ${t.slice(0, -1)}`),
    tokenArb.map((t) => `Bearer ${t}x`),
    tokenArb.map((t) => `Bearer ${t.toUpperCase()}`),
    fc.tuple(tokenArb, fc.nat()).map(([t, i]) => {
      const at = i % t.length;
      return `Bearer ${replaceAt(t, at, t[at] === 'a' ? 'b' : 'a')}`;
    }),
    fc
      .stringMatching(/^[!-~]{1,80}$/)
      .filter((t) => !realTokens.includes(t))
      .map((t) => `Bearer ${t}`),
  );

  it('no token, another scheme, a random or near-miss token: 401 with WWW-Authenticate', async () => {
    await fc.assert(
      fc.asyncProperty(
        personArb,
        uuidArb,
        fc.constantFrom(...routes),
        badCredentialArb,
        async (person, id, route, credential) => {
          const req = route.request(person, id);
          const res = await send('tokens: 401', {
            ...req,
            headers: { ...req.headers, ...(credential !== undefined && { authorization: credential }) },
          });
          expect(expectProblem(res, 401).detail).toMatch(/Bearer/);
          expect(res.headers['www-authenticate']).toBe('Bearer');
        },
      ),
      { numRuns: 600 },
    );
  });

  it('a valid token of a role the route refuses: 403 naming the role', async () => {
    const restricted = routes.filter((r) => r.roles.length < 3);
    expect(restricted.length).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(
        personArb,
        uuidArb,
        fc
          .constantFrom(...restricted)
          .chain((route) =>
            fc
              .constantFrom(...tokens.filter((t) => !route.roles.includes(t.role)))
              .map((caller) => ({ route, caller })),
          ),
        async (person, id, { route, caller }) => {
          const req = route.request(person, id);
          const res = await send('tokens: 403', {
            ...req,
            headers: { ...req.headers, authorization: `Bearer ${caller.token}` },
          });
          expect(expectProblem(res, 403).detail).toContain(`the ${caller.role} role may not call this`);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('afterwards, nothing changed', () => {
  it('no account, binding, hold, SMS, upload or workflow came of the bad requests', {
    timeout: 120_000,
  }, async () => {
    const sent = totalSent();
    console.log(`[figures] bad requests sent by ${import.meta.url.split('/').pop()}: ${sent}`);
    for (const [label, n] of sentBy) console.log(`[figures]   ${label}: ${n}`);

    // The people the requests were about: no account, binding or hold, and no SMS was sent.
    for (const req of pool) {
      const { idNumber, mobile } = req.applicant;
      const stats = await fetch(`${h.coreBankingUrl}/sandbox/stats?idNumber=${idNumber}`);
      expect(stats.status).toBe(200);
      expect(await stats.json()).toEqual({ accounts: 0, bindings: 0, activeHolds: 0 });
      const sms = await fetch(`${h.providersUrl}/sandbox/sms?mobile=${mobile}`);
      expect(sms.status, `an SMS was sent to ${mobile}`).toBe(404);
    }

    // No refused upload was stored.
    const stored = [];
    for (const id of refusedUploads)
      if (await h.documents.usable(id, OWN_APP_TENANT, randomUUID())) stored.push(id);
    expect(stored).toEqual([]);

    // A sample of the refused starts' applicationIds: no workflow by that id.
    const ids = [...refusedStartIds];
    expect(ids.length).toBeGreaterThan(100);
    const sample = fc.sample(fc.shuffledSubarray(ids, { minLength: 40, maxLength: 40 }), 1)[0]!;
    for (const id of sample) {
      await expect(h.client.workflow.getHandle(onboardingWorkflowId(id)).describe()).rejects.toBeInstanceOf(
        WorkflowNotFoundError,
      );
    }

    // Visibility is eventually consistent: start one real application on this task queue and
    // wait until the index counts it. Then the count is live, and it must be exactly that one.
    const control = await newApplication(h.documents);
    const started = await api.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: bearer('app'),
      payload: control,
    });
    expect([200, 202]).toContain(started.statusCode);
    const query = `TaskQueue = '${h.taskQueue}'`;
    const { count } = await eventually(
      () => h.client.workflow.count(query),
      (c) => c.count >= 1,
      100,
    );
    expect(count).toBe(1);
    const listed = [];
    for await (const wf of h.client.workflow.list({ query })) listed.push(wf.workflowId);
    expect(listed).toEqual([onboardingWorkflowId(control.applicationId)]);

    // The same checks see a real application: its SMS was sent, and once opened its account counts.
    const code = await readSmsCode(h.providersUrl, control.applicant.mobile);
    const opened = await api.inject({
      method: 'POST',
      url: `/v1/applications/${control.applicationId}/sms-code`,
      headers: bearer('app'),
      payload: { code },
    });
    expect(opened.json()).toMatchObject({ status: 'OPENED' });
    const stats = await fetch(`${h.coreBankingUrl}/sandbox/stats?idNumber=${control.applicant.idNumber}`);
    expect(await stats.json()).toEqual({ accounts: 1, bindings: 1, activeHolds: 0 });
  });
});
