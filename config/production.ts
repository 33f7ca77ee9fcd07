/**
 * Fail closed: with NODE_ENV=production a process refuses to start while any secret is absent
 * or left at its development value, or while a provider, core-banking or webhook URL points at
 * the sandboxes. Each problem names its setting, so one run lists everything to fix.
 */
import {
  developmentDecisionSigningKey,
  developmentTokens,
  developmentWebhookSecret,
} from '../domain/credentials';

export class UnsafeConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`unsafe configuration for NODE_ENV=production:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'UnsafeConfigurationError';
  }
}

/** Every development default in one place: any of them in production is a leak waiting to happen. */
const DEVELOPMENT_SECRETS = [
  ...Object.values(developmentTokens).flatMap((list) =>
    list.split(',').map((p) => p.slice(p.indexOf('=') + 1)),
  ),
  'dev-webhook-secret-change-me',
  developmentWebhookSecret,
  'dev-counter-hmac-key-change-me',
  developmentDecisionSigningKey,
];

const REQUIRED_SECRETS = [
  'APP_TOKENS',
  'OPERATOR_TOKENS',
  'SUPERVISOR_TOKENS',
  'ENGINEER_TOKENS',
  'WEBHOOK_SECRET',
  'COUNTER_HMAC_KEY',
  'DECISION_SIGNING_KEY',
  'AUDIT_CHECKPOINT_KEY',
] as const;

/** Lists that may be empty (a bank without partners) but, when set, must hold real tokens. */
const OPTIONAL_SECRETS = ['PARTNER_APP_TOKENS', 'PARTNER_WEBHOOK_SECRETS', 'INSTITUTION_TOKENS'] as const;

/**
 * The environment as production parses it: every credential list left unset is an empty one.
 * The schema's fallbacks are the development lists (domain/credentials.ts), published in the
 * README: an unset INSTITUTION_TOKENS would otherwise let `dev-wechat-pay-token-change-me` sign
 * agreements and debit. Lists that may not be empty are refused by productionProblems first.
 */
export function withoutDevelopmentLists(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const unset = Object.keys(developmentTokens).filter((name) => env[name] === undefined);
  return { ...env, ...Object.fromEntries(unset.map((name) => [name, ''])) };
}

const REQUIRED_URLS = ['PROVIDERS_URL', 'CORE_BANKING_URL', 'APP_WEBHOOK_URL', 'OPS_WEBHOOK_URL'] as const;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

function sandboxUrl(value: string, sandboxPorts: string[]): boolean {
  const url = new URL(value);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return url.pathname.startsWith('/sandbox') || (LOOPBACK.test(url.hostname) && sandboxPorts.includes(port));
}

/** What is unsafe about `env` for production; empty when it may start. */
export function productionProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const looksDevelopment = (value: string) =>
    DEVELOPMENT_SECRETS.some((dev) => value.includes(dev)) || /change-me/i.test(value);

  for (const name of [...REQUIRED_SECRETS, ...OPTIONAL_SECRETS]) {
    const value = env[name];
    if (value === undefined || value === '') {
      if ((REQUIRED_SECRETS as readonly string[]).includes(name))
        problems.push(`${name} is not set (the development default would be used)`);
    } else if (looksDevelopment(value)) {
      problems.push(`${name} holds a development value`);
    }
  }
  if (!env.ENCRYPTION_MASTER_KEY && !env.ENCRYPTION_MASTER_KEY_FILE) {
    problems.push(
      'ENCRYPTION_MASTER_KEY (or ENCRYPTION_MASTER_KEY_FILE) is not set (a development key would be generated)',
    );
  }
  if (!env.DATABASE_URL) {
    problems.push(
      'DATABASE_URL is not set (limits, idempotency records, the audit log and the data keys would be SQLite files of this host alone)',
    );
  }
  const sandboxPorts = [env.PROVIDERS_SANDBOX_PORT ?? '7310', env.CORE_BANKING_SANDBOX_PORT ?? '7320'];
  for (const name of REQUIRED_URLS) {
    const value = env[name];
    if (!value) problems.push(`${name} is not set (it would point at the sandbox)`);
    else if (URL.canParse(value) && sandboxUrl(value, sandboxPorts))
      problems.push(`${name} points at a sandbox`);
  }
  if (env.PROVIDER_PROFILE === 'tencent-cloud') problems.push(...tencentCloudProblems(env, sandboxPorts));
  if (env.PARTNER_APP_TOKENS?.trim()) {
    if (!env.PARTNER_WEBHOOK_URLS)
      problems.push('PARTNER_WEBHOOK_URLS is not set (partners would get the sandbox)');
    for (const pair of env.PARTNER_WEBHOOK_URLS?.split(',') ?? []) {
      const url = pair.slice(pair.indexOf('=') + 1).trim();
      if (URL.canParse(url) && sandboxUrl(url, sandboxPorts)) {
        problems.push(
          `PARTNER_WEBHOOK_URLS points at a sandbox for ${pair.slice(0, pair.indexOf('=')).trim()}`,
        );
      }
    }
  }
  return problems;
}

const TENCENT_SETTINGS = [
  'TENCENTCLOUD_SECRET_ID',
  'TENCENTCLOUD_SECRET_KEY',
  'TENCENTCLOUD_REGION',
  'TENCENTCLOUD_ENDPOINT',
] as const;

/** PROVIDER_PROFILE=tencent-cloud: every setting of it given, none a sandbox's. Names only, never values. */
function tencentCloudProblems(env: NodeJS.ProcessEnv, sandboxPorts: string[]): string[] {
  const problems: string[] = [];
  for (const name of TENCENT_SETTINGS) {
    if (!env[name]) problems.push(`${name} is not set (PROVIDER_PROFILE=tencent-cloud needs it)`);
  }
  for (const name of ['TENCENTCLOUD_SECRET_ID', 'TENCENTCLOUD_SECRET_KEY'] as const) {
    const value = env[name];
    if (value && (/change-me/i.test(value) || /sandbox/i.test(value)))
      problems.push(`${name} holds a development value`);
  }
  const endpoint = env.TENCENTCLOUD_ENDPOINT?.replaceAll('{service}', 'ocr');
  if (endpoint && URL.canParse(endpoint) && sandboxUrl(endpoint, sandboxPorts))
    problems.push('TENCENTCLOUD_ENDPOINT points at a sandbox');
  return problems;
}
