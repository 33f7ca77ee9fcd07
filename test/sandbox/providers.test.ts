import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { smsInboxResponseSchema } from '../../contracts/providers';
import { catalogue } from '../../sandbox/catalogue';
import { buildProvidersSandbox, type ProvidersSandboxOptions } from '../../sandbox/providers/app';
import { manualClock, tempDir } from './helpers';

const dir = tempDir();
const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
afterAll(() => dir.remove());

function sandbox(opts: Partial<ProvidersSandboxOptions> = {}) {
  const app = buildProvidersSandbox({ dbFile: dir.dbFile(), ...opts });
  apps.push(app);
  return app;
}

const MATCH_CARD = catalogue.providers.fourElements.otherwise.exampleCardNumber;
const person = { name: '张三', idNumber: '11010119900307002X' };
const checkBody = (overrides: Record<string, string> = {}) => ({
  ...person,
  cardNumber: MATCH_CARD,
  mobile: '13800138000',
  ...overrides,
});

const check = (app: FastifyInstance, body: object, key?: string) =>
  app.inject({
    method: 'POST',
    url: '/unionpay/v1/four-elements',
    payload: body,
    headers: key === undefined ? {} : { 'idempotency-key': key },
  });

const confirm = (app: FastifyInstance, verificationId: string, code: string) =>
  app.inject({ method: 'POST', url: '/unionpay/v1/sms-confirm', payload: { verificationId, code } });

const inbox = (app: FastifyInstance, mobile: string) =>
  app.inject({ method: 'GET', url: `/sandbox/sms?mobile=${mobile}` });

describe('four elements', () => {
  it('on a match sends a 6-digit code the inbox shows', async () => {
    const app = sandbox();
    const res = await check(app, checkBody(), 'k1');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      result: 'MATCH',
      verificationId: expect.any(String),
      codeExpiresAt: expect.any(String),
    });
    const sms = smsInboxResponseSchema.parse((await inbox(app, '13800138000')).json());
    expect(sms.code).toMatch(/^\d{6}$/);
    expect(sms.code).not.toBe('000000');
    expect((await inbox(app, '13900000000')).statusCode).toBe(404);
  });

  it('the same key answers the same verification and sends no second code', async () => {
    const app = sandbox();
    const first = await check(app, checkBody(), 'k1');
    const firstSms = (await inbox(app, '13800138000')).json();
    const second = await check(app, checkBody(), 'k1');
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect((await inbox(app, '13800138000')).json()).toEqual(firstSms);
    // The original code still confirms: no new code replaced it.
    expect((await confirm(app, first.json().verificationId, firstSms.code)).json()).toEqual({ result: 'OK' });
  });

  it('a new key is a new check with a new code', async () => {
    const app = sandbox();
    const first = await check(app, checkBody(), 'k1');
    const second = await check(app, checkBody(), 'k2');
    expect(second.json().verificationId).not.toBe(first.json().verificationId);
  });

  it('refuses the same key with another body (422) and sends nothing', async () => {
    const app = sandbox();
    await check(app, checkBody(), 'k1');
    const before = (await inbox(app, '13800138000')).json();
    const res = await check(app, checkBody({ mobile: '13900000000' }), 'k1');
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await inbox(app, '13900000000')).statusCode).toBe(404);
    expect((await inbox(app, '13800138000')).json()).toEqual(before);
  });

  it('requires an Idempotency-Key', async () => {
    const res = await check(sandbox(), checkBody());
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('Idempotency-Key');
  });

  it('allows five checks per card in 24 hours; replays do not count', async () => {
    const clock = manualClock();
    const app = sandbox({ now: clock.now });
    const limit = catalogue.providers.fourElements.dailyChecksPerCard;
    const answers: string[] = [];
    for (let i = 1; i <= limit; i++) {
      answers.push((await check(app, checkBody(), `k${i}`)).json().result);
      answers.push((await check(app, checkBody(), `k${i}`)).json().result); // a replay
    }
    expect(answers.every((result) => result === 'MATCH')).toBe(true);

    const over = await check(app, checkBody(), 'k-over');
    expect(over.json()).toEqual({ result: 'DAILY_CHECKS_EXCEEDED' });
    // An earlier key still replays its match; another card is not affected.
    expect((await check(app, checkBody(), 'k1')).json().result).toBe('MATCH');
    expect(
      (await check(app, checkBody({ cardNumber: '6217001234571242' }), 'other-card')).json().result,
    ).toBe('MATCH');
    // The answer is recorded for its key, even once the window has passed.
    clock.advance(24 * 3600_000 + 1);
    expect((await check(app, checkBody(), 'k-over')).json().result).toBe('DAILY_CHECKS_EXCEEDED');
    expect((await check(app, checkBody(), 'k-next-day')).json().result).toBe('MATCH');
  });

  it('busy answers (card ending 0009) count no check and send nothing', async () => {
    const app = sandbox();
    const busyCard = catalogue.providers.fourElements.rules.find(
      (r) => r.cardSuffix === '0009',
    )!.exampleCardNumber;
    for (let i = 0; i < 10; i++) {
      const res = await check(app, checkBody({ cardNumber: busyCard }), `busy-${i}`);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ result: 'BUSY' });
    }
    expect((await inbox(app, '13800138000')).statusCode).toBe(404);
  });

  it('card ending 0010 is busy once per key, then matches; a fresh key is busy again', async () => {
    const app = sandbox();
    const card = catalogue.providers.fourElements.rules.find(
      (r) => r.cardSuffix === '0010',
    )!.exampleCardNumber;
    expect((await check(app, checkBody({ cardNumber: card }), 'a')).statusCode).toBe(503);
    const retry = await check(app, checkBody({ cardNumber: card }), 'a');
    expect(retry.json()).toMatchObject({ result: 'MATCH', verificationId: expect.any(String) });
    expect((await check(app, checkBody({ cardNumber: card }), 'b')).statusCode).toBe(503);
  });
});

