import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cnyAmountSchema } from '../../contracts/core-banking-payments';
import { cnyOf, fenOf, fenOfYuan } from '../../domain/cny';

const MAX_FEN = 999_999_999_999_99;

describe('amounts (yuan decimal strings, integer fen inside)', () => {
  it('every whole number of fen from 1 up formats to an amount the schema accepts and reads back to the same fen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_FEN }), (fen) => {
        const amount = cnyAmountSchema.parse(cnyOf(fen));
        expect(fenOf(amount)).toBe(fen);
      }),
    );
  });

  it('one or two decimals, or none, read as the same fen: "12", "12.0", "12.00"; "0.1" is 10 fen', () => {
    expect(['12', '12.0', '12.00'].map(fenOf)).toEqual([1200, 1200, 1200]);
    expect(fenOf('0.1')).toBe(10);
    expect(fenOf('0.01')).toBe(1);
  });

  it('refuses numbers, three decimals, zero, signs, exponents, leading zeros and blanks', () => {
    for (const bad of [12, '1.005', '0', '0.00', '-1', '+1', '1e3', '01', '', ' 1', '1.', '.5', '1,000']) {
      expect(cnyAmountSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('refuses any string with more than two decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.stringMatching(/^\d{3,6}$/), (yuan, fraction) => {
        expect(cnyAmountSchema.safeParse(`${yuan}.${fraction}`).success).toBe(false);
      }),
    );
  });

  it('balances format with two decimals, negative ones with a sign, and the class caps convert exactly', () => {
    expect([cnyOf(0), cnyOf(5), cnyOf(-150), cnyOf(1_000_000)]).toEqual([
      '0.00',
      '0.05',
      '-1.50',
      '10000.00',
    ]);
    expect([fenOfYuan(10_000), fenOfYuan(200_000), fenOfYuan(2000)]).toEqual([
      1_000_000, 20_000_000, 200_000,
    ]);
    expect(() => cnyOf(0.5)).toThrow(RangeError);
  });
});
