/**
 * The codec server (Temporal's remote codec protocol: `POST /decode`, `POST /encode`, payloads as
 * proto3 JSON): the Web UI and `temporal workflow show --codec-endpoint` show decoded payloads to
 * staff (operators, supervisors, engineers) who said why, and ciphertext to anyone else.
 *
 * Authentication: `Authorization: Bearer <token>` (the CLI's `--codec-auth`, scripts) or a session
 * cookie from signing in at `/login` with the same token (the Web UI, which sends a bearer token
 * only with OIDC over HTTPS, but sends cookies when "include cross-origin credentials" is on).
 * Purpose: stated at sign-in, or per request in `X-Decode-Purpose`; a decode without one is refused.
 * Audit: every decode is recorded in the audit log (docs/audit.md) before any payload is answered,
 * as the review console's reveal is (api/routes/review-cases.ts): no record, no plaintext.
 * CORS: only the Web UI's origins get an answer; a browser request from any other origin is 403.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { z } from 'zod';
import type { Config } from '../config';
import type { AuditTrail } from '../stores/audit';
import { keyIdOf } from './codec';
import { applicationIdOfKey } from './keyring';

const STAFF_ROLES = ['operator', 'supervisor', 'engineer'] as const;
type StaffRole = (typeof STAFF_ROLES)[number];
const isStaff = (role: string): role is StaffRole => (STAFF_ROLES as readonly string[]).includes(role);

/** A configured token: every role may be listed; only staff roles decode, the others are answered 403. */
export interface CodecCaller {
  id: string;
  token: string;
  role: string;
}

export interface StaffCaller {
  id: string;
  role: StaffRole;
}

/** Why a member of staff reads decoded payloads: a code from a fixed list (never free text) and a ticket. */
const purposeCodeSchema = z.enum([
  'INCIDENT',
  'DEFECT',
  'CUSTOMER_REQUEST',
  'FRAUD_INVESTIGATION',
  'AUDIT_REQUEST',
]);
export const DECODE_PURPOSES: Readonly<Record<z.infer<typeof purposeCodeSchema>, string>> = {
  INCIDENT: 'An incident or a failed workflow',
  DEFECT: 'Diagnosing a defect',
  CUSTOMER_REQUEST: "A customer's complaint or request",
  FRAUD_INVESTIGATION: 'A fraud investigation',
  AUDIT_REQUEST: "An internal or a regulator's audit",
};
/**
 * A tracker's key such as INC-4711: the auditor's way back to the case. Letters, digits and one
 * number only, so that a name or an ID number has no room in it.
 */
const ticketSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z][A-Z0-9]{1,15}-\d{1,10}$/, 'a ticket such as INC-4711');
export const decodePurposeSchema = z.strictObject({ purpose: purposeCodeSchema, ticket: ticketSchema });
export type DecodePurpose = z.infer<typeof decodePurposeSchema>;

/** `X-Decode-Purpose: INCIDENT INC-4711`: the bearer callers' way to state it (the CLI's `--codec-header`). */
export const DECODE_PURPOSE_HEADER = 'x-decode-purpose';

/**
 * The application id of decode entries for payloads under the deployment key (payment-agreement
 * signings, schedules): they belong to no application, and the log's entries each name one.
 */
export const NO_APPLICATION = '00000000-0000-0000-0000-000000000000';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** The configured tokens (config.tokens): staff roles decode, any other known token is 403. */
  callers: readonly CodecCaller[];
  /** Where each decode is recorded, before anything decoded is answered. */
  audit: Pick<AuditTrail, 'record'>;
  /** The Web UI's origins, e.g. http://127.0.0.1:8233: the only ones CORS answers. */
  allowedOrigins: readonly string[];
  logger?: FastifyBaseLogger | false;
  /** How long a sign-in lasts. */
  sessionTtlMs?: number;
  /** Mark the session cookie Secure (production: codecServerSettings). */
  secureCookies?: boolean;
}