describe('SMS confirm', () => {
  async function matched(app: FastifyInstance) {
    const verificationId = (await check(app, checkBody(), 'k1')).json().verificationId as string;
    const code = (await inbox(app, '13800138000')).json().code as string;
    return { verificationId, code };
  }
  const other = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('OK for the code sent, WRONG_CODE for another, and OK again when retried', async () => {
    const app = sandbox();
    const { verificationId, code } = await matched(app);
    expect(
      (await confirm(app, verificationId, other(code) === '000000' ? '000001' : other(code))).json(),
    ).toEqual({
      result: 'WRONG_CODE',
    });
    expect((await confirm(app, verificationId, code)).json()).toEqual({ result: 'OK' });
    expect((await confirm(app, verificationId, code)).json()).toEqual({ result: 'OK' });
  });

  it('000000 is always EXPIRED', async () => {
    const app = sandbox();
    const { verificationId } = await matched(app);
    expect((await confirm(app, verificationId, '000000')).json()).toEqual({ result: 'EXPIRED' });
  });

  it('the right code is EXPIRED once its lifetime has passed', async () => {
    const clock = manualClock();
    const app = sandbox({ now: clock.now, smsCodeTtlSeconds: 1 });
    const { verificationId, code } = await matched(app);
    clock.advance(999);
    expect((await confirm(app, verificationId, code)).json()).toEqual({ result: 'OK' });
    clock.advance(1);
    expect((await confirm(app, verificationId, code)).json()).toEqual({ result: 'EXPIRED' });
    expect((await confirm(app, verificationId, other(code))).json()).toEqual({ result: 'EXPIRED' });
  });

  it('an unknown verificationId is 404', async () => {
    const res = await confirm(sandbox(), 'no-such-verification', '123456');
    expect(res.statusCode).toBe(404);
  });

  it("the code's expiry is in the match's answer: the lifetime the application waits for", async () => {
    const clock = manualClock();
    const app = sandbox({ now: clock.now, smsCodeTtlSeconds: 90 });
    const answer = (await check(app, checkBody(), 'k1')).json();
    expect(Date.parse(answer.codeExpiresAt) - clock.now().getTime()).toBe(90_000);
  });
});

describe('SMS resend', () => {
  const resend = (app: FastifyInstance, verificationId: string, key?: string) =>
    app.inject({
      method: 'POST',
      url: '/unionpay/v1/sms-resend',
      payload: { verificationId },
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });

  it('sends a new code for the same verification with a new lifetime; the old code stops counting', async () => {
    const clock = manualClock();
    const app = sandbox({ now: clock.now, smsCodeTtlSeconds: 60 });
    const { verificationId } = (await check(app, checkBody(), 'k1')).json();
    const first = (await inbox(app, '13800138000')).json().code as string;
    clock.advance(50_000);
    const res = await resend(app, verificationId, 'r1');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      result: 'SENT',
      codeExpiresAt: new Date(clock.now().getTime() + 60_000).toISOString(),
    });
    const second = (await inbox(app, '13800138000')).json().code as string;
    // The same key again sends nothing more.
    expect((await resend(app, verificationId, 'r1')).json()).toEqual(res.json());
    expect((await inbox(app, '13800138000')).json().code).toBe(second);
    clock.advance(30_000); // past the first code's lifetime, within the second's
    if (first !== second) {
      expect((await confirm(app, verificationId, first)).json()).toEqual({ result: 'WRONG_CODE' });
    }
    expect((await confirm(app, verificationId, second)).json()).toEqual({ result: 'OK' });
  });

  it('needs an Idempotency-Key and a known verification', async () => {
    const app = sandbox();
    const { verificationId } = (await check(app, checkBody(), 'k1')).json();
    expect((await resend(app, verificationId)).statusCode).toBe(400);
    expect((await resend(app, 'no-such-verification', 'r1')).statusCode).toBe(404);
  });
});

