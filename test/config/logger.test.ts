/** The logger is the backstop for "no personal data in logs". */
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { logger } from '../../config/logger';
import { sdkLogger } from '../../config/sdk-logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, log: logger({ logLevel: 'info' }, 'test', stream) };
}

describe('logger', () => {
  it('redacts personal fields wherever they sit', () => {
    const { lines, log } = capture();
    log.info({ applicant: { name: '张伟', idNumber: '11010519491231002X' }, mobile: '13800138000' }, 'x');
    log.info({ input: { cardNumber: '6222021234567890128', code: '123456' } }, 'y');
    const out = lines.join('');
    for (const secret of ['张伟', '11010519491231002X', '13800138000', '6222021234567890128', '123456']) {
      expect(out).not.toContain(secret);
    }
  });

  it("redacts flow v4's device data: the device, its id and the phone's IP address", () => {
    const { lines, log } = capture();
    log.info({ device: { deviceId: 'idfv-4b1c9e', platform: 'IOS', ip: '203.0.113.7' } }, 'x');
    log.info({ input: { deviceId: 'oaid-77aa01', ip: '2001:db8::7' } }, 'y');
    const out = lines.join('');
    for (const secret of ['idfv-4b1c9e', '203.0.113.7', 'oaid-77aa01', '2001:db8::7'])
      expect(out).not.toContain(secret);
  });

  it("redacts the agreement activities' personal inputs: the holder's elements, the mobile, the code and an otp", () => {
    const { lines, log } = capture();
    log.info(
      {
        input: {
          accountNumber: '6230123412341234123',
          holder: { name: '张伟', idNumber: '11010519491231002X', mobile: '13800138000' },
        },
      },
      'checkAgreementHolder',
    );
    log.info({ input: { agreementId: 'a1', mobile: '13800138001', attempt: 1 } }, 'sendAgreementCode');
    log.info({ input: { otpId: 'o1', code: '654321' }, otp: '765432' }, 'verifyAgreementCode');
    const out = lines.join('');
    for (const secret of [
      '张伟',
      '11010519491231002X',
      '13800138000',
      '13800138001',
      '6230123412341234123',
      '654321',
      '765432',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('o1');
  });

  it('logs requests by route pattern, never by their path or query', async () => {
    const { lines, log } = capture();
    const app = Fastify({ loggerInstance: log });
    app.get('/v1/accounts/:accountNumber', async () => ({}));
    await app.inject({ url: '/v1/accounts/6230123412341234123?mobile=13800138000' });
    const out = lines.join('');
    expect(out).toContain('/v1/accounts/:accountNumber');
    expect(out).not.toContain('6230123412341234123');
    expect(out).not.toContain('13800138000');
  });

  it('redacts personal fields at any depth, and digit runs in messages, errors and stacks', () => {
    const { lines, log } = capture();
    const deep = {
      a: { b: { c: { d: { e: { f: { applicant: { name: '阿依古丽' }, note: '她的证件' } } } } } },
    };
    log.info(deep, 'deep');
    log.warn({ list: [{ accountNumber: '6230123412341234123' }] }, 'account 6230123412341234123 held');
    const err = new Error('open 11010519491231002X failed for 13800138000');
    log.error({ err, nested: { err } }, 'failed');
    const out = lines.join('');
    for (const secret of [
      '阿依古丽',
      '她的证件',
      '6230123412341234123',
      '11010519491231002X',
      '13800138000',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('account [redacted] held');
    expect(out).toContain('"f":{"applicant":"[redacted]","note":"[redacted]"}');
  });

  it("carries the Temporal SDK's own lines, failures included, through the same redaction", () => {
    const { lines, log } = capture();
    const failure = new Error('POST /core/v1/accounts/6230123412341234123/holds answered 500');
    sdkLogger(log).warn('Activity failed', {
      error: failure,
      activityType: 'placeHold',
      mobile: '13800138000',
    });
    const out = lines.join('');
    expect(out).toContain('Activity failed');
    expect(out).toContain('placeHold');
    expect(out).not.toContain('6230123412341234123');
    expect(out).not.toContain('13800138000');
  });
});
