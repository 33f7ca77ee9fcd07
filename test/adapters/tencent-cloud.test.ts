/**
 * The Tencent Cloud adapters against the providers sandbox speaking Tencent's wire format: the
 * same magic inputs give the same answers as the contract's adapters, each code the mapping
 * tables know gives its outcome, and what is wrong (a refused signature, a stale clock,
 * malformed answers) fails for good under a name, with no credential or personal data in the
 * failure messages or the sandbox's log.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  httpFaceVerifier,
  httpIdCardReader,
  httpIdentityRegister,
  httpUnionPay,
} from '../../adapters/http/providers';
import {
  type TencentCloudSettings,
  tencentFaceVerifier,
  tencentIdCardReader,
  tencentIdentityRegister,
  tencentUnionPay,
} from '../../adapters/tencent-cloud';
import type { OcrResponse } from '../../contracts/providers';
import { TENCENT_SANDBOX_CREDENTIALS, TENCENT_SANDBOX_PATH } from '../../contracts/tencent-cloud';
import { classifyFace } from '../../domain/face';
import { OCR_WARN_CODES, TENCENT_FAILURES } from '../../domain/tencent-cloud-mapping';
import { catalogue } from '../../sandbox/catalogue';
import { buildProvidersSandbox } from '../../sandbox/providers/app';
import { makeIdCardImage, makeSelfieImage } from '../../sandbox/providers/id-card-image';
import { tempDir } from '../sandbox/helpers';
import { newCard, newPerson } from '../support/people';

const dir = tempDir();
const logLines: string[] = [];
let sandbox: FastifyInstance;
let baseUrl: string;
let skewMs = 0;
let settings: TencentCloudSettings;

beforeAll(async () => {
  sandbox = buildProvidersSandbox({
    dbFile: dir.dbFile(),
    logger: true,
    logStream: { write: (line) => void logLines.push(line) },
    now: () => new Date(Date.now() + skewMs),
  });
  baseUrl = await sandbox.listen({ host: '127.0.0.1', port: 0 });
  settings = {
    ...TENCENT_SANDBOX_CREDENTIALS,
    region: 'ap-guangzhou',
    endpoint: `${baseUrl}${TENCENT_SANDBOX_PATH}`,
  };
});

afterAll(async () => {
  await sandbox.close();
  dir.remove();
});

/** The failure a call ended with. */
async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

const sorted = (r: OcrResponse): OcrResponse => ({ ...r, quality: [...r.quality].sort() });
const withTail = (image: Buffer, text: string) => Buffer.concat([image, Buffer.from(text, 'latin1')]);

describe('IDCardOCR', () => {
  it('reads every ID-card marker of the catalogue as the contract OCR reads it', async () => {
    const contract = httpIdCardReader(baseUrl);
    const tencent = tencentIdCardReader(settings);
    for (const entry of catalogue.providers.ocr.entries) {
      if (!entry.marker) continue;
      const image = makeIdCardImage(entry.marker);
      const side = entry.marker.side;
      const [a, b] = await Promise.all([contract.read(side, image), tencent.read(side, image)]);
      expect(sorted(b), entry.name).toEqual(sorted(a));
    }
  });

  it('maps each warning code of the table onto its tier', async () => {
    const reader = tencentIdCardReader(settings);
    const front = makeIdCardImage({ side: 'FRONT', name: '张三', idNumber: '11010119900307002X' });
    for (const row of OCR_WARN_CODES) {
      const read = await reader.read('FRONT', withTail(front, `TENCENTCLOUD-OCR:{"warn":[${row.code}]}`));
      if (row.tier.tier === 1) expect(read.isIdCard, String(row.code)).toBe(false);
      else expect(read.quality, String(row.code)).toEqual([row.tier.flag]);
    }
  });

  it('an unknown warning, a low quality score and an unreadable picture each go to review', async () => {
    const reader = tencentIdCardReader(settings);
    const front = makeIdCardImage({ side: 'FRONT', name: '张三', idNumber: '11010119900307002X' });
    expect(
      (await reader.read('FRONT', withTail(front, 'TENCENTCLOUD-OCR:{"warn":[-9199]}'))).quality,
    ).toEqual(['PARTLY_UNREADABLE']);
    expect((await reader.read('FRONT', withTail(front, 'TENCENTCLOUD-OCR:{"quality":20}'))).quality).toEqual([
      'BLURRED',
    ]);
    const failed = await reader.read(
      'FRONT',
      withTail(front, 'TENCENTCLOUD-OCR:{"error":"FailedOperation.OcrFailed"}'),
    );
    expect(failed).toEqual({ isIdCard: true, side: 'FRONT', fields: {}, quality: ['PARTLY_UNREADABLE'] });
  });

  it('an internal error is retried; an unknown error code is a review', async () => {
    const reader = tencentIdCardReader(settings);
    const front = makeIdCardImage({ side: 'FRONT', name: '张三', idNumber: '11010119900307002X' });
    const busy = await failureOf(
      reader.read('FRONT', withTail(front, 'TENCENTCLOUD-OCR:{"error":"InternalError"}')),
    );
    expect(busy.nonRetryable).toBe(false);
    const odd = await reader.read(
      'FRONT',
      withTail(front, 'TENCENTCLOUD-OCR:{"error":"FailedOperation.Odd"}'),
    );
    expect(odd.quality).toEqual(['PARTLY_UNREADABLE']);
  });
});

