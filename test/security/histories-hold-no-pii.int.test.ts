/**
 * Every flow version and every review path runs with the production codec, then each history is
 * read from the server by a client that has no codec at all (what the server, its database, a
 * backup or an exported history holds). No applicant's name, ID number, mobile, card number, SMS
 * code or account number may appear in any payload, failure, memo or search attribute, nor
 * anywhere else in the history's bytes.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartApplicationRequest } from '../../domain/application';
import { onboardingWorkflowId, reviewWorkflowId } from '../../domain/workflow-ids';
import { EncryptionCodec, isEncrypted } from '../../encryption/codec';
import { recordedKeyring } from '../replay/recorded-keys';
import {
  type Harness,
  newApplication,
  newFlowApplication,
  readSmsCode,
  startHarness,
} from '../support/harness';
import { historiesDir } from '../support/histories';
import { newCard, newPerson } from '../support/people';
import { eventually, newPhotos } from '../support/review';
import { findLeaks, type Sensitive, sensitiveOf } from './pii';

interface Ran {
  name: string;
  workflowIds: string[];
  sensitive: Sensitive[];
  /** The harness that ran it (its client reaches the same server). */
  h: Harness;
}

let h: Harness;
let fast: Harness;
const ran: Ran[] = [];

beforeAll(async () => {
  [h, fast] = await Promise.all([
    startHarness({ smsCodeWaitSeconds: 2 }),
    startHarness({ review: { resubmissionDeadlineSeconds: 1 } }),
  ]);
});
afterAll(async () => {
  await Promise.all([h?.stop(), fast?.stop()]);
});

const partner = { partnerId: 'partner-x' };
const result = (hh: Harness, workflowId: string) => hh.client.workflow.getHandle(workflowId).result();
const approve = { decision: 'APPROVE', reasonCode: 'DOCUMENT_LEGIBLE_ON_INSPECTION' } as const;
const approveResubmitted = { decision: 'APPROVE', reasonCode: 'RESUBMITTED_DOCUMENT_VERIFIED' } as const;
const reject = {
  decision: 'REJECT',
  reasonCode: 'DOCUMENT_ILLEGIBLE',
  note: 'glare covers the number',
} as const;

/** Start, code (if the flow asks for one), to the end; what it learned is personal data too. */
async function openClean(hh: Harness, name: string, req: StartApplicationRequest, origin = {}) {
  const started = await hh.applications.start(req, origin);
  const smsCodes: string[] = [];
  let accountNumber = started.accountNumber;
  if (started.status === 'AWAITING_SMS_CODE') {
    const code = await readSmsCode(hh.providersUrl, req.applicant.mobile);
    smsCodes.push(code);
    const opened = await hh.applications.submitSmsCode(req.applicationId, code);
    if (opened.status === 'OPENED') accountNumber = opened.accountNumber;
  }
  const final = await result(hh, onboardingWorkflowId(req.applicationId));
  accountNumber ??= (final as { accountNumber?: string }).accountNumber;
  const r: Ran = {
    name,
    h: hh,
    workflowIds: [onboardingWorkflowId(req.applicationId)],
    sensitive: sensitiveOf(name, req, { smsCodes, accountNumber }),
  };
  ran.push(r);
  return { r, accountNumber, final };
}

/** A v3 application whose blurred photo opens the account with a review pending. */
async function openForReview(hh: Harness, name: string, person = newPerson()) {
  const req = await newApplication(hh.documents, { person, front: { quality: ['BLURRED'] } });
  const { r, final } = await openClean(hh, name, req);
  expect(final).toMatchObject({ status: 'OPENED', review: 'PENDING' });
  r.workflowIds.push(reviewWorkflowId(req.applicationId));
  return { req, r, reviewId: reviewWorkflowId(req.applicationId) };
}

