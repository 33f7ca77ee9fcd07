import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZodError, type z } from 'zod';
import { startApplicationRequestSchema } from '../../domain/application';
import { withLuhnDigit } from '../../domain/bank-card';
import { makeIdNumber } from '../../domain/id-number';
import {
  addDays,
  compactDate,
  documentIdArb,
  dottedNameArb,
  hanStringArb,
  luhnCardArb,
  mobileArb,
  TODAY,
  validIdArb,
} from './arbitraries';

type Path = readonly string[];
type Dict = Record<string, unknown>;
type Issue = z.core.$ZodIssue;

const FRONT = 'a'.repeat(64);
const BACK = 'b'.repeat(64);

/** The intent and device flow v4 (OWN_APP's default) requires. */
const INTENT = { purpose: 'SAVINGS', declaresNoRentOrSale: true };
const DEVICE = { deviceId: 'device-0001', platform: 'IOS', ip: '203.0.113.7' };

/** A complete, valid v4 request (without the defaulted fields). */
const validRequest = (): Dict => ({
  applicationId: '3b241101-e2bb-4255-8caf-4136c566a962',
  applicant: { name: '阿依古丽·买买提', idNumber: '11010519491231002X', mobile: '13800138000' },
  boundAccount: { number: withLuhnDigit('622202100000000000'), kind: 'DEBIT' },
  documents: { idFront: FRONT, idBack: BACK },
  intent: INTENT,
  device: DEVICE,
});

const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

const getAt = (obj: unknown, path: Path): unknown =>
  path.reduce<unknown>((o, k) => (isDict(o) ? o[k] : undefined), obj);

/** A deep copy of `obj` with `update` applied to the object that holds the last path element. */
const mutateAt = (obj: Dict, path: Path, update: (parent: Dict, key: string) => void): Dict => {
  const copy = structuredClone(obj);
  const parent = getAt(copy, path.slice(0, -1));
  if (!isDict(parent)) throw new Error(`no object at ${path.slice(0, -1).join('.')}`);
  update(parent, path.at(-1)!);
  return copy;
};

const setAt = (obj: Dict, path: Path, value: unknown): Dict =>
  mutateAt(obj, path, (parent, key) => {
    parent[key] = value;
  });

const deleteAt = (obj: Dict, path: Path): Dict =>
  mutateAt(obj, path, (parent, key) => {
    delete parent[key];
  });

/** Adds an own enumerable key, even "__proto__" (as JSON.parse would). */
const addKeyAt = (obj: Dict, objectPath: Path, key: string, value: unknown): Dict => {
  const copy = structuredClone(obj);
  const target = objectPath.length === 0 ? copy : getAt(copy, objectPath);
  if (!isDict(target)) throw new Error(`no object at ${objectPath.join('.')}`);
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
};

/** safeParse, failing the test if it throws at all. */
const safeParse = (input: unknown) => {
  let result: ReturnType<typeof startApplicationRequestSchema.safeParse> | undefined;
  expect(() => {
    result = startApplicationRequestSchema.safeParse(input);
  }).not.toThrow();
  return result!;
};

/** The issues of a parse that must fail; each must carry a human message. */
const issuesOf = (input: unknown): Issue[] => {
  const r = safeParse(input);
  expect(r.success).toBe(false);
  expect(r.error).toBeInstanceOf(ZodError);
  for (const issue of r.error!.issues) {
    expect(typeof issue.message).toBe('string');
    expect(issue.message.length).toBeGreaterThan(3);
  }
  return r.error!.issues;
};

const pathsOf = (issues: Issue[]): PropertyKey[][] => issues.map((i) => i.path);

const MESSAGES = {
  checkCharacter: 'check character does not match the first 17 digits',
  notRealDate: 'birth date is not a real date',
  future: 'birth date is in the future',
  mobile: 'must be an 11-digit mainland mobile number starting 13 to 19',
  card: 'must be 16 to 19 digits',
  requiredByV4: 'is required by flow v4',
  uuid: 'must be a UUID the app generates once per application',
  documentId: 'must be a documentId from POST /v1/documents',
  nameLetters: 'may hold letters of any script, with single middle dots (U+00B7) between parts',
} as const;

