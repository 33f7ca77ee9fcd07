/**
 * The bank's own SMS one-time codes (agreement signing) over real HTTP: each test's providers
 * sandbox listens on a free port with a hand-driven clock, and the calls go through the
 * production adapter (adapters/http/providers.ts), so its mapping of answers is tested too, and
 * through plain fetch where the wire itself is the point.
 */
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { REFUSED } from '../../adapters/http/json-client';
import { httpBankSms } from '../../adapters/http/providers';
import type { BankSms } from '../../adapters/ports';
import { otpSendResponseSchema, smsInboxResponseSchema } from '../../contracts/providers';
import { catalogue } from '../../sandbox/catalogue';
import { buildProvidersSandbox, type ProvidersSandboxOptions } from '../../sandbox/providers/app';
import { manualClock, tempDir } from './helpers';

const dir = tempDir();
const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
afterAll(() => dir.remove());

interface Running {
  url: string;
  sms: BankSms;
  clock: ReturnType<typeof manualClock>;
}

async function sandbox(opts: Partial<ProvidersSandboxOptions> = {}): Promise<Running> {
  const clock = manualClock();
  const app = buildProvidersSandbox({ dbFile: dir.dbFile(), now: clock.now, ...opts });
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { url, sms: httpBankSms(url), clock };
}

const MOBILE = '13700137000';

const post = (url: string, body: unknown, key?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key !== undefined && { 'idempotency-key': key }) },
    body: JSON.stringify(body),
  });

async function inbox(url: string, mobile = MOBILE) {
  const res = await fetch(`${url}/sandbox/sms?mobile=${mobile}`);
  return res.ok ? smsInboxResponseSchema.parse(await res.json()) : undefined;
}

/** A code that is not the one sent (nor a magic one). */
const other = (code: string) => (code === '111111' ? '222222' : '111111');

describe('sending a code', () => {
  it('answers 201 {otpId, expiresAt} 300 s ahead and the SMS inbox shows a 6-digit code for the mobile', async () => {
    const { url, clock } = await sandbox();
    const res = await post(`${url}/sms/v1/otp`, { mobile: MOBILE, purpose: 'AGREEMENT_SIGNING' }, 'k1');
    expect(res.status).toBe(201);
    const sent = otpSendResponseSchema.parse(await res.json());
    expect(Date.parse(sent.expiresAt) - clock.now().getTime()).toBe(
      catalogue.providers.bankOtp.defaultCodeTtlSeconds * 1000,
    );
    const sms = await inbox(url);
    expect(sms?.code).toMatch(/^\d{6}$/);
    expect(sms?.code).not.toBe('000000');
    expect(await inbox(url, '13700137001')).toBeUndefined();
  });

  it('the same Idempotency-Key answers the same otp and sends no second code; a new key sends a new one', async () => {
    const { url, sms, clock } = await sandbox();
    const first = await sms.sendOtp(MOBILE, 'AGREEMENT_SIGNING', 'agr-1:otp:1');
    const sentAt = (await inbox(url))?.sentAt;
    clock.advance(10_000);
    expect(await sms.sendOtp(MOBILE, 'AGREEMENT_SIGNING', 'agr-1:otp:1')).toEqual(first);
    expect((await inbox(url))?.sentAt).toBe(sentAt);
    // A new key is a new code.
    const second = await sms.sendOtp(MOBILE, 'AGREEMENT_SIGNING', 'agr-1:otp:2');
    expect(second.otpId).not.toBe(first.otpId);
    expect((await inbox(url))?.sentAt).not.toBe(sentAt);
  });

  it('the same key with another mobile is 422 IDEMPOTENCY_KEY_REUSED and sends nothing', async () => {
    const { url } = await sandbox();
    await post(`${url}/sms/v1/otp`, { mobile: MOBILE, purpose: 'AGREEMENT_SIGNING' }, 'k1');
    const reused = await post(
      `${url}/sms/v1/otp`,
      { mobile: '13700137001', purpose: 'AGREEMENT_SIGNING' },
      'k1',
    );
    expect(reused.status).toBe(422);
    expect(((await reused.json()) as { error: string }).error).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await inbox(url, '13700137001')).toBeUndefined();
  });

  it('needs an Idempotency-Key and a known purpose (400)', async () => {
    const { url } = await sandbox();
    expect((await post(`${url}/sms/v1/otp`, { mobile: MOBILE, purpose: 'AGREEMENT_SIGNING' })).status).toBe(
      400,
    );
    expect((await post(`${url}/sms/v1/otp`, { mobile: MOBILE, purpose: 'LOGIN' }, 'k')).status).toBe(400);
    expect(await inbox(url)).toBeUndefined();
  });

  it('takes the lifetime from the otpTtlSeconds option', async () => {
    const { sms, clock } = await sandbox({ otpTtlSeconds: 45 });
    const { expiresAt } = await sms.sendOtp(MOBILE, 'AGREEMENT_SIGNING', 'k1');
    expect(Date.parse(expiresAt) - clock.now().getTime()).toBe(45_000);
  });
});

