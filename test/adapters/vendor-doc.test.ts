/**
 * docs/vendors.md prints the Tencent Cloud mapping tables of domain/tencent-cloud-mapping.ts,
 * rendered by scripts/vendor-tables.ts: the doc may not drift from the code, nor the rendering
 * misstate a code. Pure: it reads files and starts nothing.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BANK_CARD_VERIFICATION_RESULTS,
  ID_CARD_VERIFICATION_RESULTS,
  IMAGE_RECOGNITION_RESULTS,
  OCR_WARN_CODES,
} from '../../domain/tencent-cloud-mapping';
import { BEGIN, END, renderVendorTables, VENDORS_DOC, withTables } from '../../scripts/vendor-tables';

const doc = readFileSync(fileURLToPath(new URL(`../../${VENDORS_DOC}`, import.meta.url)), 'utf8');
const regenerate = 'out of date: run npx tsx scripts/vendor-tables.ts --write';

describe('docs/vendors.md', () => {
  it('holds exactly the current tables between its markers', () => {
    expect(doc, `${VENDORS_DOC} ${regenerate}`).toBe(withTables(doc));
    expect(doc).toContain(`${BEGIN}\n\n${renderVendorTables()}\n\n${END}`);
  });

  it('has a row for every code of every table, saying what it becomes', () => {
    const sections = renderVendorTables().split('### ');
    const rowsUnder = (heading: string) => sections.find((s) => s.startsWith(heading))?.split('\n') ?? [];
    const rowOf = (heading: string, code: string | number) =>
      rowsUnder(heading).find((r) => r.startsWith(`| \`${code}\``));
    for (const r of OCR_WARN_CODES) {
      expect(rowOf('IDCardOCR: `AdvancedInfo', r.code), String(r.code)).toContain(`tier ${r.tier.tier}`);
    }
    const tables = [
      ['IdCardVerification', ID_CARD_VERIFICATION_RESULTS],
      ['BankCardVerification', BANK_CARD_VERIFICATION_RESULTS],
      ['ImageRecognition', IMAGE_RECOGNITION_RESULTS],
    ] as const;
    for (const [heading, table] of tables) {
      for (const r of table) {
        const row = rowOf(heading, r.code);
        expect(row, `${heading} ${r.code}`).toBeDefined();
        const says =
          r.outcome.kind === 'answer'
            ? `answer \`${r.outcome.answer}\``
            : r.outcome.kind === 'failure'
              ? r.outcome.failure
              : r.outcome.kind;
        expect(row, `${heading} ${r.code}`).toContain(says);
      }
    }
  });

  it('says where the tables come from and how to plug the vendor in', () => {
    for (const text of [
      'PROVIDER_PROFILE',
      'TENCENTCLOUD_SECRET_KEY',
      'TENCENTCLOUD_ENDPOINT',
      '--provider-profile tencent-cloud',
    ])
      expect(doc).toContain(text);
    expect(doc).toContain('https://cloud.tencent.com/document/api/866/33524');
  });
});