describe('IdCardVerification', () => {
  it('answers the contract register’s answer for each of its magic names', async () => {
    const tencent = tencentIdentityRegister(settings);
    const contract = httpIdentityRegister(baseUrl);
    for (const rule of [...catalogue.providers.identity.rules, catalogue.providers.identity.otherwise]) {
      const { name, idNumber } = rule.example;
      if (rule.retryable) {
        expect((await failureOf(tencent.verify(name, idNumber))).nonRetryable, name).toBe(false);
      } else {
        expect(await tencent.verify(name, idNumber), name).toBe(await contract.verify(name, idNumber));
      }
    }
  });

  it('a daily limit, a malformed ID number and an unknown result fail for good, each named', async () => {
    const register = tencentIdentityRegister(settings);
    const { idNumber } = newPerson();
    const cases = [
      ['张TC:-7', TENCENT_FAILURES.DAILY_LIMIT],
      ['张TC:-2', TENCENT_FAILURES.INPUT_REFUSED],
      ['张TC:-99', TENCENT_FAILURES.UNKNOWN_RESULT],
    ] as const;
    for (const [name, type] of cases) {
      const failure = await failureOf(register.verify(name, idNumber));
      expect({ type: failure.type, nonRetryable: failure.nonRetryable }, name).toEqual({
        type,
        nonRetryable: true,
      });
    }
    expect((await failureOf(register.verify('张TC:-6', idNumber))).nonRetryable).toBe(false);
    expect((await failureOf(register.verify('张TC:RequestLimitExceeded', idNumber))).nonRetryable).toBe(
      false,
    );
  });
});

