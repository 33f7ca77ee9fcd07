/**
 * Every magic input in sandbox/catalogue.json answers as the catalogue says, and the catalogue
 * drives every branch the contracts can express.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditRefusalReasonSchema, debitRefusalReasonSchema } from '../../contracts/core-banking-payments';
import { imageQualityFlagSchema, unionPayResultSchema } from '../../contracts/providers';
import { todayInChina } from '../../domain/applicant';
import { passesLuhn } from '../../domain/bank-card';
import { classifyFace } from '../../domain/face';
import { parseIdNumber } from '../../domain/id-number';
import { rateRisk } from '../../domain/risk-rules';
import { catalogue, holderTypesSchema } from '../../sandbox/catalogue';
import { buildCoreBankingSandbox } from '../../sandbox/core-banking/app';
import { buildProvidersSandbox } from '../../sandbox/providers/app';
import { makeIdCardImage, makePlainImage, makeSelfieImage } from '../../sandbox/providers/id-card-image';
import { tempDir } from './helpers';

const { ocr, identity, watchlist, fourElements, threeElements, face, smsConfirm } = catalogue.providers;
const dir = tempDir();
let app: FastifyInstance;
let mobileSeq = 0;
/** A distinct mobile per case keeps the SMS inbox of one case out of another's. */
const nextMobile = () => `1390000${String(++mobileSeq).padStart(4, '0')}`;

beforeAll(() => {
  app = buildProvidersSandbox({ dbFile: dir.dbFile() });
});
afterAll(async () => {
  await app.close();
  dir.remove();
});

const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, payload, headers });

describe('OCR entries', () => {
  // Entries with validForDays answer relative to today: the catalogue writes them for answersAsOf.
  let asOf: FastifyInstance;
  beforeAll(() => {
    asOf = buildProvidersSandbox({
      dbFile: dir.dbFile(),
      now: () => new Date(`${ocr.answersAsOf}T10:00:00+08:00`),
    });
  });
  afterAll(() => asOf.close());

  for (const entry of ocr.entries) {
    it(`${entry.name} answers as documented`, async () => {
      const image = entry.marker ? makeIdCardImage(entry.marker) : makePlainImage();
      const res = await asOf.inject({
        method: 'POST',
        url: '/ocr/v1/id-card',
        payload: {
          side: entry.marker?.side ?? 'FRONT',
          imageBase64: image.toString('base64'),
        },
      });
      expect(res.statusCode).toBe(entry.answer.status);
      expect(res.json()).toEqual(entry.answer.body);
    });
  }

  it('has a back side for each validity the bank acts on: expired, expiring today, expiring soon, valid for life', () => {
    const validities = ocr.entries.flatMap((e) => (e.marker?.side === 'BACK' ? [e.marker] : []));
    expect(
      validities.some((m) => m.validUntil && m.validUntil !== 'LONG' && m.validUntil < ocr.answersAsOf),
    ).toBe(true);
    expect(validities.map((m) => m.validForDays).filter((d) => d !== undefined)).toEqual(
      expect.arrayContaining([-1, 0, 20]),
    );
    expect(validities.some((m) => m.validUntil === 'LONG')).toBe(true);
  });

  it('quality flags map to the tier-2 reasons and nothing else sends to review', () => {
    for (const entry of ocr.entries) {
      const flags = entry.answer.body.quality;
      if (flags.length > 0) {
        expect(entry.tier).toBe('REVIEW');
        expect(entry.reasons).toEqual(flags.map((flag) => `ID_IMAGE_${flag}`));
      } else {
        expect(entry.tier).not.toBe('REVIEW');
      }
    }
  });

  it('covers every quality flag and every tier', () => {
    const flags = new Set(ocr.entries.flatMap((entry) => entry.answer.body.quality));
    expect([...flags].sort()).toEqual([...imageQualityFlagSchema.options].sort());
    expect(new Set(ocr.entries.map((entry) => entry.tier))).toEqual(new Set(['PASS', 'REVIEW', 'REJECT']));
  });
});