describe('every flow version and review path', () => {
  it('runs v1, v2 and v3 applications to their ends', async () => {
    await Promise.all([
      (async () => {
        const { final } = await openClean(
          h,
          'v1-clean',
          await newFlowApplication(h.documents, 'v1', { person: newPerson('李秀英') }),
          partner,
        );
        expect(final.status).toBe('OPENED');
      })(),
      (async () => {
        const req = await newFlowApplication(h.documents, 'v2', {
          person: newPerson('王建国'),
          withoutMobile: true,
        });
        expect((await openClean(h, 'v2-clean', req, partner)).final.status).toBe('OPENED');
      })(),
      (async () => {
        const req = await newFlowApplication(h.documents, 'v2', { person: newPerson('陈思远') });
        expect((await openClean(h, 'v2-with-mobile', req, partner)).final.status).toBe('OPENED');
      })(),
      (async () => {
        const req = await newFlowApplication(h.documents, 'v2', {
          person: newPerson('刘海燕'),
          withoutMobile: true,
          face: 'SPOOF',
        });
        expect((await openClean(h, 'v2-face-spoof', req, partner)).final.status).toBe('REJECTED');
      })(),
      (async () => {
        const req = await newApplication(h.documents, { person: newPerson('赵志强') });
        expect((await openClean(h, 'v3-clean', req)).final.status).toBe('OPENED');
      })(),
      (async () => {
        const req = await newApplication(h.documents, {
          person: newPerson('欧阳不符'),
          card: newCard('0002'),
        });
        expect((await openClean(h, 'v3-rejected', req)).final.status).toBe('REJECTED');
      })(),
      (async () => {
        // A wrong code first: the codes travel as update arguments, the refusal as its answer.
        const req = await newApplication(h.documents, { person: newPerson('孙丽娜') });
        await h.applications.start(req);
        const right = await readSmsCode(h.providersUrl, req.applicant.mobile);
        const wrong = right === '111111' ? '222222' : '111111';
        await h.applications.submitSmsCode(req.applicationId, wrong);
        const opened = await h.applications.submitSmsCode(req.applicationId, right);
        await result(h, onboardingWorkflowId(req.applicationId));
        ran.push({
          name: 'v3-wrong-code-then-right',
          h,
          workflowIds: [onboardingWorkflowId(req.applicationId)],
          sensitive: sensitiveOf('v3-wrong-code-then-right', req, {
            smsCodes: [wrong, right],
            accountNumber: opened.status === 'OPENED' ? opened.accountNumber : undefined,
          }),
        });
      })(),
      (async () => {
        // No code ever comes: abandoned after the policy's wait.
        const req = await newApplication(h.documents, { person: newPerson('周文博') });
        await h.applications.start(req);
        const code = await readSmsCode(h.providersUrl, req.applicant.mobile);
        expect((await result(h, onboardingWorkflowId(req.applicationId))).status).toBe('ABANDONED');
        ran.push({
          name: 'v3-abandoned',
          h,
          workflowIds: [onboardingWorkflowId(req.applicationId)],
          sensitive: sensitiveOf('v3-abandoned', req, { smsCodes: [code] }),
        });
      })(),
    ]);
  });

  it('runs the review paths: approve; reject, re-submit, approve; reject, deadline, frozen', async () => {
    await Promise.all([
      (async () => {
        const { reviewId } = await openForReview(h, 'review-approved', newPerson('吴晓明'));
        await h.reviews.decide(reviewId, { round: 1, ...approve }, 'op-alice');
        expect((await result(h, reviewId)).status).toBe('CLEARED');
      })(),
      (async () => {
        const { req, reviewId } = await openForReview(h, 'review-rejected-resubmitted', newPerson('郑雨桐'));
        await h.reviews.decide(reviewId, { round: 1, ...reject }, 'op-alice');
        await h.reviews.resubmit(req.applicationId, await newPhotos(h, req.applicant, ['BLURRED']));
        await h.reviews.resubmit(req.applicationId, await newPhotos(h, req.applicant));
        await h.reviews.decide(reviewId, { round: 2, ...approveResubmitted }, 'op-bob');
        expect((await result(h, reviewId)).status).toBe('CLEARED');
      })(),
      (async () => {
        const { req, reviewId } = await openForReview(fast, 'review-frozen', newPerson('冯子涵'));
        await fast.reviews.decide(reviewId, { round: 1, ...reject }, 'op-alice');
        const frozen = await eventually(
          () => fast.reviews.get(reviewId),
          (c) => c.hold === 'FROZEN',
        );
        expect(frozen.hold).toBe('FROZEN');
        await fast.reviews.resubmit(req.applicationId, await newPhotos(fast, req.applicant));
        await fast.reviews.decide(reviewId, { round: 2, ...approveResubmitted }, 'op-bob');
        expect((await result(fast, reviewId)).status).toBe('CLEARED');
      })(),
    ]);
  });
});

