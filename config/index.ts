/**
 * All settings come from environment variables with development defaults, parsed once here.
 * The README lists them; `npm start` prints the ones a tester needs (URLs and tokens).
 */
import path from 'node:path';
import { z } from 'zod';
import type { ProviderProfile } from '../adapters/tencent-cloud/profile';
import { TENCENT_SANDBOX_CREDENTIALS, TENCENT_SANDBOX_PATH } from '../contracts/tencent-cloud';
import { webhookSecretProblem } from '../contracts/webhook-secret';
import { institutionSchema } from '../domain/agreements';
import {
  credentials,
  developmentDecisionSigningKey,
  developmentTokens,
  developmentWebhookSecret,
} from '../domain/credentials';
import { auditCheckpointSettings } from './audit-checkpoints';
import { productionProblems, UnsafeConfigurationError, withoutDevelopmentLists } from './production';
import { temporalConnectConfig } from './temporal';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const envSchema = z.object({
  DATA_DIR: z.string().default('data'),
  /**
   * Shared state for several hosts (daily limits, idempotency records, the audit log, data keys):
   * a PostgreSQL URL. Unset: SQLite files under DATA_DIR, for one machine (`npm start`).
   */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL')
    .optional(),
  /** Where each process serves /metrics, /health and /ready (the API serves them on its own port). */
  WORKER_HEALTH_HOST: z.string().default('127.0.0.1'),
  /** 0 picks a free port; unset, the worker serves none. */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** host:port for the SDK's own Prometheus metrics (Temporal Core's); unset, none. */
  WORKER_SDK_METRICS_ADDRESS: z.string().optional(),
  /**
   * Workflows a worker keeps in memory (the SDK's default grows with the heap): 10,000 parked
   * reviews cost a worker about 1.7 GB of RSS uncapped (scripts/bench/README.md). Evicted ones
   * are replayed from history when a decision comes.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  /** How long a worker's shutdown (SIGTERM) lets the tasks in flight finish. */
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).default(30),
  TEMPORAL_UI_PORT: port(8233),
  TASK_QUEUE: z.string().default('account-opening'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port(8080),
  /**
   * On SIGTERM the API answers /ready 503 at once and keeps serving this long before it stops
   * accepting, so that a load balancer polling /ready sends it nothing new (then it drains).
   */
  API_DRAIN_DELAY_SECONDS: z.coerce.number().min(0).default(0),
  PROVIDERS_SANDBOX_PORT: port(7310),
  CORE_BANKING_SANDBOX_PORT: port(7320),
  /** The payment-network simulator (sandbox/payment-network/): institutions played against the API. */
  PAYMENT_NETWORK_PORT: port(7330),
  PROVIDERS_URL: z.string().url().optional(),
  /**
   * Whose wire formats the ID-card OCR, identity register, three elements and face comparison
   * speak: the sandbox contract's, or Tencent Cloud's (docs/vendors.md). The watch list, the four
   * elements with their SMS code and the bank's SMS stay at PROVIDERS_URL either way.
   */
  PROVIDER_PROFILE: z.enum(['sandbox', 'tencent-cloud']).default('sandbox'),
  /** Tencent Cloud's API key pair (CAM); unset in development: the sandbox's own pair. */
  TENCENTCLOUD_SECRET_ID: z.string().min(1).optional(),
  TENCENTCLOUD_SECRET_KEY: z.string().min(1).optional(),
  TENCENTCLOUD_REGION: z.string().min(1).default('ap-guangzhou'),
  /**
   * `https://{service}.tencentcloudapi.com` at Tencent Cloud ({service}: ocr, faceid); unset in
   * development: the providers sandbox's Tencent Cloud endpoint.
   */
  TENCENTCLOUD_ENDPOINT: z
    .string()
    .refine(
      (v) => URL.canParse(v.replaceAll('{service}', 'ocr')),
      'a URL (with {service} where the service goes)',
    )
    .optional(),
  CORE_BANKING_URL: z.string().url().optional(),
  APP_WEBHOOK_URL: z.string().url().optional(),
  OPS_WEBHOOK_URL: z.string().url().optional(),
  /**
   * Shared with the app: webhooks carry an HMAC-SHA256 signature made with it. `whsec_<base64>`
   * keys with the decoded bytes, as apps' Standard Webhooks libraries do; plain text, as before,
   * with its UTF-8 bytes (contracts/webhook-secret.ts). A malformed `whsec_` one is refused here,
   * not at the first delivery that no app could verify.
   */
  WEBHOOK_SECRET: z
    .string()
    .min(16)
    .default(developmentWebhookSecret)
    .superRefine((secret, ctx) => {
      const problem = webhookSecretProblem(secret);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  /** Each partner bank's webhook (`partner=url,...`) and signing secret (`partner=secret,...`). */
  PARTNER_WEBHOOK_URLS: z.string().optional(),
  PARTNER_WEBHOOK_SECRETS: credentials(developmentTokens.PARTNER_WEBHOOK_SECRETS).superRefine((list, ctx) => {
    for (const { id, token } of list) {
      const problem = webhookSecretProblem(token);
      if (problem) ctx.addIssue({ code: 'custom', message: `${id}: ${problem}` });
    }
  }),
  /** Keys the HMACs that stand for cards, mobiles, ID numbers and requests in counters and records. */
  COUNTER_HMAC_KEY: z.string().min(16).default('dev-counter-hmac-key-change-me'),
  /** `who=token` pairs, comma-separated. The defaults are development tokens: set real ones elsewhere. */
  APP_TOKENS: credentials(developmentTokens.APP_TOKENS),
  /** Partner banks' apps (the embedded SDK): `partner=token`; their applications and accounts are theirs alone. */
  PARTNER_APP_TOKENS: credentials(developmentTokens.PARTNER_APP_TOKENS),
  OPERATOR_TOKENS: credentials(developmentTokens.OPERATOR_TOKENS),
  SUPERVISOR_TOKENS: credentials(developmentTokens.SUPERVISOR_TOKENS),
  /** Payment institutions, `WECHAT_PAY=token,UNIONPAY=token,JD_PAY=token`: each sees only its own agreements. */
  INSTITUTION_TOKENS: credentials(developmentTokens.INSTITUTION_TOKENS).refine(
    (list) => list.every((c) => institutionSchema.safeParse(c.id).success),
    { message: `each entry must name an institution: ${institutionSchema.options.join(', ')}` },
  ),
  /** Uploads no application references are deleted after this long. */
  DOCUMENT_TTL_HOURS: z.coerce.number().positive().default(24),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Payload encryption (docs/encryption.md): the current master key, base64 of 32 bytes, and its id. */
  ENCRYPTION_MASTER_KEY: z.string().optional(),
  ENCRYPTION_MASTER_KEY_ID: z
    .string()
    .regex(/^[\w.-]{1,64}$/)
    .default('master-1'),
  /** Retired master keys, kept to unwrap the data keys they wrapped: `id=base64,id=base64`. */
  ENCRYPTION_RETIRED_MASTER_KEYS: z.string().optional(),
  /** A JSON key file instead; by default <DATA_DIR>/keys/master-keys.json, generated on first start. */
  ENCRYPTION_MASTER_KEY_FILE: z.string().optional(),
  /** The wrapped per-application data keys (SQLite); by default <DATA_DIR>/keys/data-keys.db. */
  ENCRYPTION_DATA_KEYS_DB: z.string().optional(),
  ENCRYPTION_KEY_CACHE_SIZE: z.coerce.number().int().min(1).default(10_000),
  /** How long a process keeps an unwrapped data key: a shred reaches running processes within it. */
  ENCRYPTION_KEY_CACHE_SECONDS: z.coerce.number().min(0).default(300),
  CODEC_SERVER_HOST: z.string().default('127.0.0.1'),
  CODEC_SERVER_PORT: port(8234),
  /** Origins (the Web UI's) the codec server answers CORS for; default the UI on 127.0.0.1 and localhost. */
  CODEC_CORS_ORIGINS: z.string().optional(),
  /** Engineers may decode payloads through the codec server (as operators may); nobody else. */
  ENGINEER_TOKENS: credentials(developmentTokens.ENGINEER_TOKENS),
  /**
   * Shared by the API and the worker only: the API signs each decision, claim and release with it,
   * and the review refuses one whose signature does not match, so that writing to the Temporal
   * namespace (CLI, Web UI) is not enough to decide as an operator (docs/security.md).
   */
  DECISION_SIGNING_KEY: z.string().min(32).default(developmentDecisionSigningKey),
});

export type Config = ReturnType<typeof loadConfig>;

/**
 * The settings, or an error naming each bad one: with NODE_ENV=production, every development
 * default and sandbox URL too (config/production.ts).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const production = env.NODE_ENV === 'production';
  if (production) {
    const problems = productionProblems(env);
    if (problems.length > 0) throw new UnsafeConfigurationError(problems);
  }
  const e = envSchema.parse(production ? withoutDevelopmentLists(env) : env);
  refuseSharedTokens([
    e.APP_TOKENS,
    e.PARTNER_APP_TOKENS,
    e.OPERATOR_TOKENS,
    e.SUPERVISOR_TOKENS,
    e.ENGINEER_TOKENS,
    e.INSTITUTION_TOKENS,
  ]);
  const providersUrl = e.PROVIDERS_URL ?? `http://127.0.0.1:${e.PROVIDERS_SANDBOX_PORT}`;
  return {
    dataDir: path.resolve(e.DATA_DIR),
    documentsDir: path.resolve(e.DATA_DIR, 'documents'),
    // TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS and API keys the Temporal way (config/temporal.ts).
    temporal: {
      ...temporalSettings(env),
      uiPort: e.TEMPORAL_UI_PORT,
      taskQueue: e.TASK_QUEUE,
    },
    api: { host: e.API_HOST, port: e.API_PORT, drainDelayMs: e.API_DRAIN_DELAY_SECONDS * 1000 },
    databaseUrl: e.DATABASE_URL,
    auditCheckpoints: auditCheckpointSettings(env, {
      dataDir: path.resolve(e.DATA_DIR),
      databaseUrl: e.DATABASE_URL,
    }),
    worker: {
      health:
        e.WORKER_HEALTH_PORT === undefined
          ? undefined
          : { host: e.WORKER_HEALTH_HOST, port: e.WORKER_HEALTH_PORT },
      sdkMetricsAddress: e.WORKER_SDK_METRICS_ADDRESS,
      shutdownGraceSeconds: e.WORKER_SHUTDOWN_GRACE_SECONDS,
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
    },
    sandbox: {
      providersPort: e.PROVIDERS_SANDBOX_PORT,
      coreBankingPort: e.CORE_BANKING_SANDBOX_PORT,
      paymentNetworkPort: e.PAYMENT_NETWORK_PORT,
    },
    providersUrl,
    providerProfile: providerProfile(e, providersUrl),
    coreBankingUrl: e.CORE_BANKING_URL ?? `http://127.0.0.1:${e.CORE_BANKING_SANDBOX_PORT}`,
    appWebhookUrl: e.APP_WEBHOOK_URL ?? `${providersUrl}/sandbox/app-webhook`,
    webhookSecret: e.WEBHOOK_SECRET,
    counterHmacKey: e.COUNTER_HMAC_KEY,
    // Ops alerts to an inbox of their own: never into the app's, even in development.
    opsWebhookUrl: e.OPS_WEBHOOK_URL ?? `${providersUrl}/sandbox/ops-webhook`,
    partnerWebhooks: partnerWebhooks(e, providersUrl),
    tokens: [
      ...e.APP_TOKENS.map((c) => ({ ...c, role: 'app' as const, channel: 'OWN_APP' as const })),
      ...e.PARTNER_APP_TOKENS.map((c) => ({
        ...c,
        role: 'app' as const,
        channel: 'PARTNER' as const,
        partnerId: c.id,
      })),
      ...e.OPERATOR_TOKENS.map((c) => ({ ...c, role: 'operator' as const })),
      ...e.SUPERVISOR_TOKENS.map((c) => ({ ...c, role: 'supervisor' as const })),
      ...e.INSTITUTION_TOKENS.map((c) => ({ ...c, role: 'institution' as const })),
      // Known to the API so that it answers them 403 (they decode through the codec server), not 401.
      ...e.ENGINEER_TOKENS.map((c) => ({ ...c, role: 'engineer' as const })),
    ],
    logLevel: e.LOG_LEVEL,
    documentTtlHours: e.DOCUMENT_TTL_HOURS,
    encryption: {
      masterKey: e.ENCRYPTION_MASTER_KEY
        ? { id: e.ENCRYPTION_MASTER_KEY_ID, base64: e.ENCRYPTION_MASTER_KEY }
        : undefined,
      retiredMasterKeys: e.ENCRYPTION_RETIRED_MASTER_KEYS,
      masterKeyFile: path.resolve(
        e.ENCRYPTION_MASTER_KEY_FILE ?? path.join(e.DATA_DIR, 'keys', 'master-keys.json'),
      ),
      /** Only the default key file is generated (development); a key file named explicitly must exist. */
      generateMasterKeyFile: !e.ENCRYPTION_MASTER_KEY && !e.ENCRYPTION_MASTER_KEY_FILE,
      dataKeysDb: path.resolve(e.ENCRYPTION_DATA_KEYS_DB ?? path.join(e.DATA_DIR, 'keys', 'data-keys.db')),
      /** With DATABASE_URL the data keys live in PostgreSQL, shared by every host; else in dataKeysDb. */
      dataKeysUrl: e.DATABASE_URL,
      keyCache: { size: e.ENCRYPTION_KEY_CACHE_SIZE, ttlMs: e.ENCRYPTION_KEY_CACHE_SECONDS * 1000 },
    },
    codecServer: {
      host: e.CODEC_SERVER_HOST,
      port: e.CODEC_SERVER_PORT,
      corsOrigins: e.CODEC_CORS_ORIGINS?.split(',')
        .map((o) => o.trim())
        .filter(Boolean) ?? [
        `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`,
        `http://localhost:${e.TEMPORAL_UI_PORT}`,
      ],
    },
    engineerTokens: e.ENGINEER_TOKENS,
    /** For the API (api/services/reviews.ts) and the worker's bundle (worker/create-worker.ts) alone. */
    decisionSigningKey: e.DECISION_SIGNING_KEY,
  };
}

