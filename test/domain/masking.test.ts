import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskCardNumber, maskIdNumber, maskMobile, maskName } from '../../domain/masking';
import {
  compactDate,
  digits,
  digitsBetween,
  dottedNameArb,
  hanCharArb,
  hanStringArb,
  luhnCardArb,
  MIDDLE_DOT,
  mobileArb,
  validIdArb,
} from './arbitraries';

const countDigits = (s: string): number => (s.match(/\d/g) ?? []).length;

/** The longest run of consecutive digits in s. */
const longestDigitRun = (s: string): number => Math.max(0, ...(s.match(/\d+/g) ?? []).map((r) => r.length));

/** Lone surrogates would mean a character was cut in half. */
const hasLoneSurrogate = (s: string): boolean => /[\uD800-\uDFFF]/u.test(s);

/** Replaces s[from..to) with other digits of the same length. */
const replaceMiddle = (s: string, from: number, to: number, replacement: string): string =>
  s.slice(0, from) + replacement.slice(0, to - from) + s.slice(to);

describe('maskCardNumber', () => {
  it.each([
    ['6222021234567894', '6222 **** **** 7894'],
    ['6222021234567890126', '6222 **** **** 0126'],
    ['4111111111111111', '4111 **** **** 1111'],
  ])('masks %s as %s', (n, masked) => {
    expect(maskCardNumber(n)).toBe(masked);
  });

  it('shows only the first and last four digits', () => {
    fc.assert(
      fc.property(fc.oneof(luhnCardArb, digitsBetween(16, 19)), (n) => {
        const out = maskCardNumber(n);
        expect(out).toBe(`${n.slice(0, 4)} **** **** ${n.slice(-4)}`);
        expect(countDigits(out)).toBe(8);
        expect(longestDigitRun(out)).toBe(4);
      }),
      { numRuns: 500 },
    );
  });

  it('never contains the middle digits of the card', () => {
    fc.assert(
      fc.property(digitsBetween(16, 19), (n) => {
        const middle = n.slice(4, -4);
        expect(middle.length).toBeGreaterThanOrEqual(8);
        expect(maskCardNumber(n)).not.toContain(middle);
      }),
      { numRuns: 500 },
    );
  });

  it('does not depend on the middle digits or on the length of the card', () => {
    fc.assert(
      fc.property(
        digits(4),
        digitsBetween(8, 11),
        digitsBetween(8, 11),
        digits(4),
        (head, mid1, mid2, tail) => {
          expect(maskCardNumber(head + mid1 + tail)).toBe(maskCardNumber(head + mid2 + tail));
        },
      ),
    );
  });
});

describe('maskMobile', () => {
  it.each([
    ['13800138000', '138****8000'],
    ['19912345678', '199****5678'],
  ])('masks %s as %s', (m, masked) => {
    expect(maskMobile(m)).toBe(masked);
  });

  it('stars digits 4 to 7 and keeps the first three and last four', () => {
    fc.assert(
      fc.property(mobileArb, (m) => {
        const out = maskMobile(m);
        expect(out).toHaveLength(11);
        expect(out.slice(0, 3)).toBe(m.slice(0, 3));
        expect(out.slice(3, 7)).toBe('****');
        expect(out.slice(7)).toBe(m.slice(7));
        expect(countDigits(out)).toBe(7);
      }),
      { numRuns: 500 },
    );
  });

  it('never reveals the middle digits: two numbers differing only there mask alike', () => {
    fc.assert(
      fc.property(mobileArb, digits(4), (m, other) => {
        expect(maskMobile(replaceMiddle(m, 3, 7, other))).toBe(maskMobile(m));
      }),
      { numRuns: 500 },
    );
  });

  it('never contains the middle digits unless they also happen to be the visible last four', () => {
    fc.assert(
      fc.property(mobileArb, (m) => {
        const middle = m.slice(3, 7);
        fc.pre(m.slice(7) !== middle);
        expect(maskMobile(m)).not.toContain(middle);
      }),
    );
  });
});

