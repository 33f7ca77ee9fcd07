import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundAccountSchema, cardNumberSchema } from '../../domain/applicant';
import { passesLuhn, withLuhnDigit } from '../../domain/bank-card';
import { DIGITS, digits, digitsBetween, luhnCardArb } from './arbitraries';

const CARD_MESSAGE = 'must be 16 to 19 digits';

/**
 * Independent Luhn reference: double every second digit from the right and add the digits of
 * each product (so 7·2 = 14 counts 1 + 4).
 */
const luhnReference = (n: string): boolean =>
  [...n]
    .reverse()
    .map(Number)
    .reduce((sum, d, i) => {
      if (i % 2 === 0) return sum + d;
      const p = d * 2;
      return sum + Math.floor(p / 10) + (p % 10);
    }, 0) %
    10 ===
  0;

/** Breaks the Luhn check by changing the last digit. */
const breakLuhn = (n: string): string => n.slice(0, -1) + ((Number(n.at(-1)) + 1) % 10);

const cardMessages = (input: unknown): string[] => {
  const r = cardNumberSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('passesLuhn', () => {
  it.each([
    ['79927398713', true],
    ['79927398710', false],
    ['79927398714', false],
    ['4111111111111111', true],
    ['4111111111111112', false],
    ['5555555555554444', true],
    ['6212345678901232', true],
    ['6212345678901234', false],
    ['378282246310005', true],
    ['18', true],
    ['0', true],
    ['00', true],
  ])('passesLuhn(%s) is %s', (n, expected) => {
    expect(passesLuhn(n)).toBe(expected);
  });

  it('agrees with an independent reference for any digit string', () => {
    fc.assert(
      fc.property(digitsBetween(1, 25), (n) => {
        expect(passesLuhn(n)).toBe(luhnReference(n));
      }),
      { numRuns: 1000 },
    );
  });

  it('is not fooled by leading zeros (they add nothing)', () => {
    fc.assert(
      fc.property(luhnCardArb, fc.integer({ min: 1, max: 5 }), (n, zeros) => {
        expect(passesLuhn('0'.repeat(zeros) + n)).toBe(true);
        expect(passesLuhn('0'.repeat(zeros) + breakLuhn(n))).toBe(false);
      }),
    );
  });

  it('changing any single digit of a Luhn-valid number breaks it', () => {
    fc.assert(
      fc.property(luhnCardArb, fc.nat(), fc.integer({ min: 1, max: 9 }), (n, at, delta) => {
        const pos = at % n.length;
        const mutated = n.slice(0, pos) + ((Number(n[pos]) + delta) % 10) + n.slice(pos + 1);
        expect(passesLuhn(mutated)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('swapping two adjacent different digits breaks it (except the 09/90 blind spot)', () => {
    fc.assert(
      fc.property(luhnCardArb, fc.nat(), (n, at) => {
        const pos = at % (n.length - 1);
        const a = n[pos]!;
        const b = n[pos + 1]!;
        fc.pre(a !== b && !((a === '0' && b === '9') || (a === '9' && b === '0')));
        expect(passesLuhn(n.slice(0, pos) + b + a + n.slice(pos + 2))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('withLuhnDigit', () => {
  it('appends the known check digit', () => {
    expect(withLuhnDigit('7992739871')).toBe('79927398713');
    expect(withLuhnDigit('411111111111111')).toBe('4111111111111111');
    expect(withLuhnDigit('')).toBe('0');
  });

  it('appends exactly one digit, the only one that passes Luhn', () => {
    fc.assert(
      fc.property(digitsBetween(0, 24), (body) => {
        const full = withLuhnDigit(body);
        expect(full).toHaveLength(body.length + 1);
        expect(full.startsWith(body)).toBe(true);
        expect(passesLuhn(full)).toBe(true);
        const completing = [...DIGITS].filter((c) => passesLuhn(body + c));
        expect(completing).toEqual([full.at(-1)]);
      }),
      { numRuns: 500 },
    );
  });

  it('is the inverse of dropping the check digit from a Luhn-valid number', () => {
    fc.assert(
      fc.property(digitsBetween(1, 24), (n) => {
        fc.pre(passesLuhn(n));
        expect(withLuhnDigit(n.slice(0, -1))).toBe(n);
      }),
    );
  });
});

describe('cardNumberSchema', () => {
  it('accepts 16 to 19 digits that pass Luhn', () => {
    fc.assert(
      fc.property(luhnCardArb, (n) => {
        expect(cardNumberSchema.parse(n)).toBe(n);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts 16 to 19 digits that fail Luhn: a Luhn failure is a warning, never a rejection', () => {
    fc.assert(
      fc.property(luhnCardArb, (n) => {
        const broken = breakLuhn(n);
        expect(passesLuhn(broken)).toBe(false);
        expect(cardNumberSchema.parse(broken)).toBe(broken);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts any string of 16 to 19 digits', () => {
    fc.assert(
      fc.property(digitsBetween(16, 19), (n) => {
        expect(cardNumberSchema.parse(n)).toBe(n);
      }),
    );
  });

  it.each([
    ['16', '6222021234567894'],
    ['19', '6222021234567890126'],
    ['16, Luhn failing', '6222021234567890'],
    ['19, Luhn failing', '6222021234567890123'],
  ])('accepts %s digits', (_label, n) => {
    expect(cardNumberSchema.safeParse(n).success).toBe(true);
  });

  it.each([
    ['15 digits', '622202123456789'],
    ['20 digits', '62220212345678901234'],
    ['12 digits', '622202123456'],
    ['empty', ''],
    ['spaces', '6222 0212 3456 7894'],
    ['hyphens', '6222-0212-3456-7894'],
    ['a leading space', ' 6222021234567894'],
    ['a trailing newline', '6222021234567894\n'],
    ['a letter', '622202123456789A'],
    ['full-width digits', '６２２２０２１２３４５６７８９４'],
    ['a sign', '+6222021234567894'],
    ['a decimal point', '622202123456789.4'],
  ])('rejects %s', (_label, n) => {
    expect(cardMessages(n)).toEqual([CARD_MESSAGE]);
  });

  it('rejects a number instead of a string', () => {
    expect(cardNumberSchema.safeParse(6222021234567894).success).toBe(false);
  });

  it('rejects any digit string shorter than 16 or longer than 19', () => {
    fc.assert(
      fc.property(fc.oneof(digitsBetween(0, 15), digitsBetween(20, 40)), (n) => {
        expect(cardMessages(n)).toEqual([CARD_MESSAGE]);
      }),
    );
  });

  it('rejects 15 and 20 digits even when they pass Luhn', () => {
    fc.assert(
      fc.property(fc.oneof(digits(14), digits(19)).map(withLuhnDigit), (n) => {
        expect(passesLuhn(n)).toBe(true);
        expect(cardMessages(n)).toEqual([CARD_MESSAGE]);
      }),
    );
  });

  it('rejects a valid-length number with any character replaced by a non-digit', () => {
    fc.assert(
      fc.property(
        luhnCardArb,
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !/\d/.test(c)),
        (n, at, c) => {
          const pos = at % n.length;
          expect(cardMessages(n.slice(0, pos) + c + n.slice(pos + 1))).toEqual([CARD_MESSAGE]);
        },
      ),
    );
  });
});

describe('boundAccountSchema', () => {
  it.each(['DEBIT', 'CREDIT'] as const)('accepts a %s account', (kind) => {
    expect(boundAccountSchema.parse({ number: '6222021234567894', kind })).toEqual({
      number: '6222021234567894',
      kind,
    });
  });

  it.each(['debit', 'PAYMENT', 'CLASS_II', '', null])('rejects the kind %j', (kind) => {
    const r = boundAccountSchema.safeParse({ number: '6222021234567894', kind });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path)).toEqual([['kind']]);
  });

  it('names the number in the path of a bad card number', () => {
    const r = boundAccountSchema.safeParse({ number: '622202123456', kind: 'DEBIT' });
    expect(r.error?.issues).toEqual([expect.objectContaining({ path: ['number'], message: CARD_MESSAGE })]);
  });

  it('rejects an unknown field', () => {
    const r = boundAccountSchema.safeParse({ number: '6222021234567894', kind: 'DEBIT', bank: 'ICBC' });
    expect(r.error?.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['bank'] })]);
  });
});
