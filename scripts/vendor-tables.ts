/**
 * The Tencent Cloud mapping tables (domain/tencent-cloud-mapping.ts) as Markdown, for
 * docs/vendors.md: `npx tsx scripts/vendor-tables.ts` prints them, `... --write` rewrites the
 * doc's section between its markers, and test/adapters/vendor-doc.test.ts fails when the doc
 * is not exactly what this renders.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  BANK_CARD_VERIFICATION_RESULTS,
  COMMON_ERROR_PREFIXES,
  type CodeRow,
  ID_CARD_VERIFICATION_RESULTS,
  IMAGE_RECOGNITION_RESULTS,
  OCR_ERROR_CODES,
  OCR_QUALITY_THRESHOLD,
  OCR_WARN_CODES,
  type Outcome,
  UNKNOWN_WARN,
} from '../domain/tencent-cloud-mapping';

export const VENDORS_DOC = 'docs/vendors.md';
export const BEGIN = '<!-- tencent-cloud-tables:begin (npx tsx scripts/vendor-tables.ts --write) -->';
export const END = '<!-- tencent-cloud-tables:end -->';

const escapePipes = (cell: string): string => cell.replaceAll('|', '\\|');

// East Asian wide characters take two columns, as Biome's Markdown formatter counts them: padding
// by string length would leave the tables Biome rewrites (and CI's lint fails on).
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
const displayWidth = (text: string): number => [...text].reduce((w, ch) => w + (WIDE.test(ch) ? 2 : 1), 0);
const pad = (text: string, width: number): string =>
  text + ' '.repeat(Math.max(0, width - displayWidth(text)));

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(escapePipes(r[i] ?? '')))),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => pad(escapePipes(c), widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

const outcomeText = (o: Outcome<unknown>): string => {
  switch (o.kind) {
    case 'answer':
      return `answer \`${String(o.answer)}\``;
    case 'retry':
      return 'retry (transient)';
    case 'review':
      return 'review (a human looks)';
    case 'failure':
      return `fails for good: \`${o.failure}\``;
  }
};

const billing = { CHARGED: 'yes', FREE: 'no', UNSTATED: 'not stated' } as const;

const codeTable = (rows: readonly CodeRow<unknown>[]): string =>
  table(
    ['Code', 'Tencent Cloud says', 'Here', 'Billed'],
    rows.map((r) => [`\`${r.code}\``, r.vendorSays, outcomeText(r.outcome), billing[r.billing]]),
  );

export function renderVendorTables(): string {
  const tier = (t: (typeof OCR_WARN_CODES)[number]['tier']) =>
    t.tier === 1 ? 'tier 1: `ID_NOT_AN_ID_CARD` (rejects)' : `tier 2: \`${t.flag}\` (review)`;
  return [
    '### IDCardOCR: `AdvancedInfo.WarnInfos`',
    '',
    table(
      ['Code', 'Tencent Cloud says', 'Here', 'Why'],
      OCR_WARN_CODES.map((r) => [`\`${r.code}\``, r.vendorSays, tier(r.tier), r.why]),
    ),
    '',
    `Any other warning code: ${tier(UNKNOWN_WARN)}. \`AdvancedInfo.Quality\` below ${OCR_QUALITY_THRESHOLD}: tier 2: \`BLURRED\` (review).`,
    '',
    '### IDCardOCR: errors',
    '',
    codeTable(OCR_ERROR_CODES),
    '',
    'Any other error code: review (a human looks).',
    '',
    '### IdCardVerification (the identity register)',
    '',
    codeTable(ID_CARD_VERIFICATION_RESULTS),
    '',
    'Any other result: fails for good: `TencentCloudUnknownResult` (the port has no word for a review).',
    '',
    '### BankCardVerification (flow v2’s three elements)',
    '',
    codeTable(BANK_CARD_VERIFICATION_RESULTS),
    '',
    'Any other result: fails for good: `TencentCloudUnknownResult`.',
    '',
    '### ImageRecognition (the face comparison)',
    '',
    codeTable(IMAGE_RECOGNITION_RESULTS),
    '',
    'Any other result: review (a human looks). `Sim` (0 to 100) becomes the similarity (0 to 1) that domain/face.ts grades.',
    '',
    '### Errors of every action (`Response.Error.Code`, by family: `AuthFailure.*` and so on)',
    '',
    codeTable(COMMON_ERROR_PREFIXES),
  ].join('\n');
}

/** The doc with its section between the markers replaced by the current tables. */
export function withTables(doc: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${VENDORS_DOC} has no ${BEGIN} ... ${END} section`);
  return `${doc.slice(0, start + BEGIN.length)}\n\n${renderVendorTables()}\n\n${doc.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--write')) {
    const file = new URL(`../${VENDORS_DOC}`, import.meta.url);
    writeFileSync(file, withTables(readFileSync(file, 'utf8')));
  } else {
    process.stdout.write(`${renderVendorTables()}\n`);
  }
}
