/** Abuse limits: a card or a phone may start only so many applications a day. */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import { bearer, startApi } from '../support/api';
import { type Harness, newApplication, startHarness } from '../support/harness';
import { newCard, newPerson } from '../support/people';

let h: Harness;
let api: FastifyInstance;
beforeAll(async () => {
  h = await startHarness({}, { limits: { applicationsPerCardPerDay: 2, applicationsPerMobilePerDay: 3 } });
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
});
