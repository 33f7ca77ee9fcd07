import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  applicantSchema,
  idNumberSchema,
  mobileSchema,
  personNameSchema,
  todayInChina,
} from '../../domain/applicant';
import { makeIdNumber } from '../../domain/id-number';
import {
  addDays,
  compactDate,
  DIGITS,
  digits,
  dottedNameArb,
  HAN_BLOCKS,
  hanCharArb,
  hanStringArb,
  MIDDLE_DOT,
  mobileArb,
  realDateBetween,
  regionArb,
  sequenceArb,
  TODAY,
  validIdArb,
} from './arbitraries';

const LENGTH_MESSAGE = 'must be 2 to 64 characters';
const LETTERS_MESSAGE = 'may hold letters of any script, with single middle dots (U+00B7) between parts';
const MOBILE_MESSAGE = 'must be an 11-digit mainland mobile number starting 13 to 19';

/** Messages of a failed parse (an empty list when it succeeded). */
const messages = (schema: z.ZodType, input: unknown): string[] => {
  const r = schema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

const codePointLength = (s: string): number => [...s].length;

describe('personNameSchema: accepted names', () => {
  it.each([
    ['a two-character Han name', '张三'],
    ['a compound surname', '欧阳娜娜'],
    ['a Uyghur name with a middle dot', '阿依古丽·买买提'],
    ['a transliterated name with several middle dots', '爱新觉罗·溥仪'],
    ['a name with three parts', '穆罕默德·阿卜杜拉·艾力'],
    ['a name with U+20BB7 𠮷 (Ext B, a surrogate pair in UTF-16)', '𠮷野'],
    ['a name with U+2A6A5 𪚥 (Ext B)', '张𪚥'],
    ['two Ext B characters only', '𠮷𪚥'],
    ['an Ext A character', '王㐀'],
    ['a CJK compatibility ideograph', '李﨑'],
    ['a name with the iteration mark 々', '佐々木'],
    ['Latin letters', 'Zhang'],
    ['Latin with a precomposed accent', 'Nguyễn'],
    ['Latin with a combining accent (NFD)', 'Jose\u0301'],
    ['Cyrillic', 'Анна'],
    ['Hangul', '김민준'],
    ['Devanagari with vowel signs (combining marks)', 'प्रिया'],
  ])('accepts %s', (_label, name) => {
    expect(personNameSchema.parse(name)).toBe(name);
  });

  it('accepts a 50-character Han name and the 64-character maximum', () => {
    expect(personNameSchema.safeParse('张'.repeat(50)).success).toBe(true);
    expect(personNameSchema.safeParse('张'.repeat(64)).success).toBe(true);
  });

  it('counts characters, not UTF-16 code units: 64 Ext B characters (128 units) are accepted', () => {
    const name = '𠮷'.repeat(64);
    expect(name.length).toBe(128);
    expect(personNameSchema.safeParse(name).success).toBe(true);
  });

  it('counts the middle dot as a character: 64 with dots is accepted, 65 is not', () => {
    const name64 = `${'阿'.repeat(31)}${MIDDLE_DOT}${'买'.repeat(32)}`;
    expect(codePointLength(name64)).toBe(64);
    expect(personNameSchema.safeParse(name64).success).toBe(true);
    expect(messages(personNameSchema, `${name64}买`)).toEqual([LENGTH_MESSAGE]);
  });
});

describe('personNameSchema: rejected names', () => {
  it.each([
    ['an ASCII digit', '张3'],
    ['a trailing digit', '张三1'],
    ['a full stop instead of the middle dot', '阿依古丽.买买提'],
    ['the katakana middle dot U+30FB', '阿依古丽・买买提'],
    ['a bullet U+2022', '阿依古丽•买买提'],
    ['a hyphenation point U+2027', '阿依古丽‧买买提'],
    ['a full-width full stop', '阿依古丽．买买提'],
    ['a comma', '张,三'],
    ['a hyphen', '张-三'],
    ['an apostrophe', "O'Neil"],
    ['a space', '张 三'],
    ['an ideographic space', '张\u3000三'],
    ['a leading space', ' 张三'],
    ['a trailing newline', '张三\n'],
    ['a leading middle dot', '·张三'],
    ['a trailing middle dot', '张三·'],
    ['a double middle dot', '阿依古丽··买买提'],
    ['only middle dots', '··'],
    ['an emoji', '张😀'],
    ['a private-use character', '张\uE000'],
    ['a lone surrogate', '张\uD842'],
  ])('rejects a name with %s', (_label, name) => {
    expect(messages(personNameSchema, name)).toEqual([LETTERS_MESSAGE]);
  });

  it('rejects the empty name', () => {
    expect(messages(personNameSchema, '')).toContain(LENGTH_MESSAGE);
  });

  it.each([
    ['one Han character', '张'],
    ['one Ext B character (two UTF-16 units)', '𠮷'],
    ['one Latin letter', 'a'],
  ])('rejects %s as too short', (_label, name) => {
    expect(messages(personNameSchema, name)).toEqual([LENGTH_MESSAGE]);
  });

  it('rejects a 65-character name', () => {
    expect(messages(personNameSchema, '张'.repeat(65))).toEqual([LENGTH_MESSAGE]);
    expect(messages(personNameSchema, '𠮷'.repeat(65))).toEqual([LENGTH_MESSAGE]);
  });

  it.each([null, undefined, 42, ['张三'], { name: '张三' }])('rejects the non-string %j', (value) => {
    expect(personNameSchema.safeParse(value).success).toBe(false);
  });
});

describe('personNameSchema: properties', () => {
  it('any string of 2 to 50 Han characters (basic block, Ext A, Ext B and beyond) is accepted unchanged', () => {
    fc.assert(
      fc.property(hanStringArb(2, 50), (name) => {
        expect(personNameSchema.parse(name)).toBe(name);
      }),
      { numRuns: 500 },
    );
  });

  it('the generator really reaches beyond the BMP (guards the property above)', () => {
    const [lo, hi] = HAN_BLOCKS.extB;
    const samples = fc.sample(hanCharArb, { numRuns: 500, seed: 1 });
    expect(samples.some((c) => c.codePointAt(0)! >= lo && c.codePointAt(0)! <= hi)).toBe(true);
    expect(
      samples.some((c) => c.codePointAt(0)! >= HAN_BLOCKS.extA[0] && c.codePointAt(0)! <= HAN_BLOCKS.extA[1]),
    ).toBe(true);
  });

  it('every code point at the edges of each Han block is accepted', () => {
    for (const [from, to] of Object.values(HAN_BLOCKS)) {
      for (const cp of [from, from + 1, to - 1, to]) {
        const name = String.fromCodePoint(cp, cp);
        expect(personNameSchema.safeParse(name).success, `U+${cp.toString(16).toUpperCase()}`).toBe(true);
      }
    }
  });

  it('minority names: Han parts joined by single middle dots are accepted', () => {
    fc.assert(
      fc.property(dottedNameArb, (name) => {
        expect(personNameSchema.parse(name)).toBe(name);
      }),
    );
  });

  it('any name longer than 64 characters is rejected for its length', () => {
    fc.assert(
      fc.property(hanStringArb(65, 120), (name) => {
        expect(messages(personNameSchema, name)).toEqual([LENGTH_MESSAGE]);
      }),
    );
  });

  it('an ASCII digit, punctuation or whitespace character anywhere in a valid name is rejected', () => {
    const intruder = fc.constantFrom(...DIGITS, ...'.,;:!?\'"-_()[]{}/\\@#$%^&*+=<>|~` \t\n');
    fc.assert(
      fc.property(fc.oneof(hanStringArb(2, 50), dottedNameArb), intruder, fc.nat(), (name, c, at) => {
        const chars = [...name];
        const pos = at % (chars.length + 1);
        const mutated = [...chars.slice(0, pos), c, ...chars.slice(pos)].join('');
        expect(messages(personNameSchema, mutated)).toContain(LETTERS_MESSAGE);
      }),
      { numRuns: 500 },
    );
  });

  it('a leading, trailing or doubled middle dot is rejected', () => {
    fc.assert(
      fc.property(dottedNameArb, fc.constantFrom('leading', 'trailing', 'double'), (name, where) => {
        const mutated =
          where === 'leading'
            ? MIDDLE_DOT + name
            : where === 'trailing'
              ? name + MIDDLE_DOT
              : name.replace(MIDDLE_DOT, MIDDLE_DOT + MIDDLE_DOT);
        expect(messages(personNameSchema, mutated)).toContain(LETTERS_MESSAGE);
      }),
    );
  });
});

describe('mobileSchema', () => {
  it.each([
    '13800138000',
    '15912345678',
    '17000000000',
    '18612345678',
    '19912345678',
    '14700000000',
    '16600000000',
  ])('accepts %s', (m) => {
    expect(mobileSchema.parse(m)).toBe(m);
  });

  it.each([
    ['10 digits', '1380013800'],
    ['12 digits', '138001380001'],
    ['a 12x prefix', '12345678901'],
    ['a 11x prefix', '11012345678'],
    ['a 10x prefix', '10012345678'],
    ['not starting with 1', '23800138000'],
    ['a country code', '+8613800138000'],
    ['86 prefix', '8613800138000'],
    ['spaces', '138 0013 8000'],
    ['hyphens', '138-0013-8000'],
    ['a trailing newline', '13800138000\n'],
    ['full-width digits', '１３８００１３８０００'],
    ['a letter', '1380013800O'],
    ['empty', ''],
  ])('rejects %s', (_label, m) => {
    expect(messages(mobileSchema, m)).toEqual([MOBILE_MESSAGE]);
  });

  it('rejects a number instead of a string', () => {
    expect(mobileSchema.safeParse(13800138000).success).toBe(false);
  });

  it('accepts every 11-digit number starting 13 to 19', () => {
    fc.assert(
      fc.property(mobileArb, (m) => {
        expect(mobileSchema.parse(m)).toBe(m);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects every 11-digit number starting 10, 11 or 12', () => {
    fc.assert(
      fc.property(fc.constantFrom('0', '1', '2'), digits(9), (second, rest) => {
        expect(messages(mobileSchema, `1${second}${rest}`)).toEqual([MOBILE_MESSAGE]);
      }),
    );
  });

  it('rejects every 11-digit number not starting with 1', () => {
    fc.assert(
      fc.property(fc.constantFrom('0', '2', '3', '4', '5', '6', '7', '8', '9'), digits(10), (first, rest) => {
        expect(messages(mobileSchema, `${first}${rest}`)).toEqual([MOBILE_MESSAGE]);
      }),
    );
  });

  it('rejects a valid number with a digit dropped or added', () => {
    fc.assert(
      fc.property(mobileArb, fc.constantFrom(...DIGITS), fc.boolean(), (m, extra, drop) => {
        const mutated = drop ? m.slice(0, 10) : m + extra;
        expect(messages(mobileSchema, mutated)).toEqual([MOBILE_MESSAGE]);
      }),
    );
  });

  it('rejects a valid number with any one digit replaced by a non-digit', () => {
    fc.assert(
      fc.property(
        mobileArb,
        fc.integer({ min: 0, max: 10 }),
        fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !/\d/.test(c)),
        (m, pos, c) => {
          expect(messages(mobileSchema, m.slice(0, pos) + c + m.slice(pos + 1))).toEqual([MOBILE_MESSAGE]);
        },
      ),
    );
  });
});

describe('idNumberSchema', () => {
  it('returns a valid number unchanged', () => {
    fc.assert(
      fc.property(validIdArb, ({ idNumber }) => {
        expect(idNumberSchema.parse(idNumber)).toBe(idNumber);
      }),
    );
  });

  it('canonicalises a lower-case x to X', () => {
    expect(idNumberSchema.parse('11010519491231002x')).toBe('11010519491231002X');
  });

  it.each([
    ['a wrong check character', '110105194912310021', 'check character does not match the first 17 digits'],
    ['30 February', makeIdNumber('110105', '20000230', '002'), 'birth date is not a real date'],
    ['a future birth date', makeIdNumber('110105', '20991231', '002'), 'birth date is in the future'],
    [
      'a 17-digit number',
      '11010519491231002',
      'must be 18 characters: 17 digits and a check character (digit or X)',
    ],
  ])('rejects %s with a clear message', (_label, raw, message) => {
    expect(messages(idNumberSchema, raw)).toEqual([message]);
  });

  it('judges "the future" by today in China', () => {
    const tomorrow = makeIdNumber('110105', compactDate(addDays(TODAY, 1)), '002');
    const today = makeIdNumber('110105', compactDate(TODAY), '002');
    expect(messages(idNumberSchema, tomorrow)).toEqual(['birth date is in the future']);
    expect(idNumberSchema.parse(today)).toBe(today);
  });

  it('rejects every future birth date', () => {
    fc.assert(
      fc.property(
        regionArb,
        realDateBetween(addDays(TODAY, 1), '2199-12-31'),
        sequenceArb,
        (region, iso, seq) => {
          expect(messages(idNumberSchema, makeIdNumber(region, compactDate(iso), seq))).toEqual([
            'birth date is in the future',
          ]);
        },
      ),
    );
  });

  it('rejects a non-string', () => {
    expect(idNumberSchema.safeParse(110105194912310020).success).toBe(false);
    expect(idNumberSchema.safeParse(null).success).toBe(false);
  });
});

describe('applicantSchema', () => {
  const valid = { name: '阿依古丽·买买提', idNumber: '11010519491231002x', mobile: '13800138000' };

  it('parses a valid applicant and canonicalises the ID number', () => {
    expect(applicantSchema.parse(valid)).toEqual({ ...valid, idNumber: '11010519491231002X' });
  });

  it('any valid name, ID number and mobile make a valid applicant', () => {
    fc.assert(
      fc.property(
        fc.oneof(hanStringArb(2, 50), dottedNameArb),
        validIdArb,
        mobileArb,
        (name, { idNumber }, mobile) => {
          expect(applicantSchema.parse({ name, idNumber, mobile })).toEqual({ name, idNumber, mobile });
        },
      ),
    );
  });

  it('rejects an unknown field', () => {
    const r = applicantSchema.safeParse({ ...valid, gender: 'F' });
    expect(r.success).toBe(false);
    expect(r.error?.issues).toEqual([
      expect.objectContaining({ code: 'unrecognized_keys', keys: ['gender'], path: [] }),
    ]);
  });

  it.each(['name', 'idNumber', 'mobile'] as const)('rejects a missing %s, naming it in the path', (field) => {
    const { [field]: _dropped, ...rest } = valid;
    const r = applicantSchema.safeParse(rest);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path)).toEqual([[field]]);
  });
});

describe('todayInChina', () => {
  it.each([
    ['2024-01-01T15:59:59.999Z', '2024-01-01'],
    ['2024-01-01T16:00:00.000Z', '2024-01-02'],
    ['2023-12-31T16:00:00.000Z', '2024-01-01'],
    ['2024-02-28T16:00:00.000Z', '2024-02-29'],
    ['2024-06-30T23:59:59.999Z', '2024-07-01'],
    ['2024-07-01T00:00:00.000Z', '2024-07-01'],
  ])('at %s it is %s in China', (instant, expected) => {
    expect(todayInChina(new Date(instant))).toBe(expected);
  });

  it('is the UTC date eight hours later, for any instant', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('2200-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        (d) => {
          const later = new Date(d.getTime() + 8 * 3600_000);
          expect(todayInChina(d)).toBe(later.toISOString().slice(0, 10));
          expect(todayInChina(d)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        },
      ),
    );
  });

  it('defaults to now', () => {
    const before = todayInChina(new Date());
    const actual = todayInChina();
    const after = todayInChina(new Date());
    expect([before, after]).toContain(actual);
  });
});

describe('personNameSchema: edge characters', () => {
  it('accepts 〇, a Han character Unicode files as a number', () => {
    expect(personNameSchema.safeParse('王〇').success).toBe(true);
    expect(personNameSchema.safeParse('李〇〇').success).toBe(true);
  });

  it('refuses a name that starts with a combining mark', () => {
    expect(personNameSchema.safeParse('\u0301张三').success).toBe(false);
  });
});