interface Found {
  /** Where in the history, e.g. events[4].markerRecordedEventAttributes.details.data.payloads[0]. */
  path: string;
  payload?: { encrypted: boolean; data: Uint8Array; metadata: Record<string, Uint8Array> };
  failure?: { message: string; stackTrace: string };
}

/** Every payload and failure in a history, with its path. */
function walk(value: unknown, path: string, out: Found[]): Found[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return out;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) walk(v, `${path}[${i}]`, out);
    return out;
  }
  const o = value as Record<string, unknown>;
  if (o.data instanceof Uint8Array || (o.metadata && typeof o.metadata === 'object' && !('fields' in o))) {
    const metadata = (o.metadata ?? {}) as Record<string, Uint8Array>;
    const data = (o.data as Uint8Array | undefined) ?? new Uint8Array();
    out.push({ path, payload: { encrypted: isEncrypted({ metadata, data }), data, metadata } });
  }
  if (typeof o.message === 'string' || typeof o.stackTrace === 'string') {
    out.push({ path, failure: { message: String(o.message ?? ''), stackTrace: String(o.stackTrace ?? '') } });
  }
  for (const [k, v] of Object.entries(o)) walk(v, path ? `${path}.${k}` : k, out);
  return out;
}

/**
 * The plaintext payloads Temporal writes itself: search attributes (codes and flags only, never
 * encrypted by Temporal) and the SDK core's marker metadata, whose shape is fixed: a patch id, or
 * a local activity's sequence number, attempt, type and times (its result is encrypted).
 */
function writtenByTemporal(path: string, data: Uint8Array): boolean {
  if (/\.searchAttributes\.indexedFields\.\w+$/.test(path)) return true;
  const marker = /\.markerRecordedEventAttributes\.details\.(data|patch-data)\.payloads\[0\]$/.exec(
    path,
  )?.[1];
  if (!marker) return false;
  const keys = Object.keys(JSON.parse(Buffer.from(data).toString()) as object).sort();
  return marker === 'patch-data'
    ? keys.join() === 'deprecated,id'
    : keys.join() === 'activity_id,activity_type,attempt,backoff,complete_time,original_schedule_time,seq';
}

