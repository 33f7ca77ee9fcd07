/**
 * Failure messages and stack traces carry personal data as easily as payloads do (an error that
 * quotes a card number, a path with an account number in it). With the project's failure
 * converter they travel as encrypted attributes: a client without the codec sees "Encoded
 * failure" and no stack; the project's clients see the message and type, so the API still tells
 * a validator's refusal from other errors.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { FieldError } from '../../api/services/errors';
import { translateWorkflowError } from '../../api/services/workflow-errors';
import { encryptedDataConverter } from '../../encryption/data-converter';
import { bundleWorkflows } from '../../worker/create-worker';
import { newCard, newPerson } from '../support/people';
import type { FailingActivities, failsWithPersonalData } from './fixtures/failing-workflows';
import { testKeyring } from './keys';
import { findLeaks, type Sensitive } from './pii';

const keyring = testKeyring();
const dataConverter = encryptedDataConverter(keyring);
const taskQueue = `failures-${randomUUID()}`;
let connection: Connection;
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let client: Client;
let raw: Client;

beforeAll(async () => {
  const address = inject('temporalAddress');
  workerConnection = await NativeConnection.connect({ address });
  const activities: FailingActivities = {
    async refuseCard(card) {
      throw new Error(`card ${card} refused by the issuer`);
    },
  };
  worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    activities,
    dataConverter,
    workflowBundle: await bundleWorkflows({
      workflowsPath: fileURLToPath(new URL('./fixtures/failing-workflows.ts', import.meta.url)),
    }),
  });
  running = worker.run();
  connection = await Connection.connect({ address });
  client = new Client({ connection, dataConverter });
  raw = new Client({ connection });
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
  await workerConnection?.close();
});

it('keeps failure messages and stack traces out of plaintext, and the project’s clients read them', async () => {
  const person = newPerson('钱多多');
  const card = newCard();
  const sensitive: Sensitive[] = [
    { label: 'name', value: person.name },
    { label: 'mobile', value: person.mobile },
    { label: 'card', value: card },
    { label: 'SMS code', value: '480215' },
    { label: 'malformed code', value: '48x215' },
  ];
  const workflowId = `application-${randomUUID()}`;
  const handle = await client.workflow.start<typeof failsWithPersonalData>('failsWithPersonalData', {
    workflowId,
    taskQueue,
    args: [{ name: person.name, card, mobile: person.mobile }],
  });

  // A validator's refusal: the API's translation still finds its type and message.
  const refused = await handle
    .executeUpdate<string, [string]>('go', { args: ['48x215'] })
    .catch((e: unknown) => e);
  const translated = translateWorkflowError(refused, { notFound: 'none' });
  expect(translated).toBeInstanceOf(FieldError);
  expect((translated as FieldError).message).toContain('is not 6 digits');
  // Without the codec the same refusal is opaque.
  const opaque = await raw.workflow
    .getHandle(workflowId)
    .executeUpdate<string, [string]>('go', { args: ['48x215'] })
    .then(
      () => undefined,
      (e: unknown) => e as Error & { cause?: Error },
    );
  if (!opaque) throw new Error('the malformed code was accepted');
  expect(
    JSON.stringify({ m: opaque.message, c: opaque.cause?.message, s: opaque.cause?.stack }),
  ).not.toContain('48x215');

  expect(await handle.executeUpdate<string, [string]>('go', { args: ['480215'] })).toBe('accepted');
  const failed = await handle.result().catch((e: unknown) => e);
  expect(failed).toBeInstanceOf(WorkflowFailedError);
  const cause = (failed as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect(cause).toMatchObject({
    type: 'CardRefused',
    message: `${person.name} (${person.mobile}, code 480215): card ${card} refused`,
  });
  expect((cause as ApplicationFailure).details).toEqual([{ card }]);
  expect(cause?.cause).toBeInstanceOf(ActivityFailure);
  expect((cause.cause?.cause as Error | undefined)?.message).toBe(`card ${card} refused by the issuer`);
  // The stack trace travelled too, encrypted: the project's clients see where it came from.
  expect(cause.stack).toContain('failing-workflows.ts');

  const history = await raw.workflow.getHandle(workflowId).fetchHistory();
  const bytes = temporal.api.history.v1.History.encode(history).finish();
  expect(findLeaks('history', bytes, sensitive)).toEqual([]);
  const failures = (history.events ?? []).flatMap((e) =>
    [e.activityTaskFailedEventAttributes?.failure, e.workflowExecutionFailedEventAttributes?.failure].filter(
      (f): f is temporal.api.failure.v1.IFailure => Boolean(f),
    ),
  );
  expect(failures.length).toBe(2);
  const chain = (
    f: temporal.api.failure.v1.IFailure | null | undefined,
  ): temporal.api.failure.v1.IFailure[] => (f ? [f, ...chain(f.cause)] : []);
  for (const f of failures.flatMap(chain)) {
    // Server-made wrappers (the ActivityFailure around the activity's error) carry no message of ours.
    expect(['Encoded failure', 'Activity task failed']).toContain(f.message);
    expect(f.stackTrace ?? '').toBe('');
  }
});
