import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '../../domain/china-time';
import { daysUntilExpiry, idValidUntilSchema, readValidUntil } from '../../domain/id-validity';

const dateArb = fc
  .date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('ID validity dates', () => {
  it('reads LONG and 长期 as LONG, and every real date written YYYY-MM-DD, YYYY.MM.DD, YYYY/MM/DD or YYYYMMDD as YYYY-MM-DD', () => {
    expect([readValidUntil('LONG'), readValidUntil('长期'), readValidUntil(' 长期 ')]).toEqual([
      'LONG',
      'LONG',
      'LONG',
    ]);
    fc.assert(
      fc.property(dateArb, fc.constantFrom('-', '.', '/', ''), (date, sep) => {
        expect(readValidUntil(date.replaceAll('-', sep))).toBe(date);
        expect(idValidUntilSchema.parse(date)).toBe(date);
      }),
    );
  });

  it('reads nothing from no text, impossible dates or other text', () => {
    for (const raw of [
      undefined,
      '',
      '2040-02-30',
      '2041-13-01',
      '2040-3-7',
      'soon',
      'long',
      '2040-03-07T00:00',
    ]) {
      expect(readValidUntil(raw), String(raw)).toBeUndefined();
    }
  });

  it('days until expiry: 0 on the last valid day, negative after, none for a LONG card', () => {
    expect(daysUntilExpiry('2025-03-21', '2025-03-01')).toBe(20);
    expect(daysUntilExpiry('2025-03-01', '2025-03-01')).toBe(0);
    expect(daysUntilExpiry('2025-02-28', '2025-03-01')).toBe(-1);
    expect(daysUntilExpiry('LONG', '2025-03-01')).toBeUndefined();
  });

  it('addDays and daysBetween undo each other for any date and any shift of up to a century', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: -36_500, max: 36_500 }), (date, days) => {
        expect(daysBetween(date, addDays(date, days))).toBe(days);
      }),
    );
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
  });
});