describe('read back with no codec', () => {
  it('no history holds personal data in plaintext, in any payload, failure, memo or search attribute', async () => {
    expect(ran.map((r) => r.name).sort()).toEqual(
      [
        'review-approved',
        'review-frozen',
        'review-rejected-resubmitted',
        'v1-clean',
        'v2-clean',
        'v2-face-spoof',
        'v2-with-mobile',
        'v3-abandoned',
        'v3-clean',
        'v3-rejected',
        'v3-wrong-code-then-right',
      ].sort(),
    );
    const allSensitive = ran.flatMap((r) => r.sensitive);
    // Six-digit codes turn up by chance among the digits of timestamps and ids: they are looked
    // for only where data could be (payload data, failure texts), the longer values everywhere.
    const long = allSensitive.filter((s) => !s.short);
    const leaks: string[] = [];
    const plaintext: string[] = [];
    let encrypted = 0;
    let failures = 0;
    for (const r of ran) {
      // A client with no data converter: what anyone with access to the server reads.
      const raw = new Client({ connection: r.h.client.connection, namespace: 'default' });
      for (const workflowId of r.workflowIds) {
        const history = await raw.workflow.getHandle(workflowId).fetchHistory();
        const where = `${r.name} ${workflowId.split('-')[0]}`;
        const bytes = temporal.api.history.v1.History.encode(history).finish();
        const message = temporal.api.history.v1.History.decode(bytes);
        // Everything at once, whatever field it sits in (and every other application's values too).
        leaks.push(...findLeaks(`${where}: history bytes`, bytes, long));
        const asJson = JSON.stringify(
          temporal.api.history.v1.History.toObject(message, { bytes: String, longs: String }),
        );
        leaks.push(...findLeaks(`${where}: history as proto3 JSON`, asJson, long));
        // Raw gRPC: the SDK's describe() would try (and fail) to decode the encrypted memo.
        const { workflowExecutionInfo: info } = await raw.workflowService.describeWorkflowExecution({
          namespace: 'default',
          execution: { workflowId },
        });
        const memo = temporal.api.common.v1.Memo.encode(info?.memo ?? {}).finish();
        leaks.push(...findLeaks(`${where}: memo (describe)`, memo, long));
        const sa = temporal.api.common.v1.SearchAttributes.encode(info?.searchAttributes ?? {}).finish();
        leaks.push(...findLeaks(`${where}: search attributes (describe)`, sa, long));
        for (const [field, p] of Object.entries(info?.memo?.fields ?? {})) {
          if (!isEncrypted(p)) plaintext.push(`${where}: memo ${field} (describe)`);
          else encrypted++;
        }

        for (const found of walk(temporal.api.history.v1.History.toObject(message), '', [])) {
          if (found.payload) {
            const { payload } = found;
            // A plaintext payload of Temporal's own (marker times) has digits: only the long values there.
            const values = payload.encrypted ? allSensitive : long;
            leaks.push(...findLeaks(`${where}: ${found.path} data`, payload.data, values));
            for (const [k, v] of Object.entries(payload.metadata)) {
              leaks.push(...findLeaks(`${where}: ${found.path} metadata ${k}`, v, long));
            }
            if (payload.encrypted) encrypted++;
            else if (!writtenByTemporal(found.path, payload.data)) plaintext.push(`${where}: ${found.path}`);
          }
          if (found.failure) {
            failures++;
            const { message, stackTrace } = found.failure;
            leaks.push(...findLeaks(`${where}: ${found.path} failure message`, message, allSensitive));
            leaks.push(...findLeaks(`${where}: ${found.path} failure stack`, stackTrace, allSensitive));
            // The failure converter moved them into encrypted attributes.
            if (stackTrace) plaintext.push(`${where}: ${found.path} stack trace in plaintext`);
          }
        }
      }
    }
    console.log(
      `[figures] ${ran.length} applications, ${ran.reduce((n, r) => n + r.workflowIds.length, 0)} histories: ` +
        `${encrypted} encrypted payloads, ${failures} failures, ${allSensitive.length} personal values searched`,
    );
    expect(leaks).toEqual([]);
    expect(plaintext).toEqual([]);
    expect(encrypted).toBeGreaterThan(100);
  });

  it('while the codec decodes those same payloads back to the applicant data', async () => {
    const v3 = ran.find((r) => r.name === 'v3-clean')!;
    const raw = new Client({ connection: v3.h.client.connection, namespace: 'default' });
    const history = await raw.workflow.getHandle(v3.workflowIds[0]!).fetchHistory();
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    expect(input.length).toBe(1);
    expect(input.every(isEncrypted)).toBe(true);
    const [decoded] = await new EncryptionCodec(v3.h.keyring).decode(input);
    const text = Buffer.from(decoded!.data!).toString();
    for (const s of v3.sensitive.filter((x) => !/SMS code|account number/.test(x.label))) {
      expect(text, s.label).toContain(s.value);
    }
  });
});

describe('the search itself', () => {
  it('finds the personal data of a history whose payloads are in clear, as text and as base64', async () => {
    // The recorded clean v3 history with its start input decoded in place: what a history would
    // hold without the codec.
    const file = path.join(historiesDir, 'onboarding-v3-clean-encrypted.bin');
    const history = temporal.api.history.v1.History.decode(await readFile(file));
    const payloads = history.events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    expect(payloads.every(isEncrypted)).toBe(true);
    const [input] = await new EncryptionCodec(await recordedKeyring()).decode(payloads);
    expect(isEncrypted(input!)).toBe(false);
    payloads[0] = temporal.api.common.v1.Payload.create(input);
    const { applicant, boundAccount } = JSON.parse(Buffer.from(input!.data!).toString());
    const sensitive: Sensitive[] = [
      { label: 'name', value: applicant.name },
      { label: 'ID number', value: applicant.idNumber },
      { label: 'mobile', value: applicant.mobile },
      { label: 'card', value: boundAccount.number },
    ];
    const bytes = temporal.api.history.v1.History.encode(history).finish();
    expect(findLeaks('bytes', bytes, sensitive)).toEqual(
      expect.arrayContaining(sensitive.map((s) => `${s.label} (utf-8) in bytes`)),
    );
    const asJson = JSON.stringify(temporal.api.history.v1.History.toObject(history, { bytes: String }));
    const inJson = findLeaks('json', asJson, sensitive);
    for (const s of sensitive) expect(inJson).toContain(`${s.label} (base64) in json`);
  });
});

// The log output of such a run: test/security/logs-hold-no-pii.int.test.ts.