describe('identity rules', () => {
  const cases = [
    ...identity.rules.map((rule) => ({ label: `name containing ${rule.nameContains}`, ...rule })),
    {
      label: 'any other name',
      ...identity.otherwise,
    },
  ];
  for (const rule of cases) {
    it(`${rule.label} answers ${JSON.stringify(rule.answer.body)}`, async () => {
      const res = await post('/identity/v1/verify', rule.example);
      expect(res.statusCode).toBe(rule.answer.status);
      expect(res.json()).toEqual(rule.answer.body);
    });
  }

  it('examples carry valid ID numbers and each example hits its own rule', () => {
    for (const rule of identity.rules) {
      expect(rule.example.name).toContain(rule.nameContains);
      expect(parseIdNumber(rule.example.idNumber, todayInChina()).ok).toBe(true);
    }
    expect(identity.rules.some((rule) => identity.otherwise.example.name.includes(rule.nameContains))).toBe(
      false,
    );
  });

  it('covers every identity answer, busy included', () => {
    const results = new Set([...identity.rules, identity.otherwise].map((rule) => rule.answer.body.result));
    expect(results).toEqual(new Set(['MATCH', 'MISMATCH', 'NOT_FOUND', 'BUSY']));
  });
});

describe('watch-list rules', () => {
  const cases = [
    ...watchlist.rules.map((rule) => ({ label: `name containing ${rule.nameContains}`, ...rule })),
    { label: 'any other name', ...watchlist.otherwise },
  ];
  for (const rule of cases) {
    it(`${rule.label} answers ${JSON.stringify(rule.answer.body)}`, async () => {
      const res = await post('/watchlist/v1/screen', rule.example);
      expect(res.statusCode).toBe(rule.answer.status);
      expect(res.json()).toEqual(rule.answer.body);
    });
  }

  it('covers every screening answer and every tier', () => {
    const all = [...watchlist.rules, watchlist.otherwise];
    expect(new Set(all.map((rule) => rule.answer.body.result))).toEqual(
      new Set(['CLEAR', 'POSSIBLE_MATCH', 'CONFIRMED_MATCH']),
    );
    expect(new Set(all.map((rule) => rule.tier))).toEqual(new Set(['PASS', 'REVIEW', 'REJECT']));
  });
});

describe('four-elements rules', () => {
  const cases = [
    ...fourElements.rules.map((rule) => ({ label: `card ending ${rule.cardSuffix}`, ...rule })),
    { label: 'any other card', ...fourElements.otherwise },
  ];
  for (const rule of cases) {
    it(`${rule.label} answers ${rule.answers.map((a) => a.body.result).join(' then ')}`, async () => {
      const mobile = nextMobile();
      const body = {
        name: '张三',
        idNumber: '11010119900307002X',
        cardNumber: rule.exampleCardNumber,
        mobile,
      };
      const key = `catalogue-${rule.label}`;
      // One call per scripted answer, then one more: the last answer repeats.
      const expected = [...rule.answers, rule.answers.at(-1)!];
      let verificationId: string | undefined;
      for (const answer of expected) {
        const res = await post('/unionpay/v1/four-elements', body, { 'idempotency-key': key });
        expect(res.statusCode).toBe(answer.status);
        expect(res.json().result).toBe(answer.body.result);
        if (answer.body.result === 'MATCH') {
          expect(res.json().verificationId).toMatch(/^[0-9a-f-]{36}$/);
          verificationId ??= res.json().verificationId;
          expect(res.json().verificationId).toBe(verificationId);
        } else {
          expect(res.json().verificationId).toBeUndefined();
        }
      }
      const inbox = await app.inject({ method: 'GET', url: `/sandbox/sms?mobile=${mobile}` });
      expect(inbox.statusCode).toBe(verificationId ? 200 : 404);
    });
  }

  it('examples pass Luhn and end in their suffix; no suffix hides another', () => {
    for (const rule of fourElements.rules) {
      expect(rule.exampleCardNumber.endsWith(rule.cardSuffix)).toBe(true);
      expect(passesLuhn(rule.exampleCardNumber)).toBe(true);
    }
    expect(new Set(fourElements.rules.map((rule) => rule.cardSuffix)).size).toBe(fourElements.rules.length);
    expect(passesLuhn(fourElements.otherwise.exampleCardNumber)).toBe(true);
    expect(
      fourElements.rules.some((rule) => fourElements.otherwise.exampleCardNumber.endsWith(rule.cardSuffix)),
    ).toBe(false);
  });

  it('business answers name their reason code; only busy is retryable', () => {
    for (const rule of [...fourElements.rules, fourElements.otherwise]) {
      const final = rule.answers.at(-1)!.body.result;
      const everBusy = rule.answers.some((answer) => answer.body.result === 'BUSY');
      expect(rule.retryable).toBe(everBusy);
      if (final === 'MATCH' || final === 'BUSY') expect(rule.reasons).toEqual([]);
      else expect(rule.reasons).toEqual([final.startsWith('CARD_') ? final : `CARD_${final}`]);
    }
  });

  it('covers every UnionPay result', () => {
    const results = new Set(
      [...fourElements.rules, fourElements.otherwise].flatMap((rule) =>
        rule.answers.map((a) => a.body.result),
      ),
    );
    expect([...results].sort()).toEqual([...unionPayResultSchema.options].sort());
  });
});

