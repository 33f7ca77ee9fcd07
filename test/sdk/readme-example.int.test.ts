/**
 * The SDK README's example is sdk/examples/open-account.ts, quoted whole; this runs that file
 * as a user would (`tsx sdk/examples/open-account.ts`), pointed by its environment variables at
 * the API and sandbox of the tests instead of `npm start`'s, and type-checks it.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenApi, tokenOf } from '../cli/http-api';
import { type Harness, startHarness } from '../support/harness';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = path.join(ROOT, 'sdk/examples/open-account.ts');

let h: Harness;
let api: FastifyInstance;
let url: string;
beforeAll(async () => {
  h = await startHarness();
  ({ api, url } = await listenApi(h));
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
});

describe('the SDK README example', () => {
  it('is quoted whole in sdk/README.md', () => {
    const readme = readFileSync(path.join(ROOT, 'sdk/README.md'), 'utf8');
    const example = readFileSync(EXAMPLE, 'utf8');
    expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
  });

  it('runs as written: a backend mints sessions, a device opens an account past a wrong code, ends its session, and re-submits photos on an account session', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', EXAMPLE], {
      cwd: ROOT,
      timeout: 90_000,
      env: {
        PATH: process.env.PATH,
        API_URL: url,
        SANDBOX_URL: h.providersUrl,
        APP_TOKEN: tokenOf('test-app'),
        OPERATOR_TOKEN: tokenOf('op-alice'),
        SECOND_OPERATOR_TOKEN: tokenOf('op-bob'),
      },
    });
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    expect(lines).toEqual([
      'wrong code: 2 tries left',
      expect.stringMatching(/^account 6230\d{15}: class II, ACTIVE, review NONE$/),
      'session ended: 401',
      'wrong code: 2 tries left',
      expect.stringMatching(/^account 6230\d{15}: class II, ACTIVE, review PENDING$/),
      'session ended: 401',
      expect.stringMatching(/^account 6230\d{15}: RECEIVE_ONLY, REVIEW → RESUBMIT_ID$/),
      'new photos accepted: review round 2',
      expect.stringMatching(/^hold lifted: account 6230\d{15} is ACTIVE$/),
    ]);
  });

  it('type-checks with the project settings', () => {
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(ROOT, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    );
    if (!config) throw new Error('tsconfig.json did not parse');
    const program = ts.createProgram([EXAMPLE], config.options);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map(
        (d) =>
          `${d.file ? path.relative(ROOT, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      );
    expect(problems).toEqual([]);
  });
});