const validRequestArb: fc.Arbitrary<Dict> = fc
  .record({
    applicationId: fc.uuid(),
    name: fc.oneof(hanStringArb(2, 50), dottedNameArb),
    id: validIdArb,
    lowerX: fc.boolean(),
    mobile: mobileArb,
    card: fc.oneof(
      luhnCardArb,
      luhnCardArb.map((n) => n.slice(0, -1) + ((Number(n.at(-1)) + 1) % 10)),
    ),
    kind: fc.constantFrom('DEBIT', 'CREDIT'),
    idFront: documentIdArb,
    idBack: documentIdArb,
    selfie: fc.option(documentIdArb, { nil: undefined }),
    explicitDefaults: fc.boolean(),
  })
  .map((r) => ({
    applicationId: r.applicationId,
    ...(r.explicitDefaults ? { flowVersion: 'v4', channel: 'OWN_APP' } : {}),
    applicant: {
      name: r.name,
      idNumber: r.lowerX ? r.id.idNumber.toLowerCase() : r.id.idNumber,
      mobile: r.mobile,
    },
    boundAccount: { number: r.card, kind: r.kind },
    documents: { idFront: r.idFront, idBack: r.idBack, ...(r.selfie ? { selfie: r.selfie } : {}) },
    intent: INTENT,
    device: DEVICE,
  }));

describe('startApplicationRequestSchema: valid requests', () => {
  it('parses a valid request, defaulting flowVersion to v4 and channel to OWN_APP', () => {
    expect(startApplicationRequestSchema.parse(validRequest())).toEqual({
      ...validRequest(),
      flowVersion: 'v4',
      channel: 'OWN_APP',
    });
  });

  it('accepts the defaults given explicitly and an optional selfie', () => {
    const req = { ...validRequest(), flowVersion: 'v4', channel: 'OWN_APP' };
    const withSelfie = setAt(req, ['documents', 'selfie'], 'c'.repeat(64));
    expect(startApplicationRequestSchema.parse(withSelfie)).toEqual(withSelfie);
  });

  it('canonicalises a lower-case x in the ID number', () => {
    const req = setAt(validRequest(), ['applicant', 'idNumber'], '11010519491231002x');
    const parsed = startApplicationRequestSchema.parse(req);
    expect(parsed.applicant.idNumber).toBe('11010519491231002X');
  });

  it('accepts a bound card that fails Luhn (a warning for later, not a rejection)', () => {
    const req = setAt(validRequest(), ['boundAccount', 'number'], '6222021000000000000');
    expect(startApplicationRequestSchema.safeParse(req).success).toBe(true);
  });

  it('accepts a credit card as the bound account', () => {
    const req = setAt(validRequest(), ['boundAccount', 'kind'], 'CREDIT');
    expect(startApplicationRequestSchema.parse(req).boundAccount.kind).toBe('CREDIT');
  });

  it('any generated valid request parses to itself plus defaults, and re-parses to the same value', {
    timeout: 30_000,
  }, () => {
    fc.assert(
      fc.property(validRequestArb, (req) => {
        const r = safeParse(req);
        if (!r.success) throw new Error(JSON.stringify(r.error.issues));
        const applicant = req.applicant as Dict;
        expect(r.data).toEqual({
          flowVersion: 'v4',
          channel: 'OWN_APP',
          ...req,
          applicant: { ...applicant, idNumber: String(applicant.idNumber).toUpperCase() },
        });
        expect(startApplicationRequestSchema.parse(r.data)).toEqual(r.data);
      }),
      { numRuns: 300 },
    );
  });
});