describe('three-elements rules', () => {
  const cases = [
    ...fourElements.rules.map((rule) => ({ label: `card ending ${rule.cardSuffix}`, ...rule })),
    { label: 'any other card', ...fourElements.otherwise },
  ];
  for (const rule of cases) {
    const applies = !threeElements.notApplicableSuffixes.includes(rule.exampleCardNumber.slice(-4));
    const expected = applies ? rule.answers : [{ status: 200, body: { result: 'MATCH' as const } }];
    it(`${rule.label} answers ${expected.map((a) => a.body.result).join(' then ')}, and sends no code`, async () => {
      const mobile = nextMobile();
      const body = { name: '张三', idNumber: '11010119900307002X', cardNumber: rule.exampleCardNumber };
      const key = `catalogue-three-${rule.label}`;
      for (const answer of [...expected, expected.at(-1)!]) {
        const res = await post('/unionpay/v1/three-elements', body, { 'idempotency-key': key });
        expect(res.statusCode).toBe(answer.status);
        expect(res.json()).toEqual(answer.body);
      }
      expect((await app.inject({ method: 'GET', url: `/sandbox/sms?mobile=${mobile}` })).statusCode).toBe(
        404,
      );
    });
  }

  it('only answers about the reserved phone are not applicable', () => {
    for (const suffix of threeElements.notApplicableSuffixes) {
      const rule = fourElements.rules.find((r) => r.cardSuffix === suffix);
      expect(rule?.answers.map((a) => a.body.result)).toEqual(['PHONE_MISMATCH']);
    }
  });
});

describe('face entries', () => {
  for (const entry of face.entries) {
    it(`${entry.name} answers as documented and the service decides ${entry.tier}`, async () => {
      const image = entry.marker ? makeSelfieImage(entry.marker) : makePlainImage();
      const res = await post('/face/v1/verify', {
        selfieBase64: image.toString('base64'),
        idNumber: '11010119900307002X',
      });
      expect(res.statusCode).toBe(entry.answer.status);
      expect(res.json()).toEqual(entry.answer.body);
      const decided = classifyFace(entry.answer.body);
      expect([decided.outcome, decided.reasons]).toEqual([entry.tier, entry.reasons]);
    });
  }

  it('POST /sandbox/selfie-images makes a selfie the face sandbox reads', async () => {
    const made = await post('/sandbox/selfie-images', { face: 'BORDERLINE' });
    expect(made.headers['content-type']).toContain('image/png');
    const res = await post('/face/v1/verify', {
      selfieBase64: made.rawPayload.toString('base64'),
      idNumber: '11010119900307002X',
    });
    expect(res.json()).toEqual(face.entries.find((e) => e.marker?.face === 'BORDERLINE')?.answer.body);
    expect((await post('/sandbox/selfie-images', { face: 'MAYBE' })).statusCode).toBe(400);
  });

  it('covers every tier', () => {
    expect(new Set(face.entries.map((entry) => entry.tier))).toEqual(new Set(['PASS', 'REVIEW', 'REJECT']));
  });
});

describe('SMS confirm rules', () => {
  for (const rule of smsConfirm.rules) {
    it(`code ${rule.code} answers ${rule.answer.body.result}`, async () => {
      const mobile = nextMobile();
      const check = await post(
        '/unionpay/v1/four-elements',
        {
          name: '张三',
          idNumber: '11010119900307002X',
          cardNumber: fourElements.otherwise.exampleCardNumber,
          mobile,
        },
        { 'idempotency-key': `sms-rule-${rule.code}` },
      );
      const res = await post('/unionpay/v1/sms-confirm', {
        verificationId: check.json().verificationId,
        code: rule.code,
      });
      expect(res.statusCode).toBe(rule.answer.status);
      expect(res.json()).toEqual(rule.answer.body);
    });
  }
});

