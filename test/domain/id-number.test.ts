import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCharacter, type IdNumberProblem, makeIdNumber, parseIdNumber } from '../../domain/id-number';
import {
  addDays,
  compactDate,
  DIGITS,
  digits,
  realDateBetween,
  regionArb,
  sequenceArb,
  TODAY,
  validIdArb,
} from './arbitraries';

const FORMAT: IdNumberProblem = 'must be 18 characters: 17 digits and a check character (digit or X)';
const NOT_REAL: IdNumberProblem = 'birth date is not a real date';
const FUTURE: IdNumberProblem = 'birth date is in the future';
const BEFORE_1900: IdNumberProblem = 'birth date is before 1900';
const REGION_ZERO: IdNumberProblem = 'region code must not start with 0';
const CHECK: IdNumberProblem = 'check character does not match the first 17 digits';

const CHECK_CHARS = [...DIGITS, 'X'];

/** The problem parseIdNumber reports, or 'ok'. */
const problemOf = (raw: string, today: string = TODAY): IdNumberProblem | 'ok' => {
  const r = parseIdNumber(raw, today);
  return r.ok ? 'ok' : r.problem;
};

/**
 * Independent reference for the check character: ISO 7064 MOD 11-2, the algorithm GB 11643
 * cites. Weight of position i (1-based, left to right) is 2^(18-i) mod 11; the check value c
 * makes sum + c ≡ 1 (mod 11); 10 is written X. Shares no table with the implementation.
 */