/** What the process takes from its configuration (encryption/codec-server-main.ts). */
export function codecServerSettings(
  config: Pick<Config, 'tokens' | 'codecServer'>,
  env: NodeJS.ProcessEnv = process.env,
): Pick<CodecServerOptions, 'callers' | 'allowedOrigins' | 'secureCookies'> {
  return {
    callers: config.tokens,
    allowedOrigins: config.codecServer.corsOrigins,
    // Production serves it over HTTPS (docs/encryption.md): the session never travels in the clear.
    secureCookies: env.NODE_ENV === 'production',
  };
}

const SESSION_COOKIE = 'codec_session';
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/);
const payloadsSchema = z.object({
  payloads: z
    .array(
      z.object({
        metadata: z.record(z.string(), base64).nullish(),
        data: base64.nullish(),
      }),
    )
    .max(10_000),
});
const loginSchema = z.object({ token: z.string().min(1).max(512) });
/** The Web UI names the namespace; kept in the entry only when it looks like one. */
const namespaceSchema = z.string().regex(/^[\w.-]{1,200}$/);

type JsonPayload = z.infer<typeof payloadsSchema>['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
  ),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});

const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

const digest = (token: string) => createHash('sha256').update(token).digest();

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const purposeOptions = Object.entries(DECODE_PURPOSES)
  .map(([code, label]) => `<option value="${code}">${escapeHtml(label)} (${code})</option>`)
  .join('');