/**
 * The profile and, for Tencent Cloud, its key pair, region and endpoint. Development falls back
 * to the sandbox's pair and endpoint; production refuses to start without each (config/production.ts).
 */
function providerProfile(e: z.infer<typeof envSchema>, providersUrl: string): ProviderProfile {
  if (e.PROVIDER_PROFILE === 'sandbox') return { kind: 'sandbox' };
  return {
    kind: 'tencent-cloud',
    secretId: e.TENCENTCLOUD_SECRET_ID ?? TENCENT_SANDBOX_CREDENTIALS.secretId,
    secretKey: e.TENCENTCLOUD_SECRET_KEY ?? TENCENT_SANDBOX_CREDENTIALS.secretKey,
    region: e.TENCENTCLOUD_REGION,
    endpoint: e.TENCENTCLOUD_ENDPOINT ?? `${providersUrl}${TENCENT_SANDBOX_PATH}`,
  };
}

function temporalSettings(env: NodeJS.ProcessEnv) {
  const c = temporalConnectConfig(env);
  return { address: c.connectionOptions.address, namespace: c.namespace, connect: c };
}

/** One token, one caller: a token listed twice would make the role it gets depend on list order. */
function refuseSharedTokens(lists: readonly { id: string; token: string }[][]): void {
  const seen = new Map<string, string>();
  for (const { id, token } of lists.flat()) {
    const first = seen.get(token);
    if (first !== undefined) throw new Error(`the same token is configured for both ${first} and ${id}`);
    seen.set(token, id);
  }
}

