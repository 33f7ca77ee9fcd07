/**
 * package.json says what the README says about installing: the supported Node versions, no
 * dependency that asks for a newer Node than those (npm ci's EBADENGINE warnings), and every
 * dependency with an install script declared in allowScripts. Pure: reads the files.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  version?: string;
  optional?: boolean;
  hasInstallScript?: boolean;
  engines?: { node?: string };
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  engines: { node: string };
  devEngines: { runtime: { name: string; version: string } };
  allowScripts: Record<string, boolean>;
  overrides: Record<string, Record<string, string>>;
};
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockEntry> };
const readme = readFileSync('README.md', 'utf8');

/** The package's name from its lockfile path (node_modules/a/node_modules/@b/c → @b/c). */
const nameOf = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

/**
 * The lowest Node major each alternative of an engines range lets in (">=18" → 18, "^20.19.0 ||
 * ^22.13.0" → 20 and 22); enough to tell a range that shuts Node 20 out.
 */
const lowestMajors = (range: string) =>
  range.split('||').map((alternative) => Number(/(\d+)/.exec(alternative)?.[1] ?? 0));

describe('package.json', () => {
  it('supports Node 20.19+ and lists 20 and 22 as the tested versions, as the README says', () => {
    expect(pkg.engines.node).toBe('>=20.19');
    expect(pkg.devEngines.runtime).toMatchObject({ name: 'node', version: '^20.19 || ^22.13' });
    expect(readme).toContain('Node.js 20 (20.19 or later) or 22 (22.13 or later)');
    expect(readme).toContain('`>=20.19`');
    expect(readme).toContain('`^20.19 || ^22.13`');
  });

  it('installs no package whose engines range starts above Node 20 (npm ci warns of none)', () => {
    const shutOut = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && !entry.optional && entry.engines?.node)
      .filter(([, entry]) => Math.min(...lowestMajors(entry.engines!.node!)) > 20)
      .map(([path, entry]) => `${path}@${entry.version} needs node ${entry.engines!.node}`);
    expect(shutOut).toEqual([]);
  });

  it('overrides only what the README explains', () => {
    for (const [parent, pins] of Object.entries(pkg.overrides)) {
      expect(readme).toContain(`\`${parent}\``);
      for (const child of Object.keys(pins)) expect(readme).toContain(`\`${child}\``);
    }
  });

  it('declares every install script in allowScripts, as the README lists them', () => {
    const withScripts = [
      ...new Set(
        Object.entries(lock.packages)
          .filter(([, entry]) => entry.hasInstallScript)
          .map(([path]) => nameOf(path)),
      ),
    ].sort();
    expect(Object.keys(pkg.allowScripts).sort()).toEqual(withScripts);
    for (const name of withScripts) expect(readme).toContain(`\`${name}\``);
    expect(pkg.allowScripts).toMatchObject({ 'better-sqlite3': true, esbuild: true });
  });
});