describe('identity', () => {
  it('matches any name without a magic word, rare characters and middle dots included', async () => {
    const app = sandbox();
    for (const name of ['张三', '阿依古丽·买买提', '𠮷野家']) {
      const res = await app.inject({
        method: 'POST',
        url: '/identity/v1/verify',
        payload: { ...person, name },
      });
      expect(res.json()).toEqual({ result: 'MATCH' });
    }
  });
});

describe('app webhook', () => {
  const event = (eventId: string, applicationId: string) => ({
    eventId,
    type: 'ACCOUNT_OPENED',
    applicationId,
    occurredAt: '2025-03-01T08:00:00.000Z',
    data: { accountNumber: '6230000000000000000' },
  });
  const deliver = (app: FastifyInstance, body: object) =>
    app.inject({ method: 'POST', url: '/sandbox/app-webhook', payload: body });
  const events = async (app: FastifyInstance, applicationId: string) =>
    (
      await app.inject({ method: 'GET', url: `/sandbox/app-webhook/events?applicationId=${applicationId}` })
    ).json().events;

  it('stores an event once per eventId, counts deliveries, and lists in arrival order', async () => {
    const app = sandbox();
    expect((await deliver(app, event('e1', 'app-1'))).statusCode).toBe(200);
    expect((await deliver(app, event('e2', 'app-1'))).statusCode).toBe(200);
    const again = await deliver(app, event('e1', 'app-1'));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ok: true, deliveries: 2 });
    await deliver(app, event('e3', 'app-2'));

    expect(await events(app, 'app-1')).toEqual([
      { ...event('e1', 'app-1'), deliveries: 2, inbox: 'bank' },
      { ...event('e2', 'app-1'), deliveries: 1, inbox: 'bank' },
    ]);
    expect((await events(app, 'app-2')).map((e: { eventId: string }) => e.eventId)).toEqual(['e3']);
    expect(await events(app, 'app-unknown')).toEqual([]);
  });

  it('refuses a body that is not an app event', async () => {
    const res = await deliver(sandbox(), { eventId: 'e1', type: 'SOMETHING_ELSE' });
    expect(res.statusCode).toBe(400);
  });
});

