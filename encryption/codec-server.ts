/**
 * The codec server (Temporal's remote codec protocol: `POST /decode`, `POST /encode`, payloads as
 * proto3 JSON): the Web UI and `temporal workflow show --codec-endpoint` show decoded payloads to
 * an operator or engineer with a token, and ciphertext to anyone else.
 *
 * Authentication: `Authorization: Bearer <token>` (the CLI's `--codec-auth`, scripts) or a session
 * cookie from signing in at `/login` with the same token (the Web UI, which sends a bearer token
 * only with OIDC over HTTPS, but sends cookies when "include cross-origin credentials" is on).
 * CORS: only the Web UI's origins get an answer; a browser request from any other origin is 403.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { keyIdOf } from './codec';

export interface CodecCaller {
  id: string;
  token: string;
  role: 'operator' | 'engineer';
}

export interface CodecServerOptions {
  codec: PayloadCodec;
  callers: readonly CodecCaller[];
  /** The Web UI's origins, e.g. http://127.0.0.1:8233: the only ones CORS answers. */
  allowedOrigins: readonly string[];
  logger?: FastifyBaseLogger | false;
  /** How long a sign-in lasts. */
  sessionTtlMs?: number;
  /** Mark the session cookie Secure (serve over HTTPS outside a developer's machine). */
  secureCookies?: boolean;
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

const loginPage = (message = '') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Codec server: sign in</title>
<style>body{font:16px system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em}
input{font:inherit;width:100%;padding:.4em}button{font:inherit;margin-top:.6em;padding:.4em 1em}</style></head>
<body><h1>Account opening: codec server</h1>${message}
<form method="post" action="login"><label>Operator or engineer token
<input type="password" name="token" autocomplete="off" required autofocus></label>
<button type="submit">Sign in</button></form>
<p>Then, in the Temporal Web UI (opened at the same host name as this page), open the codec
server settings, set this server's address as the endpoint and tick "Include cross-origin
credentials". Without a sign-in, the Web UI shows payloads encrypted.</p></body></html>`;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function buildCodecServer(opts: CodecServerOptions): FastifyInstance {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    bodyLimit: 16 * 1024 * 1024,
  });
  const allowed = new Set(opts.allowedOrigins);
  const callers = opts.callers.map((c) => ({ ...c, digest: digest(c.token) }));
  const sessions = new Map<string, { caller: CodecCaller; until: number }>();
  const sessionTtlMs = opts.sessionTtlMs ?? 8 * 3600_000;

  const byToken = (token: string): CodecCaller | undefined => {
    const d = digest(token);
    // Every entry is compared, in constant time, so timing tells nothing about which token is close.
    let found: CodecCaller | undefined;
    for (const c of callers) if (timingSafeEqual(d, c.digest)) found = c;
    return found;
  };

  const callerOf = (req: FastifyRequest): CodecCaller | undefined => {
    const bearer = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) return byToken(bearer);
    const sid = cookie(req.headers.cookie, SESSION_COOKIE);
    const session = sid ? sessions.get(sid) : undefined;
    if (!session) return undefined;
    if (session.until < Date.now()) {
      sessions.delete(sid!);
      return undefined;
    }
    return session.caller;
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

  const guard = async (req: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const caller = callerOf(req);
    if (!caller) {
      reply.header('www-authenticate', 'Bearer');
      return reply
        .code(401)
        .send({ error: 'send Authorization: Bearer <operator or engineer token>, or sign in at /login' });
    }
    req.codecCaller = caller;
  };

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/whoami', { onRequest: guard }, async (req) => ({
    id: req.codecCaller!.id,
    role: req.codecCaller!.role,
  }));

  app.post('/decode', { onRequest: guard }, async (req, reply) => {
    const parsed = payloadsSchema.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send({ error: 'expected {"payloads": [...]} (proto3 JSON)' });
    const keys = new Set<string>();
    let undecodable = 0;
    const out = await Promise.all(
      parsed.data.payloads.map(async (json) => {
        const payload = fromJson(json);
        try {
          const keyId = keyIdOf(payload);
          if (keyId) keys.add(keyId);
          const [decoded] = await opts.codec.decode([payload]);
          return decoded ?? payload;
        } catch {
          // A shredded application's payloads (or a foreign key) stay as they are: ciphertext.
          undecodable++;
          return payload;
        }
      }),
    );
    // Who decoded which application's data: the audit trail of the codec server.
    req.log.info(
      {
        who: req.codecCaller!.id,
        role: req.codecCaller!.role,
        namespace: req.headers['x-namespace'],
        payloads: out.length,
        undecodable,
        keys: [...keys],
      },
      'payloads decoded',
    );
    return { payloads: out.map(toJson) };
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
  app.get('/login', async (_req, reply) => reply.type('text/html; charset=utf-8').send(loginPage()));

  app.post('/login', async (req, reply) => {
    const token = z.object({ token: z.string().min(1).max(512) }).safeParse(req.body);
    const caller = token.success ? byToken(token.data.token) : undefined;
    if (!caller) {
      req.log.warn('codec server sign-in refused');
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(loginPage('<p><strong>That token is not an operator or engineer token.</strong></p>'));
    }
    const sid = randomBytes(32).toString('base64url');
    sessions.set(sid, { caller, until: Date.now() + sessionTtlMs });
    for (const [id, s] of sessions) if (s.until < Date.now()) sessions.delete(id);
    req.log.info({ who: caller.id, role: caller.role }, 'codec server sign-in');
    return reply
      .header(
        'set-cookie',
        `${SESSION_COOKIE}=${sid}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(sessionTtlMs / 1000)}` +
          (opts.secureCookies ? '; Secure' : ''),
      )
      .type('text/html; charset=utf-8')
      .send(loginPage(`<p>Signed in as <strong>${escapeHtml(caller.id)}</strong> (${caller.role}).</p>`));
  });

  app.post('/logout', async (req, reply) => {
    const sid = cookie(req.headers.cookie, SESSION_COOKIE);
    if (sid) sessions.delete(sid);
    return reply
      .header('set-cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`)
      .send({});
  });

  return app;
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
    codecCaller?: CodecCaller;
  }
}