describe('BankCardVerification', () => {
  it('answers the contract’s three-element answer for each magic card suffix', async () => {
    const tencent = tencentUnionPay(settings, httpUnionPay(baseUrl));
    const contract = httpUnionPay(baseUrl);
    const suffixes = [...catalogue.providers.fourElements.rules.map((r) => r.cardSuffix), undefined];
    for (const suffix of suffixes) {
      if (suffix === '0009') continue; // always busy: below
      const person = newPerson();
      // Each adapter its own card: the sandbox counts checks per card.
      const [mine, theirs] = [newCard(suffix), newCard(suffix)];
      const expected = await contract.checkThreeElements(person, theirs, `k-${theirs}`).catch(() => 'RETRY');
      const got = await tencent.checkThreeElements(person, mine, 'unused').catch(() => 'RETRY');
      if (suffix === '0010') {
        // Busy first, then a match: the workflow retries it; the second ask matches in both.
        expect([expected, got]).toEqual(['RETRY', 'RETRY']);
        expect(await tencent.checkThreeElements(person, mine, 'unused')).toBe(
          await contract.checkThreeElements(person, theirs, `k-${theirs}`),
        );
      } else {
        expect(got, suffix ?? 'no suffix').toBe(expected);
      }
    }
    const busy = await failureOf(tencent.checkThreeElements(newPerson(), newCard('0009'), 'unused'));
    expect(busy.nonRetryable).toBe(false);
  });

  it('maps the codes the contract has no word for', async () => {
    const unionPay = tencentUnionPay(settings, httpUnionPay(baseUrl));
    const { idNumber } = newPerson();
    expect(await unionPay.checkThreeElements({ name: '张TC:-5', idNumber }, newCard(), 'k')).toBe('MISMATCH');
    expect(await unionPay.checkThreeElements({ name: '张TC:-10', idNumber }, newCard(), 'k')).toBe(
      'CARD_RESTRICTED',
    );
    expect(await unionPay.checkThreeElements({ name: '张TC:-18', idNumber }, newCard(), 'k')).toBe(
      'DAILY_CHECKS_EXCEEDED',
    );
    expect(
      (await failureOf(unionPay.checkThreeElements({ name: '张TC:-17', idNumber }, newCard(), 'k')))
        .nonRetryable,
    ).toBe(false);
    const unknown = await failureOf(
      unionPay.checkThreeElements({ name: '张TC:-42', idNumber }, newCard(), 'k'),
    );
    expect(unknown.type).toBe(TENCENT_FAILURES.UNKNOWN_RESULT);
  });
});

describe('ImageRecognition', () => {
  it('comes to the contract face check’s step result for each selfie marker', async () => {
    const tencent = tencentFaceVerifier(settings);
    const contract = httpFaceVerifier(baseUrl);
    for (const entry of catalogue.providers.face.entries) {
      if (!entry.marker) continue;
      const selfie = makeSelfieImage(entry.marker);
      const { idNumber, name } = newPerson();
      const expected = classifyFace(await contract.verify(selfie, idNumber, `k-${idNumber}`));
      expect(classifyFace(await tencent.verify(selfie, idNumber, 'unused', name)), entry.name).toEqual(
        expected,
      );
    }
  });

  it('a selfie it cannot compare and an unknown result go to review; an engine error is retried', async () => {
    const face = tencentFaceVerifier(settings);
    const selfie = makeSelfieImage({ face: 'PASS' });
    const { idNumber, name } = newPerson();
    const said = (result: string) =>
      face.verify(withTail(selfie, `TENCENTCLOUD-FACE:{"result":"${result}"}`), idNumber, 'k', name);
    for (const code of [
      'FailedOperation.IdPhotoNoExist',
      'FailedOperation.LifePhotoDetectNoFaces',
      'FailedOperation.Odd',
    ]) {
      expect(classifyFace(await said(code)).outcome, code).toBe('REVIEW');
    }
    expect((await failureOf(said('FailedOperation.CompareSystemError'))).nonRetryable).toBe(false);
  });

  it('refuses to compare without the name, for good', async () => {
    const failure = await failureOf(
      tencentFaceVerifier(settings).verify(makeSelfieImage({ face: 'PASS' }), '11010119900307002X', 'k'),
    );
    expect(failure.type).toBe(TENCENT_FAILURES.INPUT_REFUSED);
  });
});