describe('maskIdNumber', () => {
  it.each([
    ['11010519491231002X', '110***********002X'],
    ['440304199001010011', '440***********0011'],
  ])('masks %s as %s', (id, masked) => {
    expect(maskIdNumber(id)).toBe(masked);
  });

  it('keeps 18 characters: the first three and the last four, the rest starred', () => {
    fc.assert(
      fc.property(validIdArb, ({ idNumber }) => {
        const out = maskIdNumber(idNumber);
        expect(out).toHaveLength(18);
        expect(out).toBe(`${idNumber.slice(0, 3)}${'*'.repeat(11)}${idNumber.slice(-4)}`);
        expect(longestDigitRun(out)).toBeLessThanOrEqual(4);
      }),
      { numRuns: 500 },
    );
  });

  it('never contains the middle digits, the birth date or the full region code', () => {
    fc.assert(
      fc.property(validIdArb, ({ idNumber, birthDate, region }) => {
        const out = maskIdNumber(idNumber);
        expect(out).not.toContain(idNumber.slice(3, 14));
        expect(out).not.toContain(compactDate(birthDate));
        expect(out).not.toContain(birthDate.slice(0, 4) + birthDate.slice(5, 7));
        expect(out).not.toContain(region);
      }),
      { numRuns: 500 },
    );
  });

  it('two numbers differing only in the middle mask alike', () => {
    fc.assert(
      fc.property(validIdArb, digits(11), ({ idNumber }, other) => {
        expect(maskIdNumber(replaceMiddle(idNumber, 3, 14, other))).toBe(maskIdNumber(idNumber));
      }),
    );
  });
});

describe('maskName', () => {
  it.each([
    ['张三', '张*'],
    ['欧阳娜娜', '欧***'],
    ['𠮷野家', '𠮷**'],
    ['𪚥𪚥', '𪚥*'],
  ])('masks %s as %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it('keeps a first character beyond the BMP whole (no half surrogate pair)', () => {
    fc.assert(
      fc.property(hanStringArb(2, 50), (name) => {
        const out = maskName(name);
        expect(hasLoneSurrogate(out)).toBe(false);
        expect(out.codePointAt(0)).toBe(name.codePointAt(0));
      }),
    );
  });

  it('reveals only the first character of a Han name, starring one per remaining character', () => {
    fc.assert(
      fc.property(hanStringArb(2, 50), (name) => {
        const chars = [...name];
        const out = [...maskName(name)];
        expect(out[0]).toBe(chars[0]);
        expect(out.slice(1)).toEqual(chars.slice(1).map(() => '*'));
      }),
      { numRuns: 500 },
    );
  });

  it('names with the same first character and length mask alike', () => {
    const sameLengthRests = fc
      .integer({ min: 1, max: 49 })
      .chain((n) => fc.tuple(hanStringArb(n, n), hanStringArb(n, n)));
    fc.assert(
      fc.property(hanCharArb, sameLengthRests, (first, [rest1, rest2]) => {
        expect(maskName(first + rest1)).toBe(maskName(first + rest2));
      }),
    );
  });

  // maskName's doc comment promises 阿依古丽·** for this name; the code returns 阿******. Both
  // keep everything after the first middle dot hidden, which is what this pins.
  it('never reveals the part of a minority name after the first middle dot', () => {
    expect(maskName('阿依古丽·买买提')).not.toMatch(/买|提/);
    fc.assert(
      fc.property(dottedNameArb, (name) => {
        const [firstPart = '', ...rest] = name.split(MIDDLE_DOT);
        const out = maskName(name);
        expect([...out][0]).toBe([...name][0]);
        expect(out.endsWith('*')).toBe(true);
        for (const ch of rest.join('')) if (!firstPart.includes(ch)) expect(out).not.toContain(ch);
      }),
    );
  });
});
