/**
 * The direction of imports between top-level folders (README, "Layout"): the SDK and the CLI
 * carry no server code, workflows no runtime code, contracts and the domain sit at the bottom.
 * Pure: it reads the files and starts nothing (`npm run test:unit` runs it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import mainConfig from '../vitest.config';
import { notUnitTests, unitTests } from '../vitest.unit.config';
import {
  checkImports,
  formatViolations,
  importsOf,
  keyOf,
  type SourceFile,
  type Violation,
} from './support/import-rules';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Tracked .ts files and new ones git does not ignore; without git, every .ts file outside node_modules and data. */
function repositoryFiles(): string[] {
  try {
    const listed = execFileSync(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '*.ts'],
      { cwd: root, encoding: 'utf8' },
    );
    return [...new Set(listed.split('\0').filter(Boolean))].filter((f) => existsSync(path.join(root, f)));
  } catch {
    const walk = (dir: string): string[] =>
      readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = dir ? `${dir}/${e.name}` : e.name;
        if (e.isDirectory()) return ['node_modules', 'data', '.git'].includes(e.name) ? [] : walk(rel);
        return e.name.endsWith('.ts') ? [rel] : [];
      });
    return walk('');
  }
}

const read = (file: string): SourceFile => ({
  path: file,
  source: readFileSync(path.join(root, file), 'utf8'),
});

/**
 * Violations that exist and are being fixed, by keyOf. Nothing may be added here; an entry
 * that no longer occurs must be removed (the last test says so), so the list only shrinks.
 */
const beingFixed = new Set<string>([]);

describe('the import rules hold in the repository', () => {
  const files = repositoryFiles().map(read);
  const violations = checkImports(files);

  it('reads the folders the rules are about', () => {
    for (const folder of ['sdk', 'cli', 'workflows', 'stores', 'contracts', 'domain']) {
      expect(
        files.some((f) => f.path.startsWith(`${folder}/`)),
        folder,
      ).toBe(true);
    }
  });

  it('no folder imports what it may not', () => {
    const unexpected = violations.filter((v) => !beingFixed.has(keyOf(v)));
    expect(unexpected, `imports against the rules:\n${formatViolations(unexpected)}\n`).toEqual([]);
  });

  it('lists as being fixed only violations that still occur', () => {
    const occurring = new Set(violations.map(keyOf));
    const fixed = [...beingFixed].filter((k) => !occurring.has(k));
    expect(
      fixed,
      `fixed: remove from beingFixed in test/architecture.test.ts:\n  ${fixed.join('\n  ')}\n`,
    ).toEqual([]);
  });
});

/** `**\/` any folders, `**` anything, `*` any name part: enough for the vitest include patterns. */
const globToRegExp = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .split(/(\*\*\/|\*\*|\*)/)
      .map((part) =>
        part === '**/'
          ? '(?:.*/)?'
          : part === '**'
            ? '.*'
            : part === '*'
              ? '[^/]*'
              : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('')}$`,
  );
const matchesAny = (globs: readonly string[], file: string) => globs.some((g) => globToRegExp(g).test(file));

/** The helpers under test/ that start or reach a server: the global setup's, PostgreSQL, the browser, the dev server. */
const serverHelpers = new Set([
  'test/global-setup.ts',
  'test/support/harness.ts',
  'test/support/api.ts',
  'test/support/postgres.ts',
  'test/browser/support.ts',
  'scripts/dev-server.ts',
]);

/** The file a relative import names, when it is a .ts file of the repository. */
function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.join(path.posix.dirname(from), specifier);
  return [base, `${base}.ts`, `${base}/index.ts`].find(
    (f) => f.endsWith('.ts') && existsSync(path.join(root, f)),
  );
}

/**
 * Why a test file needs a server: what it or any helper under test/ it imports (followed
 * transitively) does that needs one. Empty: it needs none. Replay (Worker.runReplayHistories,
 * bundleWorkflows) needs none; a sandbox or app built in-process needs none.
 */
function serverNeeds(file: string): string[] {
  const needs = new Set<string>();
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    const source = read(f).source;
    if (/import\s*\{[^}]*\binject\b[^}]*\}\s*from\s*'vitest'/.test(source))
      needs.add(`${f}: vitest's inject()`);
    if (/import\s*\{[^}]*\bNativeConnection\b[^}]*\}\s*from\s*'@temporalio\/worker'/.test(source))
      needs.add(`${f}: a NativeConnection`);
    if (/\bWorker\.create\(/.test(source)) needs.add(`${f}: Worker.create`);
    for (const ref of importsOf({ path: f, source })) {
      if (
        !ref.typeOnly &&
        ['@temporalio/client', '@temporalio/testing', 'playwright-core'].includes(ref.specifier)
      ) {
        needs.add(`${f}: ${ref.specifier}`);
      }
      const target = resolveImport(f, ref.specifier);
      if (!target) continue;
      if (serverHelpers.has(target)) needs.add(`${f}: ${target}`);
      else if (target.startsWith('test/')) visit(target);
    }
  };
  visit(file);
  return [...needs];
}