const iso7064Mod112 = (first17: string): string => {
  let sum = 0;
  for (let i = 1; i <= 17; i++) {
    let w = 1;
    for (let k = 0; k < 18 - i; k++) w = (w * 2) % 11;
    sum += Number(first17[i - 1]) * w;
  }
  const c = (12 - (sum % 11)) % 11;
  return c === 10 ? 'X' : String(c);
};

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysInMonth = (y: number, m: number): number =>
  [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const yyyymmdd = (y: number, m: number, d: number): string => `${pad(y, 4)}${pad(m, 2)}${pad(d, 2)}`;

/** A correctly check-charactered number around an arbitrary 8-digit "birth date". */
const withDate = (date8: string, region = '110105', sequence = '123'): string =>
  makeIdNumber(region, date8, sequence);

describe('checkCharacter', () => {
  it.each([
    // Worked by hand with weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2:
    // 1·7+1·9+0+1·5+0+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0+0+2·2 = 167; 167 mod 11 = 2 -> 'X'
    ['11010519491231002', 'X'],
    // 4·7+4·9+0+3·5+0+4·4+1·2+9·1+9·6+0+0+1·9+0+1·5+0+0+1·2 = 176; 176 mod 11 = 0 -> '1'
    ['44030419900101001', '1'],
    // 3·7+1·9+0+1·5+0+1·4+2·2+0+0+0+0+2·9+2·10+9·5+0+0+2·2 = 130; 130 mod 11 = 9 -> '3'
    ['31010120000229002', '3'],
    // all zeros: sum 0 -> '1'
    ['00000000000000000', '1'],
    // 1 at the last position only: sum 2 -> 'X'
    ['00000000000000001', 'X'],
    // 1 at position 8 only (weight 1): sum 1 -> '0'
    ['00000001000000000', '0'],
  ])('checkCharacter(%s) is %s', (first17, expected) => {
    expect(checkCharacter(first17)).toBe(expected);
  });

  it('agrees with an independent ISO 7064 MOD 11-2 implementation for any 17 digits', () => {
    fc.assert(
      fc.property(digits(17), (first17) => {
        expect(checkCharacter(first17)).toBe(iso7064Mod112(first17));
      }),
      { numRuns: 1000 },
    );
  });

  it('every one of the 11 check characters is reachable', () => {
    const seen = new Set<string>();
    for (let a = 0; a <= 9; a++)
      for (let b = 0; b <= 9; b++) seen.add(checkCharacter(`000000000000000${a}${b}`));
    expect([...seen].sort()).toEqual([...CHECK_CHARS].sort());
  });
});

describe('parseIdNumber: known numbers', () => {
  it('accepts 11010519491231002X (female, born 1949-12-31)', () => {
    expect(parseIdNumber('11010519491231002X', TODAY)).toEqual({
      ok: true,
      value: { idNumber: '11010519491231002X', birthDate: '1949-12-31', sex: 'F' },
    });
  });

  it('accepts 440304199001010011 (male, born 1990-01-01)', () => {
    expect(parseIdNumber('440304199001010011', TODAY)).toEqual({
      ok: true,
      value: { idNumber: '440304199001010011', birthDate: '1990-01-01', sex: 'M' },
    });
  });

  it('accepts 310101200002290023 (born on the leap day of 2000, a /400 year)', () => {
    expect(parseIdNumber('310101200002290023', TODAY)).toEqual({
      ok: true,
      value: { idNumber: '310101200002290023', birthDate: '2000-02-29', sex: 'F' },
    });
  });

  it('accepts lower-case x and returns the canonical upper-case X', () => {
    expect(parseIdNumber('11010519491231002x', TODAY)).toEqual({
      ok: true,
      value: { idNumber: '11010519491231002X', birthDate: '1949-12-31', sex: 'F' },
    });
  });

  it('rejects the same numbers with the wrong check character', () => {
    expect(problemOf('110105194912310021')).toBe(CHECK);
    expect(problemOf('440304199001010010')).toBe(CHECK);
    expect(problemOf('44030419900101001X')).toBe(CHECK);
    expect(problemOf('44030419900101001x')).toBe(CHECK);
  });
});

describe('parseIdNumber: properties of valid numbers', () => {
  it('a number built from any region, real past birth date and sequence parses to its parts', () => {
    fc.assert(
      fc.property(validIdArb, ({ idNumber, birthDate, sequence }) => {
        const r = parseIdNumber(idNumber, TODAY);
        expect(r).toEqual({
          ok: true,
          value: { idNumber, birthDate, sex: Number(sequence[2]) % 2 === 1 ? 'M' : 'F' },
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('the sequence decides the sex: odd is male, even is female', () => {
    fc.assert(
      fc.property(regionArb, fc.integer({ min: 0, max: 999 }), (region, seq) => {
        const r = parseIdNumber(makeIdNumber(region, '19800615', pad(seq, 3)), TODAY);
        expect(r.ok && r.value.sex).toBe(seq % 2 === 1 ? 'M' : 'F');
      }),
    );
  });

  it('the check character makeIdNumber appends is the ISO 7064 one', () => {
    fc.assert(
      fc.property(validIdArb, ({ idNumber }) => {
        expect(idNumber).toMatch(/^[1-9]\d{16}[\dX]$/);
        expect(idNumber[17]).toBe(iso7064Mod112(idNumber.slice(0, 17)));
      }),
    );
  });

  it('lower-case x is accepted wherever X is the check character, and canonicalised to X', () => {
    fc.assert(
      fc.property(
        validIdArb.filter((p) => p.idNumber.endsWith('X')),
        ({ idNumber }) => {
          const r = parseIdNumber(`${idNumber.slice(0, 17)}x`, TODAY);
          expect(r.ok && r.value.idNumber).toBe(idNumber);
        },
      ),
    );
  });

  it('parsing is idempotent: the canonical form parses to itself', () => {
    fc.assert(
      fc.property(validIdArb, fc.boolean(), ({ idNumber }, lower) => {
        const first = parseIdNumber(lower ? idNumber.toLowerCase() : idNumber, TODAY);
        if (!first.ok) throw new Error(`valid number rejected: ${idNumber}`);
        expect(parseIdNumber(first.value.idNumber, TODAY)).toEqual(first);
      }),
    );
  });
});

describe('parseIdNumber: check character', () => {
  it('any other check character (digit, X or x) is rejected', () => {
    fc.assert(
      fc.property(validIdArb, fc.constantFrom(...CHECK_CHARS, 'x'), ({ idNumber }, replacement) => {
        fc.pre(replacement.toUpperCase() !== idNumber[17]);
        expect(problemOf(idNumber.slice(0, 17) + replacement)).toBe(CHECK);
      }),
      { numRuns: 1000 },
    );
  });

  it('changing any single one of the first 17 digits is caught', () => {
    fc.assert(
      fc.property(
        validIdArb,
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 9 }),
        ({ idNumber }, pos, delta) => {
          const changed = (Number(idNumber[pos]) + delta) % 10;
          const mutated = idNumber.slice(0, pos) + changed + idNumber.slice(pos + 1);
          expect(problemOf(mutated)).not.toBe('ok');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a single changed digit with an otherwise plausible number is reported as a check mismatch', () => {
    // Changing the sequence (positions 14-16) keeps region and date valid.
    fc.assert(
      fc.property(
        validIdArb,
        fc.integer({ min: 14, max: 16 }),
        fc.integer({ min: 1, max: 9 }),
        ({ idNumber }, pos, delta) => {
          const changed = (Number(idNumber[pos]) + delta) % 10;
          expect(problemOf(idNumber.slice(0, pos) + changed + idNumber.slice(pos + 1))).toBe(CHECK);
        },
      ),
    );
  });

  it('swapping two adjacent different digits among the first 17 is caught', () => {
    fc.assert(
      fc.property(validIdArb, fc.integer({ min: 0, max: 15 }), ({ idNumber }, pos) => {
        const a = idNumber[pos]!;
        const b = idNumber[pos + 1]!;
        fc.pre(a !== b);
        const swapped = idNumber.slice(0, pos) + b + a + idNumber.slice(pos + 2);
        expect(problemOf(swapped)).not.toBe('ok');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseIdNumber: birth dates', () => {
  it.each([
    ['30 February', '20000230'],
    ['31 February', '19900231'],
    ['29 February in a non-leap year', '20230229'],
    ['29 February in 1900 (divisible by 100, not by 400)', '19000229'],
    ['31 April', '19850431'],
    ['31 June', '19850631'],
    ['31 September', '19850931'],
    ['31 November', '19851131'],
    ['month 13', '19901301'],
    ['month 00', '19900001'],
    ['day 00', '19900100'],
    ['day 32', '19900132'],
    ['month 99, day 99', '19909999'],
  ])('rejects %s as not a real date', (_label, date8) => {
    expect(problemOf(withDate(date8))).toBe(NOT_REAL);
  });

  it.each([
    ['2024-02-29', '20240229'],
    ['2000-02-29', '20000229'],
    ['1904-02-29', '19040229'],
    ['1900-01-01', '19000101'],
    ['1999-12-31', '19991231'],
  ])('accepts the real date %s', (iso, date8) => {
    const r = parseIdNumber(withDate(date8), TODAY);
    expect(r.ok && r.value.birthDate).toBe(iso);
  });

  const impossibleDate8Arb = fc.oneof(
    // a day past the end of its month (29-31 February, 31 April, ...) or beyond 31
    fc
      .record({ y: fc.integer({ min: 1900, max: 2099 }), m: fc.integer({ min: 1, max: 12 }) })
      .chain(({ y, m }) => fc.integer({ min: daysInMonth(y, m) + 1, max: 99 }).map((d) => yyyymmdd(y, m, d))),
    // day 00
    fc
      .record({ y: fc.integer({ min: 1900, max: 2099 }), m: fc.integer({ min: 1, max: 12 }) })
      .map(({ y, m }) => yyyymmdd(y, m, 0)),
    // month 00 or 13..99, any day
    fc
      .record({
        y: fc.integer({ min: 1900, max: 2099 }),
        m: fc.oneof(fc.constant(0), fc.integer({ min: 13, max: 99 })),
        d: fc.integer({ min: 0, max: 99 }),
      })
      .map(({ y, m, d }) => yyyymmdd(y, m, d)),
  );

  it('any impossible date is rejected as not a real date, whatever the check character says', () => {
    fc.assert(
      fc.property(regionArb, impossibleDate8Arb, sequenceArb, (region, date8, seq) => {
        expect(problemOf(makeIdNumber(region, date8, seq))).toBe(NOT_REAL);
      }),
      { numRuns: 1000 },
    );
  });

  it('every real date from 1900 to today is accepted and reported back as YYYY-MM-DD', () => {
    fc.assert(
      fc.property(regionArb, realDateBetween('1900-01-01', TODAY), sequenceArb, (region, iso, seq) => {
        const r = parseIdNumber(makeIdNumber(region, compactDate(iso), seq), TODAY);
        expect(r.ok && r.value.birthDate).toBe(iso);
      }),
    );
  });

  it('a birth date after today is rejected as in the future', () => {
    fc.assert(
      fc.property(
        regionArb,
        realDateBetween(addDays(TODAY, 1), '2999-12-31'),
        sequenceArb,
        (region, iso, seq) => {
          expect(problemOf(makeIdNumber(region, compactDate(iso), seq))).toBe(FUTURE);
        },
      ),
    );
  });

  it('today decides the boundary: born today is fine, born tomorrow is not', () => {
    const id = withDate('20240315');
    expect(problemOf(id, '2024-03-15')).toBe('ok');
    expect(problemOf(id, '2024-03-16')).toBe('ok');
    expect(problemOf(id, '2024-03-14')).toBe(FUTURE);
    expect(problemOf(id, '2023-12-31')).toBe(FUTURE);
  });

  it('uses the given today rather than the clock', () => {
    fc.assert(
      fc.property(
        realDateBetween('1900-01-01', '2200-12-31'),
        realDateBetween('1900-01-01', '2200-12-31'),
        (birth, today) => {
          const expected = birth > today ? FUTURE : 'ok';
          expect(problemOf(withDate(compactDate(birth)), today)).toBe(expected);
        },
      ),
    );
  });

  it('a real date before 1900 is rejected as before 1900', () => {
    fc.assert(
      fc.property(realDateBetween('1000-01-01', '1899-12-31'), (iso) => {
        expect(problemOf(withDate(compactDate(iso)))).toBe(BEFORE_1900);
      }),
    );
    expect(problemOf(withDate('18991231'))).toBe(BEFORE_1900);
  });
});

describe('parseIdNumber: format', () => {
  it('rejects a region code starting with 0', () => {
    expect(problemOf(makeIdNumber('010105', '19491231', '002'))).toBe(REGION_ZERO);
    fc.assert(
      fc.property(digits(5), realDateBetween('1900-01-01', TODAY), sequenceArb, (rest, iso, seq) => {
        expect(problemOf(makeIdNumber(`0${rest}`, compactDate(iso), seq))).toBe(REGION_ZERO);
      }),
    );
  });

  it.each([
    ['empty', ''],
    ['17 digits', '11010519491231002'],
    ['19 characters', '11010519491231002X0'],
    ['15-digit first-generation number', '110105491231002'],
    ['leading space', ' 11010519491231002X'],
    ['trailing space', '11010519491231002X '],
    ['trailing newline', '11010519491231002X\n'],
    ['X not at the end', '1101051949123100X2'],
    ['other letter as check character', '11010519491231002Y'],
    ['full-width digits', '１１０１０５１９４９１２３１００２X'],
    ['hyphens', '110105-19491231-002X'],
  ])('rejects %s', (_label, raw) => {
    expect(problemOf(raw)).toBe(FORMAT);
  });

  it('any string whose length is not 18 is rejected as malformed', () => {
    fc.assert(
      fc.property(
        fc
          .oneof(fc.string(), digits(17), digits(19), fc.string({ minLength: 19 }))
          .filter((s) => s.length !== 18),
        (raw) => {
          expect(problemOf(raw)).toBe(FORMAT);
        },
      ),
    );
  });

  it('a non-digit anywhere among the first 17 characters is rejected as malformed', () => {
    const nonDigit = fc
      .oneof(fc.string({ minLength: 1, maxLength: 1 }), fc.constantFrom('X', 'x', ' ', '-', '０', '٣', 'a'))
      .filter((c) => !/^\d$/.test(c));
    fc.assert(
      fc.property(validIdArb, fc.integer({ min: 0, max: 16 }), nonDigit, ({ idNumber }, pos, c) => {
        expect(problemOf(idNumber.slice(0, pos) + c + idNumber.slice(pos + 1))).toBe(FORMAT);
      }),
    );
  });

  it('a check character other than a digit or X/x is rejected as malformed', () => {
    fc.assert(
      fc.property(
        validIdArb,
        fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !/^[\dXx]$/.test(c)),
        ({ idNumber }, c) => {
          expect(problemOf(idNumber.slice(0, 17) + c)).toBe(FORMAT);
        },
      ),
    );
  });
});

describe('makeIdNumber', () => {
  it('builds the same number as the known example', () => {
    expect(makeIdNumber('110105', '19491231', '002')).toBe('11010519491231002X');
  });

  it.each([
    ['short region', '11010', '19491231', '002'],
    ['long sequence', '110105', '19491231', '0021'],
    ['non-digit date', '110105', '1949-12-31', '002'],
    ['letters', 'ABCDEF', '19491231', '002'],
  ])('throws on %s', (_label, region, date, seq) => {
    expect(() => makeIdNumber(region, date, seq)).toThrow(/must be digits/);
  });
});
