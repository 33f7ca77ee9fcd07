import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { secondsToChinaMidnight, todayInChina } from '../../domain/china-time';

describe('secondsToChinaMidnight', () => {
  it.each([
    ['2026-03-01T16:00:00.000Z', 86_400], // midnight in China: a whole day to the next
    ['2026-03-01T15:59:59.500Z', 1],
    ['2026-03-01T00:00:00.000Z', 16 * 3600], // 08:00 in China
    ['2026-03-01T23:30:00.000Z', 16 * 3600 + 30 * 60], // 07:30 on 2 March in China
  ])('at %s answers %i', (instant, seconds) => {
    expect(secondsToChinaMidnight(new Date(instant))).toBe(seconds);
  });

  it('lands on the start of the next day in China', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        (d) => {
          const seconds = secondsToChinaMidnight(d);
          expect(seconds).toBeGreaterThan(0);
          expect(seconds).toBeLessThanOrEqual(86_400);
          const justAfter = new Date(d.getTime() + seconds * 1000);
          expect(todayInChina(justAfter)).not.toBe(todayInChina(d));
          expect(todayInChina(new Date(justAfter.getTime() - 1000))).toBe(todayInChina(d));
        },
      ),
    );
  });
});
