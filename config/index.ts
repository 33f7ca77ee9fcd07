/**
 * All settings come from environment variables with development defaults, parsed once here.
 * The README lists them; `npm start` prints the ones a tester needs (URLs and tokens).
 */
import path from 'node:path';
import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

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
  /** Development tokens; set real secrets outside development. */
  APP_TOKEN: z.string().min(16).default('dev-app-token-change-me'),
  OPERATOR_TOKEN: z.string().min(16).default('dev-operator-token-change-me'),
  SUPERVISOR_TOKEN: z.string().min(16).default('dev-supervisor-token-change-me'),
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
    tokens: { app: e.APP_TOKEN, operator: e.OPERATOR_TOKEN, supervisor: e.SUPERVISOR_TOKEN },
    logLevel: e.LOG_LEVEL,
  };
}
