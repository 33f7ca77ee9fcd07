/**
 * Shared fast-check generators for the domain tests. Not a test file itself (the suite only
 * picks up *.test.ts).
 */
import fc from 'fast-check';
import { todayInChina } from '../../domain/applicant';
import { withLuhnDigit } from '../../domain/bank-card';
import { makeIdNumber } from '../../domain/id-number';

/** "Today" in China, as the schemas see it. */
export const TODAY = todayInChina();

const DAY_MS = 86_400_000;

export const DIGITS = '0123456789';

/** Exactly `n` ASCII digits. */
export const digits = (n: number): fc.Arbitrary<string> => digitsBetween(n, n);

/** Between `min` and `max` ASCII digits. */
export const digitsBetween = (min: number, max: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...DIGITS), { minLength: min, maxLength: max }).map((a) => a.join(''));

/** YYYY-MM-DD of a UTC date. */
export const isoDate = (d: Date): string => d.toISOString().slice(0, 10);

/** YYYY-MM-DD -> YYYYMMDD */
export const compactDate = (iso: string): string => iso.replaceAll('-', '');

/** Every real calendar day between two YYYY-MM-DD dates, inclusive. */
export const realDateBetween = (fromIso: string, toIso: string): fc.Arbitrary<string> => {
  const from = Date.parse(`${fromIso}T00:00:00Z`);
  const to = Date.parse(`${toIso}T00:00:00Z`);
  return fc
    .integer({ min: 0, max: Math.round((to - from) / DAY_MS) })
    .map((n) => isoDate(new Date(from + n * DAY_MS)));
};

export const addDays = (iso: string, days: number): string =>
  isoDate(new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS));

/** Region codes as the brief asks for: 110000–659999 (never starting with 0). */
export const regionArb = fc.integer({ min: 110000, max: 659999 }).map(String);

export const sequenceArb = fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, '0'));

/** A real birth date between 1900-01-01 and today (China). */
export const pastBirthDateArb = realDateBetween('1900-01-01', TODAY);

export interface IdParts {
  readonly region: string;
  readonly birthDate: string; // YYYY-MM-DD
  readonly sequence: string;
  readonly idNumber: string;
}

export const validIdArb: fc.Arbitrary<IdParts> = fc
  .record({ region: regionArb, birthDate: pastBirthDateArb, sequence: sequenceArb })
  .map((p) => ({ ...p, idNumber: makeIdNumber(p.region, compactDate(p.birthDate), p.sequence) }));

/**
 * Han ideographs by block. Only code points assigned by Unicode 15.0 (Node >= 20.11 ships
 * Unicode 15.1), so every one is \p{L} on every runtime the project supports.
 */
export const HAN_BLOCKS = {
  unified: [0x4e00, 0x9fff],
  extA: [0x3400, 0x4dbf],
  extB: [0x20000, 0x2a6df],
  extC: [0x2a700, 0x2b739],
  extD: [0x2b740, 0x2b81d],
  extE: [0x2b820, 0x2cea1],
  extF: [0x2ceb0, 0x2ebe0],
  extG: [0x30000, 0x3134a],
} as const satisfies Record<string, readonly [number, number]>;

const block = ([min, max]: readonly [number, number]): fc.Arbitrary<string> =>
  fc.integer({ min, max }).map((cp) => String.fromCodePoint(cp));

/** One Han character; half the time from the extension blocks (A, B and beyond). */
export const hanCharArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: block(HAN_BLOCKS.unified), weight: 4 },
  { arbitrary: block(HAN_BLOCKS.extA), weight: 2 },
  { arbitrary: block(HAN_BLOCKS.extB), weight: 2 },
  { arbitrary: block(HAN_BLOCKS.extC), weight: 1 },
  { arbitrary: block(HAN_BLOCKS.extD), weight: 1 },
  { arbitrary: block(HAN_BLOCKS.extE), weight: 1 },
  { arbitrary: block(HAN_BLOCKS.extF), weight: 1 },
  { arbitrary: block(HAN_BLOCKS.extG), weight: 1 },
);

/** A string of `min`..`max` Han characters (counted in code points, not UTF-16 units). */
export const hanStringArb = (min: number, max: number): fc.Arbitrary<string> =>
  fc.array(hanCharArb, { minLength: min, maxLength: max }).map((a) => a.join(''));

export const MIDDLE_DOT = '\u00B7';

/** Minority-style names: 2–4 parts joined by single middle dots, at most 50 characters. */
export const dottedNameArb: fc.Arbitrary<string> = fc
  .array(hanStringArb(1, 10), { minLength: 2, maxLength: 4 })
  .map((parts) => parts.join(MIDDLE_DOT));

export const mobileArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...'3456789'), digits(9))
  .map(([second, rest]) => `1${second}${rest}`);

/** A Luhn-valid card number of 16–19 digits, UnionPay-like (starting 62) half the time. */
export const luhnCardArb: fc.Arbitrary<string> = fc
  .oneof(
    digitsBetween(15, 18),
    digitsBetween(13, 16).map((rest) => `62${rest}`),
  )
  .map(withLuhnDigit);

export const documentIdArb: fc.Arbitrary<string> = fc.stringMatching(/^[0-9a-f]{64}$/);
