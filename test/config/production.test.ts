/** Fail closed: NODE_ENV=production refuses development defaults and sandbox URLs, naming each. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { callerFor } from '../../api/auth';
import { loadConfig } from '../../config';
import { UnsafeConfigurationError } from '../../config/production';
import { developmentTokens } from '../../domain/credentials';
import { PRODUCTION_ENV } from '../support/production-env';

const root = fileURLToPath(new URL('../..', import.meta.url));

const safe: NodeJS.ProcessEnv = { ...PRODUCTION_ENV };

const problemsOf = (env: NodeJS.ProcessEnv): readonly string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof UnsafeConfigurationError) return err.problems;
    throw err;
  }
};

describe('NODE_ENV=production', () => {
  it('with the defaults, names every missing secret, key and URL', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    for (const setting of [
      'APP_TOKENS',
      'OPERATOR_TOKENS',
      'SUPERVISOR_TOKENS',
      'ENGINEER_TOKENS',
      'WEBHOOK_SECRET',
      'COUNTER_HMAC_KEY',
      'DECISION_SIGNING_KEY',
      'ENCRYPTION_MASTER_KEY',
      'PROVIDERS_URL',
      'CORE_BANKING_URL',
      'APP_WEBHOOK_URL',
      'OPS_WEBHOOK_URL',
      'DATABASE_URL',
    ]) {
      expect(problems.some((p) => p.startsWith(setting))).toBe(true);
    }
  });

  it('starts with real secrets and URLs', () => {
    expect(problemsOf(safe)).toEqual([]);
  });

  it('refuses a development token, a sandbox URL and a sandbox path', () => {
    expect(
      problemsOf({
        ...safe,
        OPERATOR_TOKENS: 'op-alice=dev-operator-alice-change-me',
        PROVIDERS_URL: 'http://127.0.0.1:7310',
        APP_WEBHOOK_URL: 'https://app.bank.example/sandbox/app-webhook',
      }),
    ).toEqual([
      'OPERATOR_TOKENS holds a development value',
      'PROVIDERS_URL points at a sandbox',
      'APP_WEBHOOK_URL points at a sandbox',
    ]);
  });

  it('`npm run api` with the defaults exits non-zero and lists what is unsafe', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, NODE_ENV: 'production' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('api: refusing to start');
    expect(run.stderr).toContain('WEBHOOK_SECRET is not set');
    expect(run.stderr).toContain('CORE_BANKING_URL is not set');
  });
});

describe('tokens', () => {
  it("parse when they contain '=' (base64 padding)", () => {
    const app = loadConfig(safe).tokens.find((t) => t.id === 'bank-app');
    expect(app?.token).toBe('Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==');
  });

  it('the same token for two callers is refused, naming both', () => {
    expect(() =>
      loadConfig({
        OPERATOR_TOKENS: 'op-1=shared-token-0123456789',
        SUPERVISOR_TOKENS: 'sup-1=shared-token-0123456789',
      }),
    ).toThrow('the same token is configured for both op-1 and sup-1');
  });

  it('each token finds its own caller; a prefix or an extension of one finds none', () => {
    const { tokens } = loadConfig(safe);
    for (const t of tokens) expect(callerFor(tokens, `Bearer ${t.token}`)?.id).toBe(t.id);
    expect(callerFor(tokens, 'Bearer op-token-7f3c9a1e5b2d4c6e8a0')).toBeUndefined();
    expect(callerFor(tokens, 'Bearer op-token-7f3c9a1e5b2d4c6e8a0bX')).toBeUndefined();
  });
});

describe('NODE_ENV=production, each credential list left out in turn', () => {
  /** Every list set, to real values: leaving one out is then the only difference. */
  const full: NodeJS.ProcessEnv = {
    ...safe,
    PARTNER_APP_TOKENS: 'partner-1=partner-token-3c5e7a9b1d2f4a6c',
    PARTNER_WEBHOOK_URLS: 'partner-1=https://partner-1.example/webhooks',
    PARTNER_WEBHOOK_SECRETS: 'partner-1=partner-hook-secret-7a6b5c4d3e2f',
    INSTITUTION_TOKENS: 'WECHAT_PAY=wechat-token-8d6b4f2a0c9e7a5c,UNIONPAY=unionpay-token-1f3e5d7c9b0a2e4c',
  };
  const developmentCredentials = Object.values(developmentTokens).flatMap((list) =>
    list.split(',').map((pair) => pair.slice(pair.indexOf('=') + 1)),
  );
  const without = (name: string): NodeJS.ProcessEnv =>
    Object.fromEntries(Object.entries(full).filter(([key]) => key !== name));
  /** The API's callers and the codec server's engineers (encryption/codec-server-main.ts), as loaded. */
  const callersOf = (env: NodeJS.ProcessEnv) => {
    const config = loadConfig(env);
    return [...config.tokens, ...config.engineerTokens.map((t) => ({ ...t, role: 'engineer' as const }))];
  };

  const required = ['APP_TOKENS', 'OPERATOR_TOKENS', 'SUPERVISOR_TOKENS', 'ENGINEER_TOKENS'];
  /** Lists that may be empty, and the callers each one configures. */
  const optional: Record<string, (caller: { role: string; partnerId?: string }) => boolean> = {
    PARTNER_APP_TOKENS: (c) => c.partnerId !== undefined,
    INSTITUTION_TOKENS: (c) => c.role === 'institution',
  };

  it('covers every list that has a development default', () => {
    expect([...required, ...Object.keys(optional), 'PARTNER_WEBHOOK_SECRETS'].sort()).toEqual(
      Object.keys(developmentTokens).sort(),
    );
  });

  it('starts with every list set, and every development token is refused', () => {
    const callers = callersOf(full);
    for (const token of developmentCredentials) expect(callerFor(callers, `Bearer ${token}`)).toBeUndefined();
  });

  for (const name of required) {
    it(`without ${name}, refuses to start, naming it`, () => {
      expect(problemsOf(without(name))).toEqual([
        `${name} is not set (the development default would be used)`,
      ]);
    });
  }

  for (const [name, configuredBy] of Object.entries(optional)) {
    it(`without ${name}, starts with that list empty, and no development token authenticates`, () => {
      const callers = callersOf(without(name));
      expect(callers.filter(configuredBy)).toEqual([]);
      for (const token of developmentCredentials) {
        expect(callerFor(callers, `Bearer ${token}`), token).toBeUndefined();
      }
    });
  }

  it("without PARTNER_WEBHOOK_SECRETS, refuses to start for want of the partner's secret", () => {
    expect(() => loadConfig(without('PARTNER_WEBHOOK_SECRETS'))).toThrow(
      'PARTNER_WEBHOOK_SECRETS has no signing secret for partner partner-1',
    );
  });
});