describe('bank one-time code rules', () => {
  for (const rule of catalogue.providers.bankOtp.rules) {
    it(`code ${rule.code} answers ${rule.answer.body.result} for an otp just sent`, async () => {
      const sent = await post(
        '/sms/v1/otp',
        { mobile: nextMobile(), purpose: 'AGREEMENT_SIGNING' },
        { 'idempotency-key': `otp-rule-${rule.code}` },
      );
      expect(sent.statusCode).toBe(201);
      const res = await post('/sms/v1/otp/verify', { otpId: sent.json().otpId, code: rule.code });
      expect(res.statusCode).toBe(rule.answer.status);
      expect(res.json()).toEqual(rule.answer.body);
    });
  }
});

describe('core banking limits', () => {
  for (const accountClass of ['II', 'III'] as const) {
    it(`a Class ${accountClass} account carries the catalogue's limits`, async () => {
      const core = buildCoreBankingSandbox({ dbFile: dir.dbFile() });
      try {
        const res = await core.inject({
          method: 'POST',
          url: '/core/v1/accounts',
          headers: { 'idempotency-key': `limits-${accountClass}` },
          payload: {
            customer: { name: '张三', idNumber: '11010119900307002X', mobile: '13800138000' },
            accountClass,
            channel: 'OWN_APP',
            reference: `limits-${accountClass}`,
            perPersonCap: 5,
          },
        });
        expect(res.statusCode).toBe(201);
        expect(res.json().limits).toEqual(catalogue.coreBanking.limits[accountClass]);
        const { prefix, length } = catalogue.coreBanking.accountNumber;
        expect(res.json().accountNumber).toHaveLength(length);
        expect(res.json().accountNumber.startsWith(prefix)).toBe(true);
      } finally {
        await core.close();
      }
    });
  }
});

describe('core banking money rules', () => {
  const { debitRules, creditRules } = catalogue.coreBanking;

  it('name every debit refusal reason once and every credit refusal reason once', () => {
    expect(debitRules.map((rule) => rule.reason).sort()).toEqual(
      [...debitRefusalReasonSchema.options].sort(),
    );
    expect(creditRules.map((rule) => rule.reason).sort()).toEqual(
      [...creditRefusalReasonSchema.options].sort(),
    );
  });
});

describe('payment-network simulator rules', () => {
  const { signing, debits } = catalogue.paymentNetwork;

  it('no reference prefix hides another, and a generated reference (sim-<uuid>) takes the otherwise rule', () => {
    for (const rules of [signing.rules, debits.rules]) {
      const prefixes = rules.map((rule) => rule.referencePrefix);
      for (const prefix of prefixes) {
        expect(prefixes.filter((other) => other !== prefix && prefix.startsWith(other))).toEqual([]);
        expect(`sim-${randomUUID()}`.startsWith(prefix)).toBe(false);
      }
      expect(new Set(prefixes).size).toBe(prefixes.length);
    }
  });

  it('covers every way the holder may answer the code', () => {
    const all = [...signing.rules, signing.otherwise].map((rule) => rule.holderTypes);
    expect([...all].sort()).toEqual([...holderTypesSchema.options].sort());
  });
});

describe('punishment-list entries', () => {
  for (const entry of catalogue.providers.punishmentList.entries) {
    it(`${entry.name} answers as documented`, async () => {
      // A person of their own per entry: one entry's listing is not another's.
      const idNumber = `sandbox-${randomUUID()}`;
      for (const step of entry.setup) {
        const res = await app.inject({
          method: step.method,
          url: `/sandbox/punishment-list/${idNumber}`,
          payload: step.body,
        });
        expect(res.statusCode).toBe(204);
      }
      const res = await post('/punishment-list/v1/check', { idNumber });
      expect(res.statusCode).toBe(entry.answer.status);
      expect(res.json()).toEqual(entry.answer.body);
      expect(entry.tier === 'REJECT').toBe(entry.answer.body.listed);
    });
  }

  it('covers listed and not listed, and lists with and without an end', () => {
    const { entries } = catalogue.providers.punishmentList;
    expect(new Set(entries.map((e) => e.tier))).toEqual(new Set(['PASS', 'REJECT']));
    expect(entries.some((e) => e.answer.body.until !== undefined)).toBe(true);
  });
});