describe('startApplicationRequestSchema: each invalid field is named', () => {
  const cases: ReadonlyArray<readonly [string, Dict, Path, string]> = [
    [
      'wrong ID check character',
      setAt(validRequest(), ['applicant', 'idNumber'], '110105194912310021'),
      ['applicant', 'idNumber'],
      MESSAGES.checkCharacter,
    ],
    [
      '30 February birth date',
      setAt(validRequest(), ['applicant', 'idNumber'], makeIdNumber('110105', '19900230', '002')),
      ['applicant', 'idNumber'],
      MESSAGES.notRealDate,
    ],
    [
      'future birth date',
      setAt(
        validRequest(),
        ['applicant', 'idNumber'],
        makeIdNumber('110105', compactDate(addDays(TODAY, 1)), '002'),
      ),
      ['applicant', 'idNumber'],
      MESSAGES.future,
    ],
    [
      '10-digit mobile',
      setAt(validRequest(), ['applicant', 'mobile'], '1380013800'),
      ['applicant', 'mobile'],
      MESSAGES.mobile,
    ],
    [
      '12x mobile',
      setAt(validRequest(), ['applicant', 'mobile'], '12345678901'),
      ['applicant', 'mobile'],
      MESSAGES.mobile,
    ],
    [
      '12-digit card',
      setAt(validRequest(), ['boundAccount', 'number'], '622202100000'),
      ['boundAccount', 'number'],
      MESSAGES.card,
    ],
    [
      'missing idFront for v4',
      deleteAt(validRequest(), ['documents', 'idFront']),
      ['documents', 'idFront'],
      MESSAGES.requiredByV4,
    ],
    [
      'missing idBack for v4',
      deleteAt(validRequest(), ['documents', 'idBack']),
      ['documents', 'idBack'],
      MESSAGES.requiredByV4,
    ],
    [
      'upper-case hex document id',
      setAt(validRequest(), ['documents', 'idBack'], 'B'.repeat(64)),
      ['documents', 'idBack'],
      MESSAGES.documentId,
    ],
    [
      'non-UUID applicationId',
      setAt(validRequest(), ['applicationId'], 'application-1'),
      ['applicationId'],
      MESSAGES.uuid,
    ],
    [
      'UUID in braces',
      setAt(validRequest(), ['applicationId'], '{3b241101-e2bb-4255-8caf-4136c566a962}'),
      ['applicationId'],
      MESSAGES.uuid,
    ],
    [
      'name with a digit',
      setAt(validRequest(), ['applicant', 'name'], '张3'),
      ['applicant', 'name'],
      MESSAGES.nameLetters,
    ],
  ];

  it.each(cases)('%s fails at the field with a clear message', (_label, req, path, message) => {
    expect(issuesOf(req)).toEqual([expect.objectContaining({ path, message })]);
  });

  it('an empty idFront is reported at documents.idFront (as not a documentId, and as required)', () => {
    const issues = issuesOf(setAt(validRequest(), ['documents', 'idFront'], ''));
    expect(new Set(pathsOf(issues).map((p) => p.join('.')))).toEqual(new Set(['documents.idFront']));
    expect(issues.map((i) => i.message)).toContain(MESSAGES.documentId);
  });

  it.each([
    ['flowVersion', 'v1', ['flowVersion']],
    ['flowVersion', 'v2', ['flowVersion']],
    ['channel', 'WEB', ['channel']],
  ] as const)('rejects %s %j (not offered) naming the field', (field, value, path) => {
    expect(pathsOf(issuesOf({ ...validRequest(), [field]: value }))).toEqual([path]);
  });

  it('rejects an unknown bound account kind naming the field', () => {
    expect(pathsOf(issuesOf(setAt(validRequest(), ['boundAccount', 'kind'], 'PAYMENT_COMPANY')))).toEqual([
      ['boundAccount', 'kind'],
    ]);
  });

  it('rejects an unknown top-level field, naming the key', () => {
    const issues = issuesOf({ ...validRequest(), referrer: 'x' });
    expect(issues).toEqual([
      expect.objectContaining({ code: 'unrecognized_keys', path: [], keys: ['referrer'] }),
    ]);
    expect(issues[0]!.message).toContain('referrer');
  });

  it.each([
    [['applicant'], 'gender'],
    [['boundAccount'], 'bank'],
    [['documents'], 'idFrontUrl'],
  ] as const)('rejects an unknown field inside %j, naming the key', (objectPath, key) => {
    const issues = issuesOf(addKeyAt(validRequest(), objectPath, key, 'x'));
    expect(issues).toEqual([
      expect.objectContaining({ code: 'unrecognized_keys', path: objectPath, keys: [key] }),
    ]);
    expect(issues[0]!.message).toContain(key);
  });

  it('reports every problem at once, not just the first', () => {
    const req = deleteAt(setAt(validRequest(), ['applicant', 'mobile'], '1380013800'), [
      'documents',
      'idFront',
    ]);
    expect(pathsOf(issuesOf(req))).toEqual(
      expect.arrayContaining([
        ['applicant', 'mobile'],
        ['documents', 'idFront'],
      ]),
    );
  });

  it.each([null, undefined, 'request', 42, [], true])('rejects the non-object %j at the root', (input) => {
    expect(pathsOf(issuesOf(input))).toEqual([[]]);
  });
});

// --- Mutations ---------------------------------------------------------------------------

const REQUIRED_PATHS: readonly Path[] = [
  ['applicationId'],
  ['applicant'],
  ['applicant', 'name'],
  ['applicant', 'idNumber'],
  ['applicant', 'mobile'],
  ['boundAccount'],
  ['boundAccount', 'number'],
  ['boundAccount', 'kind'],
  ['documents'],
  ['documents', 'idFront'],
  ['documents', 'idBack'],
  ['intent'],
  ['device'],
];

const STRING_PATHS: readonly Path[] = [
  ['applicationId'],
  ['flowVersion'],
  ['channel'],
  ['applicant', 'name'],
  ['applicant', 'idNumber'],
  ['applicant', 'mobile'],
  ['boundAccount', 'number'],
  ['boundAccount', 'kind'],
  ['documents', 'idFront'],
  ['documents', 'idBack'],
  ['documents', 'selfie'],
];

