import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskCardNumber } from '../../domain/masking';
import { digits, digitsBetween, luhnCardArb } from './arbitraries';

const countDigits = (s: string): number => (s.match(/\d/g) ?? []).length;

/** The longest run of consecutive digits in s. */
const longestDigitRun = (s: string): number => Math.max(0, ...(s.match(/\d+/g) ?? []).map((r) => r.length));

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
