/**
 * What counts as an applicant's personal data in a test, and how to look for it in bytes: as
 * UTF-8, as JSON would escape it, and as base64 at any alignment (bytes fields in proto3 JSON,
 * a payload's data wrapped once more). Shared by the history test and by log-output tests.
 */
import type { StartApplicationRequest } from '../../domain/application';

export interface Sensitive {
  /** What it is and whose, e.g. "mobile of v1-clean": never the value itself. */
  label: string;
  value: string;
  /** Short enough (an SMS code) to occur by chance among the digits of timestamps and ids. */
  short?: boolean;
}

/** Everything personal an application carries, plus what the test learned on the way (codes, account). */
export function sensitiveOf(
  name: string,
  req: StartApplicationRequest,
  learned: { smsCodes?: string[]; accountNumber?: string } = {},
): Sensitive[] {
  const out: Sensitive[] = [
    { label: `applicant name of ${name}`, value: req.applicant.name },
    { label: `ID number of ${name}`, value: req.applicant.idNumber },
    { label: `card number of ${name}`, value: req.boundAccount.number },
  ];
  if (req.applicant.mobile) out.push({ label: `mobile of ${name}`, value: req.applicant.mobile });
  for (const code of learned.smsCodes ?? [])
    out.push({ label: `SMS code of ${name}`, value: code, short: true });
  if (learned.accountNumber) out.push({ label: `account number of ${name}`, value: learned.accountNumber });
  return out;
}

/** The base64 characters that depend on `bytes` alone, when they start at each alignment (0, 1, 2). */
function base64Forms(bytes: Buffer): string[] {
  const forms: string[] = [];
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const from = Math.ceil((8 * k) / 6);
    const to = Math.floor((8 * (k + bytes.length)) / 6);
    const core = b64.slice(from, to);
    forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...new Set(forms)].filter((f) => f.length >= 8);
}

const jsonEscaped = (value: string, upper: boolean) =>
  [...value]
    .map((ch) => {
      const code = ch.codePointAt(0)!;
      if (code < 0x80) return ch;
      const hex = code.toString(16).padStart(4, '0');
      return `\\u${upper ? hex.toUpperCase() : hex}`;
    })
    .join('');

/** The byte strings that would betray `value`. */
export function needles(value: string): { form: string; bytes: Buffer }[] {
  const utf8 = Buffer.from(value);
  const forms = [
    { form: 'utf-8', bytes: utf8 },
    { form: 'json-escaped', bytes: Buffer.from(jsonEscaped(value, false)) },
    { form: 'json-escaped', bytes: Buffer.from(jsonEscaped(value, true)) },
    ...base64Forms(utf8).map((b) => ({ form: 'base64', bytes: Buffer.from(b) })),
  ];
  const seen = new Set<string>();
  return forms.filter((f) => {
    const key = f.bytes.toString('hex');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** "mobile of v3-clean (base64) in <where>" for each hit; empty when nothing leaks. */
export function findLeaks(
  where: string,
  haystack: Uint8Array | string,
  sensitive: readonly Sensitive[],
): string[] {
  const hay = typeof haystack === 'string' ? Buffer.from(haystack) : Buffer.from(haystack);
  const hits: string[] = [];
  for (const s of sensitive) {
    for (const n of needles(s.value)) {
      if (hay.includes(n.bytes)) hits.push(`${s.label} (${n.form}) in ${where}`);
    }
  }
  return hits;
}