const OBJECT_PATHS: readonly Path[] = [[], ['applicant'], ['boundAccount'], ['documents']];

const KNOWN_KEYS: Record<string, readonly string[]> = {
  '': [
    'applicationId',
    'flowVersion',
    'channel',
    'applicant',
    'boundAccount',
    'documents',
    'intent',
    'device',
  ],
  applicant: ['name', 'idNumber', 'mobile'],
  boundAccount: ['number', 'kind'],
  documents: ['idFront', 'idBack', 'selfie'],
};

const nonStringArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
  // A string in disguise is still not a string.
  fc.string().map((s) => [s]),
);

const nonObjectArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
);

type Mutation =
  | { readonly kind: 'delete'; readonly path: Path }
  | { readonly kind: 'retype'; readonly path: Path; readonly value: unknown }
  | { readonly kind: 'addKey'; readonly path: Path; readonly key: string; readonly value: unknown };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom(...REQUIRED_PATHS).map((path): Mutation => ({ kind: 'delete', path })),
  fc.tuple(fc.constantFrom(...STRING_PATHS), nonStringArb).map(
    ([path, value]): Mutation => ({
      kind: 'retype',
      path,
      value,
    }),
  ),
  fc.tuple(fc.constantFrom(...OBJECT_PATHS), nonObjectArb).map(
    ([path, value]): Mutation => ({
      kind: 'retype',
      path,
      value,
    }),
  ),
  fc.constantFrom(...OBJECT_PATHS).chain((path) =>
    fc
      .tuple(
        fc.oneof(
          fc.string(),
          fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'selfie '),
        ),
        fc.jsonValue(),
      )
      .filter(([key]) => !KNOWN_KEYS[path.join('.')]!.includes(key))
      .map(([key, value]): Mutation => ({ kind: 'addKey', path, key, value })),
  ),
);

const apply = (req: Dict, m: Mutation): unknown => {
  switch (m.kind) {
    case 'delete':
      return deleteAt(req, m.path);
    case 'retype':
      return m.path.length === 0 ? m.value : setAt(req, m.path, m.value);
    case 'addKey':
      return addKeyAt(req, m.path, m.key, m.value);
  }
};

// The heavier properties run hundreds of parses each: they get room on a busy CI machine.
describe('startApplicationRequestSchema: mutations of valid requests', () => {
  it('deleting a required field, changing a type or adding an unknown key always fails, at that path', {
    timeout: 30_000,
  }, () => {
    fc.assert(
      fc.property(validRequestArb, mutationArb, (req, m) => {
        const issues = issuesOf(apply(req, m));
        if (m.kind === 'addKey') {
          expect(issues).toContainEqual(
            expect.objectContaining({ code: 'unrecognized_keys', path: [...m.path], keys: [m.key] }),
          );
        } else {
          expect(pathsOf(issues)).toContainEqual([...m.path]);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('parse throws a ZodError, and only a ZodError, for every such mutation', { timeout: 30_000 }, () => {
    fc.assert(
      fc.property(validRequestArb, mutationArb, (req, m) => {
        expect(() => startApplicationRequestSchema.parse(apply(req, m))).toThrow(ZodError);
      }),
    );
  });

  it('deleting flowVersion or channel is fine: they default', () => {
    fc.assert(
      fc.property(validRequestArb, (req) => {
        const { flowVersion: _f, channel: _c, ...rest } = req;
        expect(startApplicationRequestSchema.parse(rest)).toMatchObject({
          flowVersion: 'v4',
          channel: 'OWN_APP',
        });
      }),
      { numRuns: 50 },
    );
  });

  it('safeParse never throws, whatever it is given', { timeout: 30_000 }, () => {
    const fieldish = fc.oneof(fc.anything(), fc.string(), fc.constant(undefined));
    const requestShaped = fc.record(
      {
        applicationId: fc.oneof(fc.uuid(), fieldish),
        flowVersion: fieldish,
        channel: fieldish,
        applicant: fc.oneof(
          fieldish,
          fc.record({ name: fieldish, idNumber: fieldish, mobile: fieldish }, { requiredKeys: [] }),
        ),
        boundAccount: fc.oneof(
          fieldish,
          fc.record({ number: fieldish, kind: fieldish }, { requiredKeys: [] }),
        ),
        documents: fc.oneof(
          fieldish,
          fc.record({ idFront: fieldish, idBack: fieldish, selfie: fieldish }, { requiredKeys: [] }),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), requestShaped), (input) => {
        const r = safeParse(input);
        if (!r.success) expect(r.error).toBeInstanceOf(ZodError);
      }),
      { numRuns: 1000 },
    );
  });
});