describe('flow v4 branches', () => {
  it('each rated branch is rated as documented by the risk rules', () => {
    const rated = catalogue.flowV4.branches.filter((b) => b.riskRating);
    expect(new Set(rated.map((b) => b.riskRating))).toEqual(new Set(['LOW', 'MEDIUM', 'HIGH']));
    for (const branch of rated) {
      const verdict = rateRisk({ ...branch.evidence!, identitiesAt: 3, channel: 'OWN_APP' });
      expect({ name: branch.name, rating: verdict.rating }).toEqual({
        name: branch.name,
        rating: branch.riskRating,
      });
    }
  });

  it("names every v4 reason code once among the branches' reasons", () => {
    const reasons = catalogue.flowV4.branches.flatMap((b) => b.reasons);
    for (const code of ['INTENT_NOT_CONFIRMED', 'PUNISHMENT_LISTED', 'LINKED_APPLICANTS'] as const) {
      expect(reasons.filter((r) => r === code)).toHaveLength(1);
    }
  });
});

describe('docs/sandbox.md', () => {
  const doc = readFileSync(new URL('../../docs/sandbox.md', import.meta.url), 'utf8');

  it('mentions every magic input of the catalogue', () => {
    const inputs = [
      ...ocr.entries.map((entry) => entry.name),
      ...identity.rules.map((rule) => `\`${rule.nameContains}\``),
      ...watchlist.rules.map((rule) => `\`${rule.nameContains}\``),
      ...fourElements.rules.flatMap((rule) => [`\`${rule.cardSuffix}\``, rule.exampleCardNumber]),
      fourElements.otherwise.exampleCardNumber,
      ...threeElements.notApplicableSuffixes.map((suffix) => `\`${suffix}\``),
      '/unionpay/v1/three-elements',
      '/face/v1/verify',
      '/sandbox/selfie-images',
      ...face.entries.map((entry) => entry.name),
      ...face.entries.flatMap((entry) => (entry.marker ? [`\`${entry.marker.face}\``] : [])),
      ...smsConfirm.rules.map((rule) => `\`${rule.code}\``),
      ...catalogue.coreBanking.entries.map((entry) => String(entry.answer.status)),
      '/unionpay/v1/sms-resend',
      'codeExpiresAt',
      '/sms/v1/otp',
      '/sms/v1/otp/verify',
      '--otp-ttl',
      ...catalogue.providers.bankOtp.rules.map((rule) => `\`${rule.code}\``),
      '/punishment-list/v1/check',
      '/sandbox/punishment-list/{idNumber}',
      ...catalogue.flowV4.branches.map((branch) => branch.name),
      '/core/v1/accounts/{n}/holder-check',
      '/core/v1/accounts/{n}/id-validity',
      '/core/v1/accounts/id-expiring',
      'mobileOnFile',
      'idValidUntil',
      '/sandbox/accounts/{n}',
      'openedFrom',
      ...catalogue.coreBanking.debitRules.map((rule) => `\`${rule.reason}\``),
      ...catalogue.coreBanking.creditRules.map((rule) => `\`${rule.reason}\``),
      ...ocr.entries.flatMap((entry) =>
        entry.marker?.validForDays === undefined ? [] : [`"validForDays": ${entry.marker.validForDays}`],
      ),
      'answersAsOf',
      '/sandbox/accounts/{accountNumber}/credits',
      '/core/v1/agreements/{agreementNumber}',
      '/core/v1/debits',
      '/core/v1/accounts/{n}/ledger',
      '/core/v1/accounts/{n}/agreements',
      '/core/v1/accounts/{n}/close',
      '/simulate/agreements',
      '/simulate/debits',
      '/simulate/agreements/{agreementId}',
      'npm run payment-network',
      ...catalogue.paymentNetwork.signing.rules.map((rule) => `\`${rule.referencePrefix}\``),
      ...catalogue.paymentNetwork.debits.rules.map((rule) => `\`${rule.referencePrefix}\``),
      ...[...catalogue.faults.refuse.providers, ...catalogue.faults.refuse.coreBanking].map(
        (name) => `\`${name}\``,
      ),
    ];
    expect(inputs.filter((input) => !doc.includes(input))).toEqual([]);
  });
});