describe('signature and clock', () => {
  it('a wrong secret key, an unknown SecretId and a stale clock fail for good as refused authentication, naming no credential', async () => {
    const person = newPerson('李雷');
    const wrongKey = { ...settings, secretKey: 'not-the-sandbox-key-0123456789' };
    const wrongId = { ...settings, secretId: 'AKIDnot-known-0123' };
    const failures = [
      await failureOf(tencentIdentityRegister(wrongKey).verify(person.name, person.idNumber)),
      await failureOf(tencentIdentityRegister(wrongId).verify(person.name, person.idNumber)),
    ];
    skewMs = 10 * 60_000;
    try {
      failures.push(await failureOf(tencentIdentityRegister(settings).verify(person.name, person.idNumber)));
    } finally {
      skewMs = 0;
    }
    expect(failures.map((f) => [f.type, f.nonRetryable])).toEqual(
      Array(3).fill([TENCENT_FAILURES.AUTH, true]),
    );
    expect(failures.map((f) => f.message)).toEqual([
      'Tencent Cloud IdCardVerification: AuthFailure.SignatureFailure',
      'Tencent Cloud IdCardVerification: AuthFailure.SecretIdNotFound',
      'Tencent Cloud IdCardVerification: AuthFailure.SignatureExpire',
    ]);
    const secrets = [
      settings.secretKey,
      settings.secretId,
      wrongKey.secretKey,
      wrongId.secretId,
      person.name,
      person.idNumber,
    ];
    const said = [...failures.map((f) => `${f.message} ${f.stack ?? ''}`), ...logLines].join('\n');
    expect(logLines.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(said).not.toContain(secret);
  });
});

describe('malformed answers', () => {
  let stub: Server;
  let answer: { status: number; body: string } = { status: 200, body: '' };
  let stubSettings: TencentCloudSettings;

  beforeAll(async () => {
    stub = createServer((_req, res) => {
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    stubSettings = { ...settings, endpoint: `http://127.0.0.1:${(stub.address() as AddressInfo).port}/` };
  });
  afterAll(() => new Promise<void>((resolve) => stub.close(() => resolve())));

  const cases: Array<[string, string, string]> = [
    ['not JSON', '<html>oops</html>', 'answer is not JSON (status 200)'],
    ['no Response', '{"Result":"0"}', 'answer has no Response'],
    [
      'an error without a code',
      '{"Response":{"Error":{"Message":"x"},"RequestId":"r"}}',
      'Response.Error has no Code',
    ],
    ['no Result', '{"Response":{"RequestId":"r"}}', 'no Result'],
  ];
  for (const [what, body, message] of cases) {
    it(`the register's answer with ${what} fails for good as malformed`, async () => {
      answer = { status: 200, body };
      const failure = await failureOf(
        tencentIdentityRegister(stubSettings).verify('张三', '11010119900307002X'),
      );
      expect([failure.type, failure.nonRetryable, failure.message]).toEqual([
        TENCENT_FAILURES.MALFORMED,
        true,
        `Tencent Cloud IdCardVerification: ${message}`,
      ]);
    });
  }

  it('an OCR answer without AdvancedInfo, or with AdvancedInfo that is not JSON, fails for good as malformed', async () => {
    const reader = tencentIdCardReader(stubSettings);
    const image = makeIdCardImage({ side: 'FRONT', name: '张三', idNumber: '11010119900307002X' });
    answer = {
      status: 200,
      body: '{"Response":{"Name":"张三","IdNum":"11010119900307002X","RequestId":"r"}}',
    };
    expect((await failureOf(reader.read('FRONT', image))).type).toBe(TENCENT_FAILURES.MALFORMED);
    answer = { status: 200, body: '{"Response":{"Name":"张三","AdvancedInfo":"{oops","RequestId":"r"}}' };
    expect((await failureOf(reader.read('FRONT', image))).message).toBe(
      'Tencent Cloud IDCardOCR: AdvancedInfo is not JSON',
    );
  });

  it('a face answer of Success without Sim fails for good as malformed', async () => {
    answer = { status: 200, body: '{"Response":{"Result":"Success","RequestId":"r"}}' };
    const failure = await failureOf(
      tencentFaceVerifier(stubSettings).verify(
        makeSelfieImage({ face: 'PASS' }),
        '11010119900307002X',
        'k',
        '张三',
      ),
    );
    expect(failure.type).toBe(TENCENT_FAILURES.MALFORMED);
  });

  it('a 5xx is retried', async () => {
    answer = { status: 502, body: '' };
    expect(
      (await failureOf(tencentIdentityRegister(stubSettings).verify('张三', '11010119900307002X')))
        .nonRetryable,
    ).toBe(false);
  });
});
