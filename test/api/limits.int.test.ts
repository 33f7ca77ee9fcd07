/** Abuse limits: a card, a phone, an ID number or a token may start only so many applications a day. */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import { DailyLimits } from '../../stores/daily-limits';
import { bearer, startApi } from '../support/api';
import {
  type Harness,
  newApplication,
  OWN_APP_TENANT,
  PARTNER_X_TENANT,
  startHarness,
} from '../support/harness';
import { newCard, newPerson } from '../support/people';

let h: Harness;
let api: FastifyInstance;
beforeAll(async () => {
  h = await startHarness(
    {},
    {
      limits: {
        applicationsPerCardPerDay: 2,
        applicationsPerMobilePerDay: 3,
        applicationsPerIdNumberPerDay: 4,
      },
    },
  );
  api = await startApi(h);
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
});

const start = (payload: object) =>
  api.inject({ method: 'POST', url: '/v1/applications', headers: bearer('app'), payload });

describe('daily limits', () => {
  it('refuses a card beyond its daily applications with 429 and Retry-After, and starts nothing', async () => {
    const card = newCard();
    const first = await newApplication(h.documents, { card });
    expect((await start(first)).statusCode).toBe(200);
    // Re-sending the same application does not count again.
    expect((await start(first)).statusCode).toBe(200);
    expect((await start(await newApplication(h.documents, { card }))).statusCode).toBe(200);

    const third = await newApplication(h.documents, { card });
    const refused = await start(third);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json().detail).toMatch(/this card already started 2 applications today/);
    await expect(
      h.client.workflow.getHandle(onboardingWorkflowId(third.applicationId)).describe(),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('refuses a mobile number beyond its daily applications, without using up the cards', async () => {
    const person = newPerson();
    for (let i = 0; i < 3; i++)
      expect((await start(await newApplication(h.documents, { person }))).statusCode).toBe(200);
    const card = newCard();
    expect((await start(await newApplication(h.documents, { person, card }))).statusCode).toBe(429);
    // The refused application recorded nothing against its card.
    expect((await start(await newApplication(h.documents, { card }))).statusCode).toBe(200);
    expect((await start(await newApplication(h.documents, { card }))).statusCode).toBe(200);
  });

  it('refuses an ID number beyond its daily applications, whatever mobile and card come with it', async () => {
    const person = newPerson();
    const withNewMobile = () => ({ ...person, mobile: newPerson().mobile });
    for (let i = 0; i < 4; i++)
      expect((await start(await newApplication(h.documents, { person: withNewMobile() }))).statusCode).toBe(
        200,
      );
    const refused = await start(await newApplication(h.documents, { person: withNewMobile() }));
    expect(refused.statusCode).toBe(429);
    expect(refused.json().detail).toMatch(/this ID number already started 4 applications today/);
  });
});

describe('the daily limit of one token', () => {
  let small: Harness;
  let smallApi: FastifyInstance;
  beforeAll(async () => {
    small = await startHarness({}, { limits: { applicationsPerCallerPerDay: 2 } });
    smallApi = await startApi(small);
  });
  afterAll(async () => {
    await smallApi?.close();
    await small?.stop();
  });

  it('refuses a token beyond its daily applications; another token still starts', async () => {
    const as = async (caller: 'app' | 'partner-x', channel: 'OWN_APP' | 'PARTNER') => {
      const tenant = caller === 'app' ? OWN_APP_TENANT : PARTNER_X_TENANT;
      const req = {
        ...(await newApplication(small.documents, { tenant })),
        channel,
        flowVersion: 'v3' as const,
      };
      return smallApi.inject({
        method: 'POST',
        url: '/v1/applications',
        headers: caller === 'app' ? bearer('app') : bearer('app', 'partner-x'),
        payload: req,
      });
    };
    expect((await as('app', 'OWN_APP')).statusCode).toBe(200);
    expect((await as('app', 'OWN_APP')).statusCode).toBe(200);
    const refused = await as('app', 'OWN_APP');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().detail).toMatch(/this token already started 2 applications today/);
    expect((await as('partner-x', 'PARTNER')).statusCode).toBe(200);
  });
});

describe('the counters on disk', () => {
  it('hold keyed HMACs: neither the values nor their plain SHA-256 are in the file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'limits-'));
    const file = path.join(dir, 'limits.db');
    const limits = new DailyLimits(file, 'test-counter-hmac-key-0123456789');
    const card = newCard();
    const person = newPerson();
    expect(
      limits.take(
        [
          { kind: 'card', value: card, limit: 5 },
          { kind: 'idNumber', value: person.idNumber, limit: 5 },
        ],
        'application-1',
        '2026-12-01',
      ),
    ).toBeUndefined();
    limits.close();
    const db = new Database(file, { readonly: true });
    const keys = (db.prepare('SELECT key FROM uses').all() as { key: string }[]).map((r) => r.key);
    db.close();
    await rm(dir, { recursive: true, force: true });
    expect(keys).toHaveLength(2);
    const bare = [`card:${card}`, `idNumber:${person.idNumber}`].map((v) =>
      createHash('sha256').update(v).digest('hex'),
    );
    for (const key of keys) {
      expect(bare).not.toContain(key);
      expect(key).not.toContain(card);
      expect(key).not.toContain(person.idNumber);
    }
  });
});