describe('faults', () => {
  it('default to zero and are settable at startup and over HTTP', async () => {
    expect((await sandbox().inject({ method: 'GET', url: '/sandbox/faults' })).json()).toEqual({
      latencyMs: 0,
      errorRate: 0,
      timeoutRate: 0,
      refuse: [],
    });
    const app = sandbox({ faults: { errorRate: 0.25 } });
    expect((await app.inject({ method: 'GET', url: '/sandbox/faults' })).json().errorRate).toBe(0.25);
    const bad = await app.inject({ method: 'PUT', url: '/sandbox/faults', payload: { errorRate: 2 } });
    expect(bad.statusCode).toBe(400);
    const typo = await app.inject({ method: 'PUT', url: '/sandbox/faults', payload: { errorrate: 1 } });
    expect(typo.statusCode).toBe(400);
  });

  it('errorRate 1 fails every vendor route with a busy 503, leaves sandbox routes alone, records nothing', async () => {
    const app = sandbox();
    await app.inject({ method: 'PUT', url: '/sandbox/faults', payload: { errorRate: 1 } });
    for (const url of ['/ocr/v1/id-card', '/identity/v1/verify', '/unionpay/v1/four-elements']) {
      const res = await app.inject({
        method: 'POST',
        url,
        payload: checkBody(),
        headers: { 'idempotency-key': 'k' },
      });
      expect(res.statusCode, url).toBe(503);
      expect(res.json()).toEqual({ result: 'BUSY' });
    }
    expect((await inbox(app, '13800138000')).statusCode).toBe(404);
    await app.inject({ method: 'PUT', url: '/sandbox/faults', payload: {} });
    // The failed call left no idempotency record: the retry is checked for real.
    expect((await check(app, checkBody(), 'k')).json().result).toBe('MATCH');
  });

  it('refuse answers 422 REFUSED for the named vendors only, records nothing, and heals', async () => {
    const app = sandbox();
    const put = await app.inject({
      method: 'PUT',
      url: '/sandbox/faults',
      payload: { refuse: ['unionpay'] },
    });
    expect(put.json().refuse).toEqual(['unionpay']);
    const refused = await check(app, checkBody(), 'k');
    expect(refused.statusCode).toBe(catalogue.faults.answer.status);
    expect(refused.json()).toMatchObject(catalogue.faults.answer.body);
    expect((await inbox(app, '13800138000')).statusCode).toBe(404);
    const identity = await app.inject({ method: 'POST', url: '/identity/v1/verify', payload: person });
    expect(identity.json()).toEqual({ result: 'MATCH' });
    // sms: the code's confirmation and re-sending, not the element checks.
    await app.inject({ method: 'PUT', url: '/sandbox/faults', payload: { refuse: ['sms', 'identity'] } });
    const matched = await check(app, checkBody(), 'k');
    expect(matched.json().result).toBe('MATCH');
    const code = (await inbox(app, '13800138000')).json().code as string;
    expect((await confirm(app, matched.json().verificationId, code)).statusCode).toBe(422);
    const resent = await app.inject({
      method: 'POST',
      url: '/unionpay/v1/sms-resend',
      payload: { verificationId: matched.json().verificationId },
      headers: { 'idempotency-key': 'r' },
    });
    expect(resent.statusCode).toBe(422);
    expect(
      (await app.inject({ method: 'POST', url: '/identity/v1/verify', payload: person })).statusCode,
    ).toBe(422);
    await app.inject({ method: 'PUT', url: '/sandbox/faults', payload: {} });
    expect((await confirm(app, matched.json().verificationId, code)).json()).toEqual({ result: 'OK' });
  });

  it("refuse names only the providers' operations", async () => {
    const res = await sandbox().inject({
      method: 'PUT',
      url: '/sandbox/faults',
      payload: { refuse: ['bind'] },
    });
    expect(res.statusCode).toBe(400);
    expect(catalogue.faults.refuse.providers).toEqual([
      'ocr',
      'identity',
      'watchlist',
      'punishment-list',
      'unionpay',
      'face',
      'sms',
    ]);
    for (const name of catalogue.faults.refuse.providers) {
      const ok = await sandbox().inject({
        method: 'PUT',
        url: '/sandbox/faults',
        payload: { refuse: [name] },
      });
      expect(ok.statusCode, name).toBe(200);
    }
  });

  it('timeoutRate 1 hangs, then answers 504', async () => {
    const app = sandbox({ faults: { timeoutRate: 1 }, faultHangMs: 20 });
    const res = await app.inject({ method: 'POST', url: '/identity/v1/verify', payload: person });
    expect(res.statusCode).toBe(504);
  });
});

describe('persistence', () => {
  it('keeps codes, idempotency records, card counters and webhook events across a restart', async () => {
    const dbFile = dir.dbFile();
    const clock = manualClock();
    const first = buildProvidersSandbox({ dbFile, now: clock.now });
    const limit = catalogue.providers.fourElements.dailyChecksPerCard;
    const matches = [];
    for (let i = 1; i <= limit; i++) matches.push((await check(first, checkBody(), `k${i}`)).json());
    const sms = (await inbox(first, '13800138000')).json();
    await first.inject({
      method: 'POST',
      url: '/sandbox/app-webhook',
      payload: {
        eventId: 'e1',
        type: 'APPLICATION_REJECTED',
        applicationId: 'a1',
        occurredAt: 'now',
        data: {},
      },
    });
    await first.close();

    const second = sandbox({ dbFile, now: clock.now });
    expect((await check(second, checkBody(), 'k1')).json()).toEqual(matches[0]);
    expect((await check(second, checkBody(), 'k-over')).json().result).toBe('DAILY_CHECKS_EXCEEDED');
    expect((await inbox(second, '13800138000')).json()).toEqual(sms);
    expect((await confirm(second, matches.at(-1).verificationId, sms.code)).json()).toEqual({ result: 'OK' });
    const events = (
      await second.inject({ method: 'GET', url: '/sandbox/app-webhook/events?applicationId=a1' })
    ).json();
    expect(events.events).toHaveLength(1);
  });
});