describe('verifying a code', () => {
  async function sent(opts: Partial<ProvidersSandboxOptions> = {}) {
    const running = await sandbox(opts);
    const { otpId } = await running.sms.sendOtp(MOBILE, 'AGREEMENT_SIGNING', 'k1');
    const code = (await inbox(running.url))!.code;
    return { ...running, otpId, code };
  }

  it('the code the inbox shows is MATCH, and MATCH again when the verify is retried', async () => {
    const { sms, otpId, code } = await sent();
    expect(await sms.verifyOtp(otpId, code)).toBe('MATCH');
    expect(await sms.verifyOtp(otpId, code)).toBe('MATCH');
  });

  it('a wrong code is MISMATCH, and the right one still matches afterwards', async () => {
    const { sms, otpId, code } = await sent();
    expect(await sms.verifyOtp(otpId, other(code))).toBe('MISMATCH');
    expect(await sms.verifyOtp(otpId, code)).toBe('MATCH');
  });

  it('any code is EXPIRED once the lifetime has passed, the right one included', async () => {
    const { sms, otpId, code, clock } = await sent({ otpTtlSeconds: 2 });
    clock.advance(1_999);
    expect(await sms.verifyOtp(otpId, other(code))).toBe('MISMATCH');
    clock.advance(1);
    expect(await sms.verifyOtp(otpId, code)).toBe('EXPIRED');
    expect(await sms.verifyOtp(otpId, other(code))).toBe('EXPIRED');
  });

  it('a code that matched stays MATCH after the lifetime: a late retry never flips it to EXPIRED', async () => {
    const { sms, otpId, code, clock } = await sent({ otpTtlSeconds: 2 });
    expect(await sms.verifyOtp(otpId, code)).toBe('MATCH');
    clock.advance(60_000);
    expect(await sms.verifyOtp(otpId, code)).toBe('MATCH');
    expect(await sms.verifyOtp(otpId, other(code))).toBe('EXPIRED');
  });

  it('000000, the only magic code, answers EXPIRED even within the lifetime', async () => {
    const { sms, otpId } = await sent();
    for (const rule of catalogue.providers.bankOtp.rules) {
      expect(await sms.verifyOtp(otpId, rule.code)).toBe(rule.answer.body.result);
    }
    expect(catalogue.providers.bankOtp.rules.map((rule) => rule.code)).toEqual(['000000']);
  });

  it('an unknown otpId is 404 OTP_NOT_FOUND, a contract error of the adapter (never retried)', async () => {
    const { url, sms } = await sandbox();
    const res = await post(`${url}/sms/v1/otp/verify`, { otpId: 'no-such-otp', code: '123456' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toBe('OTP_NOT_FOUND');
    const failure = await sms.verifyOtp('no-such-otp', '123456').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
  });

  it('an otp sent to another mobile is not matched by a code sent to this one', async () => {
    const { sms, url, code } = await sent();
    const { otpId: theirs } = await sms.sendOtp('13700137001', 'AGREEMENT_SIGNING', 'k2');
    const theirCode = (await inbox(url, '13700137001'))!.code;
    if (theirCode !== code) expect(await sms.verifyOtp(theirs, code)).toBe('MISMATCH');
    expect(await sms.verifyOtp(theirs, theirCode)).toBe('MATCH');
  });
});

describe('faults', () => {
  const faults = (url: string, body: object) =>
    fetch(`${url}/sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('refuse ["sms"] refuses sending and verifying as a refusal for good, sends nothing, and heals', async () => {
    const { url, sms } = await sandbox();
    const { otpId } = await sms.sendOtp(MOBILE, 'AGREEMENT_SIGNING', 'k1');
    const code = (await inbox(url))!.code;
    await faults(url, { refuse: ['sms'] });
    for (const call of [
      () => sms.sendOtp('13700137001', 'AGREEMENT_SIGNING', 'k2'),
      () => sms.verifyOtp(otpId, code),
    ]) {
      const failure = await call().catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect((failure as ApplicationFailure).type).toBe(REFUSED);
      expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    }
    expect(await inbox(url, '13700137001')).toBeUndefined();
    await faults(url, {});
    expect(await sms.verifyOtp(otpId, code)).toBe('MATCH');
  });

  it('errorRate 1 fails sending and verifying with a retryable failure, sending nothing', async () => {
    const { url, sms } = await sandbox();
    await faults(url, { errorRate: 1 });
    const failure = await sms.sendOtp(MOBILE, 'AGREEMENT_SIGNING', 'k1').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(false);
    const verify = await sms.verifyOtp('any', '123456').catch((err: unknown) => err);
    expect((verify as ApplicationFailure).nonRetryable).toBe(false);
    expect((await fetch(`${url}/sandbox/sms?mobile=${MOBILE}`)).status).toBe(404);
  });
});

describe('persistence', () => {
  it('keeps otps, their codes and the send idempotency across a restart', async () => {
    const dbFile = dir.dbFile();
    const first = await sandbox({ dbFile });
    const sentBefore = await first.sms.sendOtp(MOBILE, 'AGREEMENT_SIGNING', 'k1');
    const code = (await inbox(first.url))!.code;
    await apps.pop()!.close();
    const second = await sandbox({ dbFile });
    expect(await second.sms.sendOtp(MOBILE, 'AGREEMENT_SIGNING', 'k1')).toEqual(sentBefore);
    expect(await second.sms.verifyOtp(sentBefore.otpId, code)).toBe('MATCH');
  });
});
