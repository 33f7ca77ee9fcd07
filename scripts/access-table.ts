/**
 * `npm run access-table`: prints the authorization table of api/access.ts as Markdown,
 * the whole of docs/access.md; `npm run access-table -- --write` rewrites that file.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { ACCESS_DOC, renderAccessDoc } from './access-doc';

const opts = new Command('npm run access-table')
  .description('Prints who may call what (api/access.ts) as Markdown: docs/access.md.')
  .option('--write', `write ${ACCESS_DOC} instead of printing it`)
  .parse()
  .opts<{ write?: boolean }>();

const doc = renderAccessDoc();
if (opts.write) {
  writeFileSync(fileURLToPath(new URL(`../${ACCESS_DOC}`, import.meta.url)), doc);
  console.log(`wrote ${ACCESS_DOC}`);
} else {
  process.stdout.write(doc);
}
