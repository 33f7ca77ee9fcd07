/**
 * All settings come from environment variables with development defaults, parsed once here.
 * The README lists them; `npm start` prints the ones a tester needs (URLs and tokens).
 */
import path from 'node:path';
import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** "who=token,who=token": each caller has its own token, so decisions record who made them. */
const credentials = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((list, ctx) =>
      list.split(',').map((pair) => {
        const [id = '', token = ''] = pair.trim().split('=');
        if (!/^[\w.-]{2,40}$/.test(id) || token.length < 16) {
          ctx.addIssue({
            code: 'custom',
            message: 'each entry must be who=token, with a token of 16+ characters',
          });
        }
        return { id, token };
      }),
    );

const envSchema = z.object({
  DATA_DIR: z.string().default('data'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_UI_PORT: port(8233),
  TASK_QUEUE: z.string().default('account-opening'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port(8080),
  PROVIDERS_SANDBOX_PORT: port(7310),
  CORE_BANKING_SANDBOX_PORT: port(7320),
  PROVIDERS_URL: z.string().url().optional(),
  CORE_BANKING_URL: z.string().url().optional(),
  APP_WEBHOOK_URL: z.string().url().optional(),
  OPS_WEBHOOK_URL: z.string().url().optional(),
  /** Shared with the app: webhooks carry an HMAC-SHA256 signature made with it. */
  WEBHOOK_SECRET: z.string().min(16).default('dev-webhook-secret-change-me'),
  /** `who=token` pairs, comma-separated. The defaults are development tokens: set real ones elsewhere. */
  APP_TOKENS: credentials('bank-app=dev-app-token-change-me'),
  /** Partner banks' apps (the embedded SDK): `partner=token`; their applications and accounts are theirs alone. */
  PARTNER_APP_TOKENS: credentials('partner-demo=dev-partner-app-token-change-me'),
  OPERATOR_TOKENS: credentials('op-alice=dev-operator-alice-change-me,op-bob=dev-operator-bob-change-me'),
  SUPERVISOR_TOKENS: credentials('sup-carol=dev-supervisor-carol-change-me'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = envSchema.parse(env);
  const providersUrl = e.PROVIDERS_URL ?? `http://127.0.0.1:${e.PROVIDERS_SANDBOX_PORT}`;
  return {
    dataDir: path.resolve(e.DATA_DIR),
    documentsDir: path.resolve(e.DATA_DIR, 'documents'),
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      uiPort: e.TEMPORAL_UI_PORT,
      taskQueue: e.TASK_QUEUE,
    },
    api: { host: e.API_HOST, port: e.API_PORT },
    sandbox: { providersPort: e.PROVIDERS_SANDBOX_PORT, coreBankingPort: e.CORE_BANKING_SANDBOX_PORT },
    providersUrl,
    coreBankingUrl: e.CORE_BANKING_URL ?? `http://127.0.0.1:${e.CORE_BANKING_SANDBOX_PORT}`,
    appWebhookUrl: e.APP_WEBHOOK_URL ?? `${providersUrl}/sandbox/app-webhook`,
    webhookSecret: e.WEBHOOK_SECRET,
    opsWebhookUrl: e.OPS_WEBHOOK_URL ?? `${providersUrl}/sandbox/app-webhook`,
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
    ],
    logLevel: e.LOG_LEVEL,
  };
}