const loginPage = (message = '') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Codec server: sign in</title>
<style>body{font:16px system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em}
label{display:block;margin-top:.8em}input,select{font:inherit;width:100%;padding:.4em}
button{font:inherit;margin-top:.8em;padding:.4em 1em}</style></head>
<body><h1>Account opening: codec server</h1>${message}
<form method="post" action="login">
<label>Operator, supervisor or engineer token
<input type="password" name="token" autocomplete="off" required autofocus></label>
<label>Purpose <select name="purpose" required><option value="">Choose why you read decoded data</option>${purposeOptions}</select></label>
<label>Ticket (e.g. INC-4711)
<input name="ticket" required pattern="[A-Za-z][A-Za-z0-9]{1,15}-[0-9]{1,10}" autocomplete="off"></label>
<button type="submit">Sign in</button></form>
<p>Every decode is recorded in the audit log with your id, the purpose and the ticket, naming
each application whose data you read. Then, in the Temporal Web UI (opened at the same host name
as this page), open the codec server settings, set this server's address as the endpoint and
tick "Include cross-origin credentials". Without a sign-in, the Web UI shows payloads
encrypted.</p></body></html>`;

const html = (reply: FastifyReply, status: number, message: string) =>
  reply.code(status).type('text/html; charset=utf-8').send(loginPage(message));

export function buildCodecServer(opts: CodecServerOptions): FastifyInstance {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    bodyLimit: 16 * 1024 * 1024,
  });
  const allowed = new Set(opts.allowedOrigins);
  const callers = opts.callers.map((c) => ({ id: c.id, role: c.role, digest: digest(c.token) }));
  const sessions = new Map<string, { caller: StaffCaller; purpose: DecodePurpose; until: number }>();
  const sessionTtlMs = opts.sessionTtlMs ?? 8 * 3600_000;
  const cookieAttributes = `HttpOnly; SameSite=Strict; Path=/`;
  const secure = opts.secureCookies ? '; Secure' : '';

  const byToken = (token: string): { id: string; role: string } | undefined => {
    const d = digest(token);
    // Every entry is compared, in constant time, so timing tells nothing about which token is close.
    let found: { id: string; role: string } | undefined;
    for (const c of callers) if (timingSafeEqual(d, c.digest) && !found) found = { id: c.id, role: c.role };
    return found;
  };

  /** Who calls, and why if they said: undefined for no known token or session. */
  const signedIn = (
    req: FastifyRequest,
  ): { caller: { id: string; role: string }; purpose: DecodePurpose | undefined } | undefined => {
    const bearer = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) {
      const caller = byToken(bearer);
      return caller && { caller, purpose: purposeHeader(req.headers[DECODE_PURPOSE_HEADER]) };
    }
    const sid = cookie(req.headers.cookie, SESSION_COOKIE);
    const session = sid ? sessions.get(sid) : undefined;
    if (!session) return undefined;
    if (session.until < Date.now()) {
      sessions.delete(sid!);
      return undefined;
    }
    return session;
  };

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  // CORS before anything else: a browser on another origin gets no answer it could read.
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (origin === undefined) return; // not a cross-origin browser request (the CLI, curl, tests)
    const own = `${req.protocol}://${req.headers.host}`;
    if (origin === own) return; // this server's own sign-in page
    if (!allowed.has(origin)) {
      return reply.code(403).send({ error: 'this origin may not call the codec server' });
    }
    reply
      .header('access-control-allow-origin', origin)
      .header('access-control-allow-credentials', 'true')
      .header('vary', 'Origin');
    if (req.method === 'OPTIONS') {
      return reply
        .header('access-control-allow-methods', 'POST, OPTIONS')
        .header('access-control-allow-headers', 'authorization, content-type, x-namespace')
        .header('access-control-max-age', '600')
        .code(204)
        .send();
    }
  });

  const guard = async (req: FastifyRequest, reply: FastifyReply) => {
    const who = signedIn(req);
    if (!who) {
      reply.header('www-authenticate', 'Bearer');
      return reply.code(401).send({
        error: 'send Authorization: Bearer <operator, supervisor or engineer token>, or sign in at /login',
      });
    }
    const { caller } = who;
    if (!isStaff(caller.role)) {
      return reply
        .code(403)
        .send({ error: 'only operators, supervisors and engineers may use the codec server' });
    }
    req.codecCaller = { id: caller.id, role: caller.role };
    req.codecPurpose = who.purpose;
  };

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/whoami', { onRequest: guard }, async (req) => ({
    id: req.codecCaller!.id,
    role: req.codecCaller!.role,
    ...req.codecPurpose,
  }));

  app.post('/decode', { onRequest: guard }, async (req, reply) => {
    const caller = req.codecCaller!;
    const purpose = req.codecPurpose;
    if (!purpose) {
      return reply.code(403).send({
        error: `state why: sign in at /login with a purpose, or send ${DECODE_PURPOSE_HEADER}: <${purposeCodeSchema.options.join('|')}> <ticket, e.g. INC-4711>`,
      });
    }
    const parsed = payloadsSchema.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send({ error: 'expected {"payloads": [...]} (proto3 JSON)' });
    /** Payloads decoded per data key: what the entries name. */
    const decodedByKey = new Map<string, number>();
    let undecodable = 0;
    const out = await Promise.all(
      parsed.data.payloads.map(async (json) => {
        const payload = fromJson(json);
        try {
          const keyId = keyIdOf(payload);
          const [decoded] = await opts.codec.decode([payload]);
          if (keyId) decodedByKey.set(keyId, (decodedByKey.get(keyId) ?? 0) + 1);
          return decoded ?? payload;
        } catch {
          // A shredded application's payloads (or a foreign key) stay as they are: ciphertext.
          undecodable++;
          return payload;
        }
      }),
    );
    const decodeId = randomUUID();
    const at = new Date().toISOString();
    const namespace = namespaceSchema.safeParse(req.headers['x-namespace']);
    try {
      // One entry per data key the request read (the Web UI decodes one event's payloads at a
      // time: one application), since each entry names one application and is listed by it.
      for (const [keyId, payloads] of decodedByKey) {
        await opts.audit.record({
          id: `payloads-decoded:${decodeId}:${keyId}`,
          at,
          actor: caller.id,
          action: 'PAYLOADS_DECODED',
          applicationId: applicationIdOfKey(keyId) ?? NO_APPLICATION,
          reason: purpose.purpose,
          refs: {
            decodeId,
            keyId,
            role: caller.role,
            ticket: purpose.ticket,
            payloads: String(payloads),
            ...(namespace.success && { namespace: namespace.data }),
          },
        });
      }
    } catch (err) {
      req.log.error({ err, decodeId }, 'decode not recorded in the audit log: nothing answered');
      return reply.code(503).send({ error: 'the audit log could not record this decode; try again' });
    }
    req.log.info(
      {
        who: caller.id,
        role: caller.role,
        purpose: purpose.purpose,
        ticket: purpose.ticket,
        decodeId,
        namespace: req.headers['x-namespace'],
        payloads: out.length,
        undecodable,
        keys: [...decodedByKey.keys()],
      },
      'payloads decoded',
    );
    // Decoded personal data: no cache along the way keeps a copy.
    return reply.header('cache-control', 'no-store').send({ payloads: out.map(toJson) });
  });

  app.post('/encode', { onRequest: guard }, async (req, reply) => {
    const parsed = payloadsSchema.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send({ error: 'expected {"payloads": [...]} (proto3 JSON)' });
    // No workflow context here: what the Web UI sends (a signal's input, say) takes the deployment key.
    const encoded = await opts.codec.encode(parsed.data.payloads.map(fromJson));
    req.log.info({ who: req.codecCaller!.id, payloads: encoded.length }, 'payloads encoded');
    return { payloads: encoded.map(toJson) };
  });

  app.get('/', async (_req, reply) => reply.redirect('login'));
  app.get('/login', async (_req, reply) => html(reply, 200, ''));

  app.post('/login', async (req, reply) => {
    const form = loginSchema.safeParse(req.body);
    const caller = form.success ? byToken(form.data.token) : undefined;
    if (!caller) {
      req.log.warn('codec server sign-in refused');
      return html(
        reply,
        401,
        '<p><strong>That token is not an operator, supervisor or engineer token.</strong></p>',
      );
    }
    if (!isStaff(caller.role)) {
      req.log.warn({ who: caller.id, role: caller.role }, 'codec server sign-in refused: not staff');
      return html(
        reply,
        403,
        '<p><strong>Only operators, supervisors and engineers may sign in here.</strong></p>',
      );
    }
    const body = req.body as Record<string, unknown>;
    const purpose = decodePurposeSchema.safeParse({ purpose: body.purpose, ticket: body.ticket });
    if (!purpose.success) {
      return html(
        reply,
        400,
        '<p><strong>Choose a purpose and give its ticket (e.g. INC-4711).</strong></p>',
      );
    }
    const sid = randomBytes(32).toString('base64url');
    const staff: StaffCaller = { id: caller.id, role: caller.role };
    sessions.set(sid, { caller: staff, purpose: purpose.data, until: Date.now() + sessionTtlMs });
    for (const [id, s] of sessions) if (s.until < Date.now()) sessions.delete(id);
    req.log.info({ who: staff.id, role: staff.role, ...purpose.data }, 'codec server sign-in');
    return reply
      .header(
        'set-cookie',
        `${SESSION_COOKIE}=${sid}; ${cookieAttributes}; Max-Age=${Math.floor(sessionTtlMs / 1000)}${secure}`,
      )
      .type('text/html; charset=utf-8')
      .send(
        loginPage(
          `<p>Signed in as <strong>${escapeHtml(staff.id)}</strong> (${staff.role}) for ` +
            `${purpose.data.purpose} ${escapeHtml(purpose.data.ticket)}.</p>`,
        ),
      );
  });

  app.post('/logout', async (req, reply) => {
    const sid = cookie(req.headers.cookie, SESSION_COOKIE);
    if (sid) sessions.delete(sid);
    return reply.header('set-cookie', `${SESSION_COOKIE}=; ${cookieAttributes}; Max-Age=0${secure}`).send({});
  });

  return app;
}

function purposeHeader(value: string | string[] | undefined): DecodePurpose | undefined {
  if (typeof value !== 'string') return undefined;
  const [purpose, ticket, ...rest] = value.trim().split(/\s+/);
  if (rest.length > 0) return undefined;
  const parsed = decodePurposeSchema.safeParse({ purpose, ticket });
  return parsed.success ? parsed.data : undefined;
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    codecCaller?: StaffCaller;
    codecPurpose?: DecodePurpose;
  }
}