describe('the fast loop (npm run test:unit) and the integration tests (*.int.test.ts)', () => {
  const tests = repositoryFiles().filter((f) => matchesAny(mainConfig.test?.include ?? [], f));
  const isUnit = (f: string) => matchesAny(unitTests, f) && !matchesAny(notUnitTests, f);
  const unit = tests.filter(isUnit);
  const integration = tests.filter((f) => f.endsWith('.int.test.ts'));

  it('npm test runs every test file, and test:unit every one but the .int ones and test/record/', () => {
    expect(unit).toContain('test/architecture.test.ts');
    expect(unit).toContain('test/replay/replay.test.ts');
    expect(integration.length).toBeGreaterThan(0);
    const elsewhere = repositoryFiles().filter((f) => f.endsWith('.test.ts') && !tests.includes(f));
    expect(elsewhere, 'test files npm test does not run').toEqual([]);
    expect(
      tests.filter((f) => !isUnit(f) && !integration.includes(f)),
      'neither unit nor .int',
    ).toEqual([]);
  });

  it('the unit tests need no server: no harness, global setup, inject(), PostgreSQL, browser or Temporal client', () => {
    const needServer = unit.flatMap((f) => serverNeeds(f).map((why) => `${f} (${why})`));
    expect(needServer, 'rename them *.int.test.ts (git mv), or take the server out of them').toEqual([]);
  });

  it('every .int test needs a server (else it belongs in the fast loop, named *.test.ts)', () => {
    expect(integration.filter((f) => serverNeeds(f).length === 0)).toEqual([]);
  });
});

/** Checks synthetic files: path → source. */
const check = (files: Record<string, string>): Violation[] =>
  checkImports(Object.entries(files).map(([p, source]) => ({ path: p, source })));

const problems = (files: Record<string, string>): string[] =>
  check(files).map((v) => `${v.file}: ${v.problem}`);

