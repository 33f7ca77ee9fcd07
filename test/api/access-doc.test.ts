/**
 * docs/access.md is the authorization table of api/access.ts, rendered by
 * scripts/access-doc.ts (`npm run access-table`): it may not drift from the table, and the
 * rendering may not misstate a cell. Pure: it reads files and starts nothing.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ACCESS, CALLER_KINDS } from '../../api/access';
import { ACCESS_DOC, openApiPath, renderAccessDoc, renderAccessTable } from '../../scripts/access-doc';
import { type RouteName, routes } from '../../sdk/routes';

const doc = readFileSync(fileURLToPath(new URL(`../../${ACCESS_DOC}`, import.meta.url)), 'utf8');
const regenerate = 'out of date: run npm run access-table -- --write';

/** The table's lines split into trimmed cells. */
const cellsOf = (table: string): string[][] =>
  table.split('\n').map((l) =>
    l
      .replace(/^\|(.*)\|$/, '$1')
      .split('|')
      .map((c) => c.trim()),
  );

describe('docs/access.md', () => {
  it("holds exactly the script's current table", () => {
    const table = renderAccessTable();
    expect(doc.includes(`\n${table}\n`), `${ACCESS_DOC} ${regenerate}`).toBe(true);
  });

  it('is exactly what npm run access-table renders, prose included', () => {
    expect(doc, `${ACCESS_DOC} ${regenerate}`).toBe(renderAccessDoc());
  });

  it('names the test that holds the API to the table, and how to regenerate it', () => {
    expect(doc).toContain('`test/api/access.int.test.ts`');
    expect(doc).toContain('`npm run access-table`');
  });
});

describe('the rendered table', () => {
  const [header, rule, ...rows] = cellsOf(renderAccessTable());

  it('has a column per caller kind, in order, between the route and the operation', () => {
    expect(header).toEqual(['method and path', ...CALLER_KINDS.map((k) => `\`${k}\``), 'operation']);
    expect(rule?.every((c) => /^-+$/.test(c))).toBe(true);
  });

  it("has one row per route, in sdk/routes.ts' order, each cell as ACCESS has it", () => {
    const names = Object.keys(routes) as RouteName[];
    expect(rows.map((r) => r.at(-1))).toEqual(names.map((n) => `\`${n}\``));
    for (const [i, name] of names.entries()) {
      const { method, path } = routes[name];
      expect(rows[i]?.[0], name).toBe(`\`${method} ${openApiPath(path)}\``);
      expect(rows[i]?.slice(1, -1), name).toEqual(CALLER_KINDS.map((k) => String(ACCESS[name][k])));
    }
  });

  it('writes paths in {param} form and cells as ok, 401, 403 or 404 only', () => {
    expect(openApiPath('/v1/reviews/:reviewId/documents/:documentId')).toBe(
      '/v1/reviews/{reviewId}/documents/{documentId}',
    );
    for (const row of rows) {
      expect(row[0]).not.toContain(':');
      for (const cell of row.slice(1, -1)) expect(['ok', '401', '403', '404']).toContain(cell);
    }
  });
});