/** For a process's entry point: the settings, or the list of what is wrong on stderr and exit 1. */
export function loadConfigOrExit(service: string, env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    const text =
      err instanceof UnsafeConfigurationError
        ? err.message
        : err instanceof z.ZodError
          ? z.prettifyError(err)
          : err instanceof Error
            ? err.message
            : String(err);
    process.stderr.write(`${service}: refusing to start: ${text}\n`);
    process.exit(1);
  }
}

/**
 * Every partner app token's partner needs its own webhook and secret: falling back to the bank's
 * own webhook would hand one tenant's events to another. The development partner's default is
 * its own inbox in the providers sandbox.
 */
function partnerWebhooks(
  e: z.infer<typeof envSchema>,
  providersUrl: string,
): Record<string, { url: string; secret: string }> {
  const listed =
    e.PARTNER_WEBHOOK_URLS ??
    e.PARTNER_APP_TOKENS.map((p) => `${p.id}=${providersUrl}/sandbox/app-webhook/${p.id}`).join(',');
  const urls = new Map(
    listed
      .split(',')
      .filter((pair) => pair.trim())
      .map((pair) => {
        const at = pair.indexOf('=');
        return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()] as const;
      }),
  );
  const secrets = new Map(e.PARTNER_WEBHOOK_SECRETS.map((s) => [s.id, s.token]));
  const routes: Record<string, { url: string; secret: string }> = {};
  for (const { id } of e.PARTNER_APP_TOKENS) {
    const url = urls.get(id);
    const secret = secrets.get(id);
    if (!url || !URL.canParse(url))
      throw new Error(`PARTNER_WEBHOOK_URLS has no webhook URL for partner ${id}`);
    if (!secret) throw new Error(`PARTNER_WEBHOOK_SECRETS has no signing secret for partner ${id}`);
    routes[id] = { url, secret };
  }
  return routes;
}