describe('the import checker', () => {
  it('names a bad import of the SDK, with the file, line, rule and why', () => {
    const [v, ...rest] = check({
      'sdk/bad.ts':
        "import { z } from 'zod';\nimport { Applications } from '../api/services/applications';\n",
    });
    expect(rest).toEqual([]);
    expect(v).toMatchObject({
      file: 'sdk/bad.ts',
      line: 2,
      specifier: '../api/services/applications',
      problem: 'imports api/services/applications',
    });
    expect(formatViolations([v!])).toContain('sdk/bad.ts:2 imports api/services/applications');
    expect(formatViolations([v!])).toContain('sdk/, domain/ and zod only');
  });

  it('sees every form of import: export from, dynamic import(), require, type-only forms', () => {
    const source = [
      "import a from './a';",
      "import './side-effect';",
      "import type { B } from './b';",
      "import { type C, type D } from './c';",
      "import { type E, f } from './e';",
      "export * from './g';",
      "export type { H } from './h';",
      "export { i } from './i';",
      "const j = await import('./j');",
      "const k = require('./k');",
      "type L = import('./l').L;",
      "// import { m } from './m';",
      'const n = \'import { n } from "./n"\';',
    ].join('\n');
    expect(importsOf({ path: 'x/y.ts', source }).map((r) => [r.specifier, r.typeOnly, r.line])).toEqual([
      ['./a', false, 1],
      ['./side-effect', false, 2],
      ['./b', true, 3],
      ['./c', true, 4],
      ['./e', false, 5],
      ['./g', false, 6],
      ['./h', true, 7],
      ['./i', false, 8],
      ['./j', false, 9],
      ['./k', false, 10],
      ['./l', true, 11],
    ]);
  });

  it('keeps the SDK to sdk/, domain/ and zod, without Node', () => {
    expect(
      problems({
        'sdk/ok.ts': "import { z } from 'zod';\nimport { x } from './x';\nimport { y } from '../domain/y';\n",
        'sdk/node.ts': "import { createHash } from 'node:crypto';\nimport fs from 'fs';\n",
        'sdk/packages.ts': "import Fastify from 'fastify';\nimport { Client } from '@temporalio/client';\n",
        'sdk/server.ts':
          "export * from '../config';\nconst p = import('../adapters/ports');\nimport type { T } from '../api/services/reviews';\n",
      }),
    ).toEqual([
      'sdk/node.ts: imports the Node built-in node:crypto',
      'sdk/node.ts: imports the Node built-in node:fs',
      'sdk/packages.ts: imports the package fastify',
      'sdk/packages.ts: imports the package @temporalio/client',
      'sdk/server.ts: imports config',
      'sdk/server.ts: imports adapters/ports',
      'sdk/server.ts: imports api/services/reviews (type-only, still a dependency on it)',
    ]);
  });

  it('follows the SDK through domain/ to the Node modules and packages it would load', () => {
    expect(
      problems({
        'sdk/client.ts': "import { a } from '../domain/a';\nimport type { b } from '../domain/b';\n",
        'domain/a.ts': "import { c } from '../contracts/c';\nimport { z } from 'zod';\n",
        'domain/b.ts': "import { d } from '../contracts/d';\n",
        'contracts/c.ts': "import { createHmac } from 'node:crypto';\n",
        'contracts/d.ts': "import pino from 'pino';\n",
      }),
    ).toEqual(['sdk/client.ts: reaches the Node built-in node:crypto through domain/a.ts → contracts/c.ts']);
  });

  it('keeps server code out of the CLI', () => {
    expect(
      problems({
        'cli/ok.ts':
          "import { Command } from 'commander';\nimport path from 'node:path';\nimport { ApiClient } from '../sdk/client';\nimport { c } from '../domain/credentials';\n",
        'cli/bad.ts': [
          "import { loadConfig } from '../config';",
          "import { Reviews } from '../api/services/reviews';",
          "import type { Ports } from '../adapters/ports';",
          "import { x } from '../contracts/providers';",
          "import { w } from '../worker/main';",
        ].join('\n'),
      }),
    ).toEqual([
      'cli/bad.ts: imports config',
      'cli/bad.ts: imports api/services/reviews',
      'cli/bad.ts: imports adapters/ports (type-only, still a dependency on it)',
      'cli/bad.ts: imports contracts/providers',
      'cli/bad.ts: imports worker/main',
    ]);
  });

  it('lets workflows import types, not code, from activities/, and nothing of Node or the client', () => {
    expect(
      problems({
        'workflows/ok.ts': [
          "import { proxyActivities } from '@temporalio/workflow';",
          "import { ApplicationFailure } from '@temporalio/common';",
          "import type { Activities } from '../activities';",
          "import { type Activities as A } from '../activities';",
          "import { flows } from '../domain/flows';",
          "import type { AppEvent } from '../contracts/providers';",
        ].join('\n'),
        'workflows/bad.ts': [
          "import { createOnboardingActivities } from '../activities/onboarding';",
          "import { Client } from '@temporalio/client';",
          "import { readFileSync } from 'node:fs';",
          "import type { Applications } from '../api/services/applications';",
        ].join('\n'),
      }),
    ).toEqual([
      'workflows/bad.ts: imports activities/onboarding',
      'workflows/bad.ts: imports the package @temporalio/client',
      'workflows/bad.ts: imports the Node built-in node:fs',
      'workflows/bad.ts: imports api/services/applications (type-only, still a dependency on it)',
    ]);
  });

  it('keeps contracts a leaf and the domain above contracts only', () => {
    expect(
      problems({
        'contracts/a.ts':
          "import { z } from 'zod';\nimport { createHmac } from 'node:crypto';\nimport { b } from './b';\n",
        'contracts/bad.ts': "import { d } from '../domain/deliveries';\n",
        'domain/ok.ts':
          "import { z } from 'zod';\nimport { c } from '../contracts/a';\nimport { e } from './e';\n",
        'domain/bad.ts': "import { a } from '../adapters/ports';\nimport path from 'node:path';\n",
      }),
    ).toEqual([
      'contracts/bad.ts: imports domain/deliveries',
      'domain/bad.ts: imports adapters/ports',
      'domain/bad.ts: imports the Node built-in node:path',
    ]);
  });

  it('keeps the stores below the API, the activities and the worker, with only types from adapters/', () => {
    expect(
      problems({
        'stores/ok.ts': [
          "import Database from 'better-sqlite3';",
          "import { createHmac } from 'node:crypto';",
          "import type { Config } from '../config';",
          "import type { AuditRecorder } from '../adapters/ports';",
          "import { Keyring } from '../encryption/keyring';",
          "import type { LegalHold } from '../domain/legal-holds';",
          "import { sharedPool } from './postgres';",
        ].join('\n'),
        'stores/audit/bad.ts': [
          "import { NotFoundError } from '../../api/services/errors';",
          "import { keyedLinkedApplicants } from '../../adapters/keyed-linked-applicants';",
          "import type { Activities } from '../../activities';",
          "import { createWorker } from '../../worker/create-worker';",
        ].join('\n'),
      }),
    ).toEqual([
      'stores/audit/bad.ts: imports api/services/errors',
      'stores/audit/bad.ts: imports adapters/keyed-linked-applicants',
      'stores/audit/bad.ts: imports activities (type-only, still a dependency on it)',
      'stores/audit/bad.ts: imports worker/create-worker',
    ]);
  });

  it('has no rule for the other folders', () => {
    expect(
      problems({
        'api/x.ts': "import { Worker } from '@temporalio/worker';\nimport { a } from '../adapters/ports';\n",
        'test/x.ts': "import { c } from '../api/services/applications';\n",
      }),
    ).toEqual([]);
  });
});
