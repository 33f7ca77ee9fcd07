/**
 * The OpenAPI document at GET /openapi.json: a valid OpenAPI 3.1 document, and a true one. Every
 * documented operation is called without a token, with a token of a role it refuses, with a
 * malformed request and with valid ones; each answer's status must be documented and its body
 * must match the documented schema for that status and media type.
 *
 * Failing soft assertions name the operation and the missing documentation, so one run lists
 * every gap at once.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../api/auth';
import { Applications } from '../../api/services/applications';
import { defaultPolicy } from '../../domain/application';
import { problemCodeSchema } from '../../domain/problem-codes';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import { makeIdCardImage } from '../../sandbox/providers/id-card-image';
import { bearer, startApi } from '../support/api';
import { type Harness, newApplication, openCleanly, readSmsCode, startHarness } from '../support/harness';
import { newCard, newPerson } from '../support/people';
import { newPhotos, openWithReview } from '../support/review';
import {
  documentedResponse,
  isRecord,
  type Json,
  mediaTypeOf,
  type Operation,
  operationsOf,
  parseDocument,
  refsIn,
  resolvePointer,
  SchemaValidator,
} from './openapi-support';

let h: Harness;
let api: FastifyInstance;
let doc: Json;
let operations: Operation[];
let schemas: SchemaValidator;

beforeAll(async () => {
  h = await startHarness();
  api = await startApi(h);
  const res = await api.inject({ url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  const body: unknown = res.json();
  if (!isRecord(body)) throw new Error('GET /openapi.json is not a JSON object');
  doc = body;
  operations = operationsOf(doc);
  schemas = new SchemaValidator(doc);
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
});

// ---------------------------------------------------------------------------------------------
// Requests, described the way the document describes them: path and query parameters by name.

interface Call {
  params?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: { type: string; payload: string | Buffer };
}

/** Who calls: a role's first test token, a named caller of a role, or nobody. */
/** A configured token by role (or role and id), a customer's session token, or none. */
type Who = Role | { role: Role; id: string } | { session: string } | null;

const json = (value: unknown): Call['body'] => ({ type: 'application/json', payload: JSON.stringify(value) });

function urlOf(op: Operation, call: Call): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = call.params?.[name];
    if (value === undefined) throw new Error(`${op.key}: the call gives no value for {${name}}`);
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams(call.query ?? {}).toString();
  return query ? `${path}?${query}` : path;
}

function authorization(who: Who): Record<string, string> {
  if (who === null) return {};
  if (typeof who === 'string') return bearer(who);
  return 'session' in who ? { authorization: `Bearer ${who.session}` } : bearer(who.role, who.id);
}

/** Operations called at all, and operations called with a valid request by their conformance case. */
const exercised = new Set<string>();
const exercisedValidly = new Set<string>();
/** Answers whose media type the document does not give for their status. */
const mediaTypeGaps = new Set<string>();

async function send(op: Operation, call: Call, who: Who): Promise<LightMyRequestResponse> {
  exercised.add(op.key);
  return api.inject({
    method: op.method.toUpperCase() as 'GET' | 'POST' | 'DELETE',
    url: urlOf(op, call),
    headers: {
      ...call.headers,
      ...authorization(who),
      ...(call.body && { 'content-type': call.body.type }),
    },
    ...(call.body && { payload: call.body.payload }),
  });
}

/** A parameter's value against its documented schema; query values may be numbers in disguise. */
function parameterProblems(schema: unknown, value: string): string[] {
  const asString = schemas.problems(schema, value);
  if (asString.length === 0) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return schemas.problems(schema, parsed).length === 0 ? [] : asString;
  } catch {
    return asString;
  }
}

/** The request is one the document describes: documented parameters and body, valid values. */
function checkRequestIsDocumented(op: Operation, call: Call, label: string): void {
  const where = `${op.key} (${label})`;
  const documented = (place: string, name: string) =>
    op.parameters.find((p) => p.in === place && p.name.toLowerCase() === name.toLowerCase());
  const check = (place: 'path' | 'query' | 'header', values: Record<string, string> | undefined) => {
    for (const [name, value] of Object.entries(values ?? {})) {
      const p = documented(place, name);
      expect.soft(p, `${where}: ${place} parameter ${name} must be documented`).toBeDefined();
      if (p?.schema !== undefined) {
        expect
          .soft(parameterProblems(p.schema, value), `${where}: ${place} ${name}=${value} must be valid`)
          .toEqual([]);
      }
    }
  };
  check('path', call.params);
  check('query', call.query);
  check(
    'header',
    Object.fromEntries(
      Object.entries(call.headers ?? {}).filter(([k]) => !['authorization', 'content-type'].includes(k)),
    ),
  );
  if (!call.body) return;
  expect
    .soft(op.requestBody, `${where}: the operation takes a ${call.body.type} body, so it must document it`)
    .toBeDefined();
  if (!op.requestBody) return;
  const content = op.requestBody.content;
  expect
    .soft(Object.keys(content), `${where}: the request body's media type must be documented`)
    .toContain(call.body.type);
  const schema = content[call.body.type]?.schema;
  if (
    schema !== undefined &&
    call.body.type === 'application/json' &&
    typeof call.body.payload === 'string'
  ) {
    const value: unknown = JSON.parse(call.body.payload);
    expect
      .soft(schemas.problems(schema, value), `${where}: the request body must match the documented schema`)
      .toEqual([]);
  }
}

/**
 * The answer has one of the expected statuses, the operation documents that status and the
 * media type it came in, and the body matches the documented schema. Answers the parsed body.
 */
function checkAnswer(op: Operation, res: LightMyRequestResponse, expected: number | number[], label: string) {
  const where = `${op.key} (${label})`;
  const statuses = Array.isArray(expected) ? expected : [expected];
  expect
    .soft(statuses, `${where}: answered ${res.statusCode} ${res.body.slice(0, 300)}`)
    .toContain(res.statusCode);
  // Image bytes (a review's photo): their media type must be documented; there is no JSON to check.
  const answered = mediaTypeOf(String(res.headers['content-type'] ?? ''));
  if (answered.startsWith('image/')) {
    const documented = Object.keys(documentedResponse(op, res.statusCode)?.content ?? {});
    expect.soft(documented, `${where}: answers ${answered}, so it must document it`).toContain(answered);
    return undefined;
  }
  let body: unknown;
  try {
    body = res.body.length > 0 ? JSON.parse(res.body) : undefined;
  } catch {
    expect.soft(res.body, `${where}: the answer must be JSON`).toBe('JSON');
  }
  const response = documentedResponse(op, res.statusCode);
  expect
    .soft(response, `${where}: answers ${res.statusCode}, so the operation must document ${res.statusCode}`)
    .toBeDefined();
  if (!response || body === undefined) return body;
  const media = mediaTypeOf(String(res.headers['content-type'] ?? ''));
  const content = response.content ?? {};
  // Media types are checked once for all answers, at the end: one gap would fail every test here.
  if (!(media in content)) {
    mediaTypeGaps.add(
      `${op.key} ${res.statusCode}: answers ${media}, documents ${Object.keys(content).join(', ')}`,
    );
  }
  // Check the shape even where the media type is wrong: the schema documented for the status.
  const documentedSchemas = Object.values(content).map((m) => m.schema);
  const schema =
    content[media]?.schema ?? (documentedSchemas.length === 1 ? documentedSchemas[0] : undefined);
  expect.soft(schema, `${where}: ${res.statusCode} must document a schema for its body`).toBeDefined();
  if (schema !== undefined) {
    expect
      .soft(
        schemas.problems(schema, body),
        `${where}: the ${res.statusCode} body must match the documented schema: ${res.body.slice(0, 300)}`,
      )
      .toEqual([]);
  }
  return body;
}

/** A documented operation by key; fails the test if the document lacks it. */
function operation(key: string): Operation {
  const op = operations.find((o) => o.key === key);
  if (!op) throw new Error(`the document has no operation ${key}`);
  return op;
}

/** One valid call of a conformance flow, checked against the document; answers the body. */
type Step = (label: string, call: Call, who: Who, expected: number | number[]) => Promise<unknown>;

function stepper(op: Operation): Step {
  return async (label, call, who, expected) => {
    exercisedValidly.add(op.key);
    checkRequestIsDocumented(op, call, label);
    return checkAnswer(op, await send(op, call, who), expected, label);
  };
}

const field = (value: unknown, name: string): unknown => (isRecord(value) ? value[name] : undefined);

// ---------------------------------------------------------------------------------------------
// One conformance case per documented operation.

interface Case {
  /** The roles whose tokens the operation accepts. */
  roles: readonly Role[];
  /** A request valid in shape; the ids in it need not exist. */
  shaped(): Promise<Call>;
  /** A request the operation must refuse with 400; absent when the operation takes no input. */
  malformed?(): Call;
  /** Valid calls, each with the status it must get. */
  valid(step: Step): Promise<void>;
}

const ALL_ROLES: readonly Role[] = ['app', 'operator', 'supervisor', 'institution'];
/** Everyone but payment institutions, which see their agreements only. */
const BANK_ROLES: readonly Role[] = ['app', 'operator', 'supervisor'];
const madeUpAccount = () => `9${String(Math.floor(Math.random() * 1e15)).padStart(15, '0')}`;
const madeUpReview = () => `review-${randomUUID()}`;
const uniqueImage = () => makeIdCardImage({ side: 'FRONT', name: '张伟', idNumber: randomUUID() });

/** An account under review, shared by the read-only cases. */
let reviewed: ReturnType<typeof openWithReview> | undefined;
const underReview = () => (reviewed ??= openWithReview(h));

/** An account whose holder's re-verification is due (within the grace period), for the risk-life lists. */
let due: Promise<string> | undefined;
const dueAccount = () =>
  (due ??= (async () => {
    const { accountNumber } = await openCleanly(h);
    const put = await fetch(`${h.coreBankingUrl}/core/v1/accounts/${accountNumber}/re-verification-due`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dueAt: new Date(Date.now() - 3600_000).toISOString() }),
    });
    expect(put.status).toBe(200);
    return accountNumber;
  })());

const cases: Record<string, Case> = {
  'POST /v1/documents': {
    roles: ['app'],
    shaped: async () => ({ body: { type: 'image/png', payload: uniqueImage() } }),
    malformed: () => ({ body: { type: 'image/png', payload: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]) } }),
    async valid(step) {
      const image = uniqueImage();
      const created = await step('a PNG', { body: { type: 'image/png', payload: image } }, 'app', 201);
      expect(field(created, 'documentId')).toBe(createHash('sha256').update(image).digest('hex'));
      await step(
        'bytes that are no image',
        { body: { type: 'image/jpeg', payload: 'no image' } },
        'app',
        415,
      );
      const huge = Buffer.concat([image, Buffer.alloc(5 * 1024 * 1024)]);
      await step('more than 5 MiB', { body: { type: 'image/png', payload: huge } }, 'app', 413);
    },
  },

  'POST /v1/applications': {
    roles: ['app'],
    shaped: async () => ({ body: json(await newApplication(h.documents)) }),
    malformed: () => ({ body: json({}) }),
    async valid(step) {
      const req = await newApplication(h.documents);
      const started = await step('a new application', { body: json(req) }, 'app', [200, 202]);
      expect(started).toMatchObject({ applicationId: req.applicationId });
      await step('the same request again', { body: json(req) }, 'app', [200, 202]);
      const other = { ...req, boundAccount: { ...req.boundAccount, number: newCard() } };
      await step('another request with a used applicationId', { body: json(other) }, 'app', 409);
    },
  },

  'POST /v1/applications/{applicationId}/sms-code': {
    roles: ['app'],
    shaped: async () => ({ params: { applicationId: randomUUID() }, body: json({ code: '123456' }) }),
    malformed: () => ({ params: { applicationId: randomUUID() }, body: json({ code: '12345a' }) }),
    async valid(step) {
      const req = await newApplication(h.documents);
      await h.applications.start(req);
      const code = await readSmsCode(h.providersUrl, req.applicant.mobile);
      const params = { applicationId: req.applicationId };
      const wrong = code === '111111' ? '222222' : '111111';
      const refused = await step('a wrong code', { params, body: json({ code: wrong }) }, 'app', 422);
      expect(field(refused, 'attemptsLeft')).toBe(2);
      const headers = { 'idempotency-key': `conformance-${randomUUID()}` };
      const opened = await step('the right code', { params, headers, body: json({ code }) }, 'app', 200);
      expect(field(opened, 'status')).toBe('OPENED');
      await step('a code for an opened application', { params, body: json({ code }) }, 'app', 409);
      // Once the application's workflow has closed, the refusal comes from another path.
      await h.client.workflow.getHandle(onboardingWorkflowId(req.applicationId)).result();
      await step('a code for a closed application', { params, body: json({ code }) }, 'app', 409);
      await step(
        'a code for an unknown application',
        { params: { applicationId: randomUUID() }, body: json({ code }) },
        'app',
        404,
      );
    },
  },

  'POST /v1/applications/{applicationId}/sms-code/resend': {
    roles: ['app'],
    shaped: async () => ({ params: { applicationId: randomUUID() } }),
    malformed: () => ({ params: { applicationId: 'not-a-uuid' } }),
    async valid(step) {
      // Started under a policy without an interval between codes, so a new one may go at once.
      const now = new Applications({
        client: h.client,
        taskQueue: h.taskQueue,
        policy: { ...defaultPolicy, smsResendIntervalSeconds: 0, smsMaxResends: 1 },
      });
      const req = await newApplication(h.documents);
      await now.start(req);
      const params = { applicationId: req.applicationId };
      const sent = await step('a new code', { params }, 'app', 202);
      expect(field(sent, 'resendsLeft')).toBe(0);
      await step('none left', { params }, 'app', 409);
      const early = await newApplication(h.documents);
      await h.applications.start(early);
      await step(
        'too soon after the first code',
        { params: { applicationId: early.applicationId } },
        'app',
        429,
      );
      await step('an unknown application', { params: { applicationId: randomUUID() } }, 'app', 404);
    },
  },

  'GET /v1/applications/{applicationId}': {
    roles: BANK_ROLES,
    shaped: async () => ({ params: { applicationId: randomUUID() } }),
    malformed: () => ({ params: { applicationId: 'not-a-uuid' } }),
    async valid(step) {
      const { req } = await underReview();
      const params = { applicationId: req.applicationId };
      const view = await step('an opened application', { params }, 'app', 200);
      expect(view).toMatchObject({ status: 'OPENED', review: 'PENDING' });
      await step('an opened application, read by an operator', { params }, 'operator', 200);
      await step('an unknown application', { params: { applicationId: randomUUID() } }, 'supervisor', 404);
    },
  },

  'GET /v1/applications/{applicationId}/events': {
    roles: BANK_ROLES,
    shaped: async () => ({ params: { applicationId: randomUUID() } }),
    malformed: () => ({ params: { applicationId: 'not-a-uuid' } }),
    async valid(step) {
      const { req } = await underReview();
      const params = { applicationId: req.applicationId };
      const log = await step('the events of an opened application', { params }, 'app', 200);
      expect(Array.isArray(field(log, 'events'))).toBe(true);
      await step('the events, read by a supervisor', { params }, 'supervisor', 200);
      await step(
        'the events of an unknown application',
        { params: { applicationId: randomUUID() } },
        'operator',
        404,
      );
    },
  },

  'GET /v1/accounts/{accountNumber}': {
    roles: BANK_ROLES,
    shaped: async () => ({ params: { accountNumber: madeUpAccount() } }),
    malformed: () => ({ params: { accountNumber: '12ab' } }),
    async valid(step) {
      const { accountNumber } = await underReview();
      const account = await step('an account', { params: { accountNumber } }, 'app', 200);
      expect(account).toMatchObject({ accountNumber, accountClass: 'II' });
      await step('an unknown account', { params: { accountNumber: madeUpAccount() } }, 'operator', 404);
    },
  },

  'POST /v1/accounts/{accountNumber}/id-documents': {
    roles: ['app'],
    shaped: async () => ({
      params: { accountNumber: madeUpAccount() },
      body: json(await newPhotos(h, newPerson())),
    }),
    malformed: () => ({ params: { accountNumber: madeUpAccount() }, body: json({ idFront: 'x' }) }),
    async valid(step) {
      const { req, accountNumber, reviewId } = await openWithReview(h);
      const photos = json(await newPhotos(h, req.applicant));
      const params = { accountNumber };
      await step('photos while no re-submission is asked for', { params, body: photos }, 'app', 409);
      await h.reviews.decide(
        reviewId,
        { round: 1, decision: 'REJECT', reasonCode: 'DOCUMENT_ILLEGIBLE', note: 'blurred' },
        'op-alice',
      );
      const accepted = await step('photos after a rejected round', { params, body: photos }, 'app', 202);
      expect(accepted).toMatchObject({ reviewId, accepted: true, round: 2 });
      await step(
        'photos for an unknown account',
        { params: { accountNumber: madeUpAccount() }, body: photos },
        'app',
        404,
      );
    },
  },

  'GET /v1/audit': {
    roles: ['supervisor'],
    shaped: async () => ({ query: { accountNumber: madeUpAccount() } }),
    malformed: () => ({ query: { accountNumber: 'not-an-account' } }),
    async valid(step) {
      const { reviewId, accountNumber } = await openWithReview(h);
      await h.reviews.decide(
        reviewId,
        { round: 1, decision: 'APPROVE', reasonCode: 'DOCUMENT_LEGIBLE_ON_INSPECTION' },
        'op-alice',
      );
      await h.client.workflow.getHandle(reviewId).result(); // its audit entries are written
      const body = await step('an account with entries', { query: { accountNumber } }, 'supervisor', 200);
      expect(field(body, 'entries')).toHaveLength(1);
      await step('an account without any', { query: { accountNumber: madeUpAccount() } }, 'supervisor', 200);
    },
  },

  'POST /v1/legal-holds': {
    roles: ['supervisor'],
    shaped: async () => ({ body: json({ applicationId: randomUUID(), reason: 'Court order 2026-1' }) }),
    malformed: () => ({ body: json({ applicationId: 'nope', reason: 'Court order 2026-1' }) }),
    async valid(step) {
      const { accountNumber } = await openWithReview(h);
      const body = await step(
        'an account',
        { body: json({ accountNumber, reason: 'Court order 2026-1' }) },
        'supervisor',
        201,
      );
      expect(field(body, 'status')).toBe('STANDING');
      await step(
        'an unknown application',
        { body: json({ applicationId: randomUUID(), reason: 'Court order 2026-1' }) },
        'supervisor',
        404,
      );
    },
  },

  'DELETE /v1/legal-holds/{legalHoldId}': {
    roles: ['supervisor'],
    shaped: async () => ({
      params: { legalHoldId: `lh-${'0'.repeat(32)}` },
      body: json({ reason: 'Case closed' }),
    }),
    malformed: () => ({ params: { legalHoldId: 'nope' }, body: json({ reason: 'Case closed' }) }),
    async valid(step) {
      const { accountNumber } = await openWithReview(h);
      const placed = await api.inject({
        method: 'POST',
        url: '/v1/legal-holds',
        headers: bearer('supervisor'),
        payload: { accountNumber, reason: 'Court order 2026-2' },
      });
      const params = { legalHoldId: (placed.json() as { legalHoldId: string }).legalHoldId };
      const body = await step(
        'a standing hold',
        { params, body: json({ reason: 'Case closed' }) },
        'supervisor',
        200,
      );
      expect(field(body, 'status')).toBe('RELEASED');
      await step('a released one', { params, body: json({ reason: 'Case closed' }) }, 'supervisor', 409);
      await step(
        'an unknown one',
        { params: { legalHoldId: `lh-${'0'.repeat(32)}` }, body: json({ reason: 'Case closed' }) },
        'supervisor',
        404,
      );
    },
  },

  'GET /v1/legal-holds': {
    roles: ['supervisor'],
    shaped: async () => ({}),
    async valid(step) {
      await step('every hold', {}, 'supervisor', 200);
    },
  },

  'POST /v1/data-exports': {
    roles: ['supervisor'],
    shaped: async () => ({ body: json({ idNumber: newPerson().idNumber }) }),
    malformed: () => ({ body: json({ idNumber: '12345' }) }),
    async valid(step) {
      const { req } = await openWithReview(h);
      const body = await step(
        'a customer',
        { body: json({ idNumber: req.applicant.idNumber }) },
        'supervisor',
        200,
      );
      expect(field(body, 'applications')).toHaveLength(1);
      await step('a stranger', { body: json({ idNumber: newPerson().idNumber }) }, 'supervisor', 200);
    },
  },

  'POST /v1/reviews/{reviewId}/claim': {
    roles: ['operator', 'supervisor'],
    shaped: async () => ({ params: { reviewId: madeUpReview() } }),
    malformed: () => ({ params: { reviewId: 'nope' } }),
    async valid(step) {
      const { reviewId } = await openWithReview(h);
      const params = { reviewId };
      const held = await step('an open case', { params }, { role: 'operator', id: 'op-alice' }, 200);
      expect(field(held, 'claimedBy')).toBe('op-alice');
      const taken = await step('a case another holds', { params }, { role: 'operator', id: 'op-bob' }, 409);
      expect(field(taken, 'claimedBy')).toBe('op-alice');
      await step('an unknown case', { params: { reviewId: madeUpReview() } }, 'supervisor', 404);
    },
  },

  'DELETE /v1/reviews/{reviewId}/claim': {
    roles: ['operator', 'supervisor'],
    shaped: async () => ({ params: { reviewId: madeUpReview() } }),
    malformed: () => ({ params: { reviewId: 'nope' } }),
    async valid(step) {
      const { reviewId } = await openWithReview(h);
      const params = { reviewId };
      await h.reviews.claim(reviewId, 'op-alice');
      await step("another's claim", { params }, { role: 'operator', id: 'op-bob' }, 403);
      await step('its holder', { params }, { role: 'operator', id: 'op-alice' }, 204);
      await step('an unknown case', { params: { reviewId: madeUpReview() } }, 'supervisor', 404);
    },
  },

  'GET /v1/reviews/{reviewId}/case-file': {
    roles: ['operator', 'supervisor'],
    shaped: async () => ({ params: { reviewId: madeUpReview() } }),
    malformed: () => ({ params: { reviewId: 'nope' } }),
    async valid(step) {
      const { reviewId } = await underReview();
      const file = await step('a case', { params: { reviewId } }, 'operator', 200);
      expect(field(file, 'documents')).toHaveLength(2);
      await step('an unknown case', { params: { reviewId: madeUpReview() } }, 'supervisor', 404);
    },
  },

  'POST /v1/reviews/{reviewId}/reveal': {
    roles: ['operator', 'supervisor'],
    shaped: async () => ({ params: { reviewId: madeUpReview() }, body: json({ field: 'name' }) }),
    malformed: () => ({ params: { reviewId: madeUpReview() }, body: json({ field: 'mobile' }) }),
    async valid(step) {
      const { req, reviewId } = await underReview();
      const shown = await step(
        'a name',
        { params: { reviewId }, body: json({ field: 'name' }) },
        'operator',
        200,
      );
      expect(field(shown, 'value')).toBe(req.applicant.name);
      await step(
        'an unknown case',
        { params: { reviewId: madeUpReview() }, body: json({ field: 'idNumber' }) },
        'supervisor',
        404,
      );
    },
  },

  'GET /v1/reviews/{reviewId}/documents/{documentId}': {
    roles: ['operator', 'supervisor'],
    shaped: async () => ({ params: { reviewId: madeUpReview(), documentId: 'a'.repeat(64) } }),
    malformed: () => ({ params: { reviewId: madeUpReview(), documentId: 'not-an-id' } }),
    async valid(step) {
      const { req, reviewId } = await underReview();
      const documentId = req.documents.idFront!;
      await step('a photo of the case', { params: { reviewId, documentId } }, 'operator', 200);
      await step(
        'a document not of the case',
        { params: { reviewId, documentId: 'b'.repeat(64) } },
        'operator',
        404,
      );
    },
  },

  'GET /v1/me': {
    roles: ALL_ROLES,
    shaped: async () => ({}),
    async valid(step) {
      const me = await step('an operator', {}, { role: 'operator', id: 'op-bob' }, 200);
      expect(me).toEqual({ id: 'op-bob', role: 'operator' });
    },
  },

  'POST /v1/sessions': {
    roles: ['app'],
    shaped: async () => ({ body: json({ applicationId: randomUUID() }) }),
    malformed: () => ({ body: json({ applicationId: randomUUID(), ttlSeconds: 86_401 }) }),
    async valid(step) {
      const minted = await step(
        'a new application',
        { body: json({ applicationId: randomUUID() }) },
        'app',
        201,
      );
      expect(String(field(minted, 'sessionToken'))).toMatch(/^aos_/);
      const { accountNumber } = await underReview();
      const forAccount = await step(
        'an account of its own',
        { body: json({ accountNumber, ttlSeconds: 3600 }) },
        'app',
        201,
      );
      expect(field(forAccount, 'accountNumber')).toBe(accountNumber);
      await step(
        "another tenant's account",
        { body: json({ accountNumber }) },
        { role: 'app', id: 'partner-x' },
        404,
      );
    },
  },

  'DELETE /v1/sessions/current': {
    roles: [],
    shaped: async () => ({}),
    async valid(step) {
      const minted = await api.inject({
        method: 'POST',
        url: '/v1/sessions',
        headers: bearer('app'),
        payload: { applicationId: randomUUID() },
      });
      const session = (minted.json() as { sessionToken: string }).sessionToken;
      await step('the session ends itself', {}, { session }, 204);
      await step('an ended session', {}, { session }, 401);
    },
  },

  'GET /v1/funnel': {
    roles: ['operator', 'supervisor'],
    shaped: async () => ({}),
    async valid(step) {
      const body = await step('the funnel', {}, 'supervisor', 200);
      expect(Array.isArray(field(body, 'funnel'))).toBe(true);
    },
  },

  'GET /v1/funnel/re-verifications': {
    roles: ['operator', 'supervisor'],
    shaped: async () => ({}),
    malformed: () => ({ query: { from: 'yesterday' } }),
    async valid(step) {
      const body = await step('the outcomes', {}, 'operator', 200);
      expect(typeof field(body, 'started')).toBe('number');
      await step('since an instant', { query: { from: new Date(0).toISOString() } }, 'supervisor', 200);
    },
  },

  'GET /v1/re-verifications/due': {
    roles: ['operator', 'supervisor'],
    shaped: async () => ({ query: { status: 'DUE' } }),
    malformed: () => ({ query: { status: 'SOON' } }),
    async valid(step) {
      await dueAccount();
      const page = await step('the due list', { query: { status: 'DUE', limit: '1' } }, 'operator', 200);
      const nextCursor = field(page, 'nextCursor');
      if (typeof nextCursor === 'string')
        await step('its next page', { query: { status: 'DUE', cursor: nextCursor } }, 'operator', 200);
      await step('the overdue list', { query: { status: 'OVERDUE' } }, 'supervisor', 200);
      await step('the appealed list', { query: { status: 'APPEALED' } }, 'operator', 200);
    },
  },

  'GET /v1/re-verifications/due/{accountNumber}': {
    roles: ['operator', 'supervisor'],
    shaped: async () => ({ params: { accountNumber: madeUpAccount() } }),
    malformed: () => ({ params: { accountNumber: 'nope' } }),
    async valid(step) {
      const accountNumber = await dueAccount();
      const opened = await step('a due account', { params: { accountNumber } }, 'operator', 200);
      expect(field(opened, 'list')).toBe('DUE');
      await step('an unknown account', { params: { accountNumber: madeUpAccount() } }, 'supervisor', 404);
    },
  },

  'POST /v1/re-verifications/due/{accountNumber}/claim': {
    roles: ['operator', 'supervisor'],
    shaped: async () => ({ params: { accountNumber: madeUpAccount() } }),
    malformed: () => ({ params: { accountNumber: 'nope' } }),
    async valid(step) {
      const params = { accountNumber: await dueAccount() };
      const held = await step('a due account', { params }, { role: 'operator', id: 'op-alice' }, 200);
      expect(field(held, 'claimedBy')).toBe('op-alice');
      const taken = await step(
        'an account another holds',
        { params },
        { role: 'operator', id: 'op-bob' },
        409,
      );
      expect(field(taken, 'claimedBy')).toBe('op-alice');
      await step('an unknown account', { params: { accountNumber: madeUpAccount() } }, 'supervisor', 404);
    },
  },

  'DELETE /v1/re-verifications/due/{accountNumber}/claim': {
    roles: ['operator', 'supervisor'],
    shaped: async () => ({ params: { accountNumber: madeUpAccount() } }),
    malformed: () => ({ params: { accountNumber: 'nope' } }),
    async valid(step) {
      const params = { accountNumber: await dueAccount() };
      await api.inject({
        method: 'POST',
        url: `/v1/re-verifications/due/${params.accountNumber}/claim`,
        headers: bearer('operator', 'op-alice'),
      });
      await step("another's claim", { params }, { role: 'operator', id: 'op-bob' }, 403);
      await step('its holder', { params }, { role: 'operator', id: 'op-alice' }, 204);
      await step('an unknown account', { params: { accountNumber: madeUpAccount() } }, 'supervisor', 404);
    },
  },

  'GET /v1/reviews': {
    roles: ['operator', 'supervisor'],
    shaped: async () => ({ query: { status: 'PENDING' } }),
    malformed: () => ({ query: { limit: '0' } }),
    async valid(step) {
      await underReview();
      await step('the pending queue', { query: { status: 'PENDING', limit: '5' } }, 'operator', 200);
      const all = await step('the whole queue', {}, 'supervisor', 200);
      expect(Array.isArray(field(all, 'reviews'))).toBe(true);
    },
  },

  'GET /v1/reviews/{reviewId}': {
    roles: ['operator', 'supervisor'],
    shaped: async () => ({ params: { reviewId: madeUpReview() } }),
    malformed: () => ({ params: { reviewId: 'nope' } }),
    async valid(step) {
      const { reviewId } = await underReview();
      const found = await step('a case', { params: { reviewId } }, 'operator', 200);
      expect(field(found, 'reviewId')).toBe(reviewId);
      await step('an unknown case', { params: { reviewId: madeUpReview() } }, 'supervisor', 404);
    },
  },

  'POST /v1/reviews/{reviewId}/decisions': {
    roles: ['operator', 'supervisor'],
    shaped: async () => ({
      params: { reviewId: madeUpReview() },
      body: json({ round: 1, decision: 'APPROVE', reasonCode: 'DOCUMENT_LEGIBLE_ON_INSPECTION' }),
    }),
    malformed: () => ({
      params: { reviewId: madeUpReview() },
      body: json({ round: 0, decision: 'APPROVE', reasonCode: 'DOCUMENT_LEGIBLE_ON_INSPECTION' }),
    }),
    async valid(step) {
      const { req, reviewId } = await openWithReview(h);
      const params = { reviewId };
      const reject = json({
        round: 1,
        decision: 'REJECT',
        reasonCode: 'DOCUMENT_ILLEGIBLE',
        note: 'blurred',
      });
      const alice = { role: 'operator', id: 'op-alice' } as const;
      const rejected = await step('a rejection', { params, body: reject }, alice, 200);
      expect(field(rejected, 'status')).toBe('AWAITING_RESUBMISSION');
      await step('the same round again', { params, body: reject }, alice, 409);
      await h.reviews.resubmit(req.applicationId, await newPhotos(h, req.applicant));
      const approve = json({ round: 2, decision: 'APPROVE', reasonCode: 'RESUBMITTED_DOCUMENT_VERIFIED' });
      await step('an approval by the rejecting operator', { params, body: approve }, alice, 403);
      const cleared = await step(
        'an approval by another operator',
        { params, body: approve },
        { role: 'operator', id: 'op-bob' },
        200,
      );
      expect(field(cleared, 'status')).toBe('CLEARED');
      await step(
        'a decision on an unknown case',
        { params: { reviewId: madeUpReview() }, body: approve },
        alice,
        404,
      );
    },
  },
};

const wechat = { role: 'institution', id: 'WECHAT_PAY' } as const;
const jdPay = { role: 'institution', id: 'JD_PAY' } as const;
const madeUpAgreement = () => `agr-${randomUUID().replace(/-/g, '')}`;
/** A re-verification's intent declaration, made. */
const DECLARED = { purpose: 'SAVINGS', declaresNoRentOrSale: true };

let signingRefs = 0;

/** An opened account, its holder, and a signing request for it (QUICK_PAY, small limits). */
async function signable() {
  const { req, accountNumber } = await openCleanly(h);
  return {
    accountNumber,
    holder: req.applicant,
    request: {
      accountNumber,
      holder: req.applicant,
      scope: 'QUICK_PAY',
      perDebitLimitCny: '100',
      dailyLimitCny: '200',
      reference: `conformance-${randomUUID()}-${++signingRefs}`,
    },
  };
}

/** A signed agreement, through the API's own calls. */
async function signed() {
  const s = await signable();
  const started = await api.inject({
    method: 'POST',
    url: '/v1/agreements',
    headers: bearer('institution', 'WECHAT_PAY'),
    payload: s.request,
  });
  const { agreementId } = started.json() as { agreementId: string };
  const code = await readSmsCode(h.providersUrl, s.holder.mobile);
  const answer = await api.inject({
    method: 'POST',
    url: `/v1/agreements/${agreementId}/sms-code`,
    headers: bearer('institution', 'WECHAT_PAY'),
    payload: { code },
  });
  return {
    ...s,
    agreementId,
    agreementNumber: (answer.json() as { agreementNumber: string }).agreementNumber,
  };
}

Object.assign(cases, {
  'POST /v1/agreements': {
    roles: ['institution'],
    shaped: async () => ({ body: json((await signable()).request) }),
    malformed: () => ({ body: json({ accountNumber: '1', scope: 'QUICK_PAY' }) }),
    async valid(step) {
      const { request } = await signable();
      const started = await step('a signing request', { body: json(request) }, wechat, 200);
      expect(field(started, 'status')).toBe('AWAITING_SMS_CODE');
      await step('the same request again', { body: json(request) }, wechat, 200);
      await step(
        'another request under its reference',
        { body: json({ ...request, dailyLimitCny: '150' }) },
        wechat,
        409,
      );
    },
  },
  'GET /v1/agreements/{agreementId}': {
    roles: ['institution'],
    shaped: async () => ({ params: { agreementId: madeUpAgreement() } }),
    malformed: () => ({ params: { agreementId: 'agr-xyz' } }),
    async valid(step) {
      const { agreementId } = await signed();
      const read = await step('its own signing', { params: { agreementId } }, wechat, 200);
      expect(field(read, 'status')).toBe('SIGNED');
      await step("another institution's", { params: { agreementId } }, jdPay, 404);
    },
  },
  'POST /v1/agreements/{agreementId}/sms-code': {
    roles: ['institution'],
    shaped: async () => ({ params: { agreementId: madeUpAgreement() }, body: json({ code: '123456' }) }),
    malformed: () => ({ params: { agreementId: madeUpAgreement() }, body: json({ code: '12' }) }),
    async valid(step) {
      const s = await signable();
      const started = await api.inject({
        method: 'POST',
        url: '/v1/agreements',
        headers: bearer('institution', 'WECHAT_PAY'),
        payload: s.request,
      });
      const params = { agreementId: (started.json() as { agreementId: string }).agreementId };
      const code = await readSmsCode(h.providersUrl, s.holder.mobile);
      const wrong = code === '111111' ? '222222' : '111111';
      const refused = await step('a wrong code', { params, body: json({ code: wrong }) }, wechat, 422);
      expect(field(refused, 'attemptsLeft')).toBe(2);
      const ok = await step('the right code', { params, body: json({ code }) }, wechat, 200);
      expect(field(ok, 'status')).toBe('SIGNED');
      await step('a code for a signed agreement', { params, body: json({ code }) }, wechat, 409);
      await step(
        'an unknown signing',
        { params: { agreementId: madeUpAgreement() }, body: json({ code }) },
        wechat,
        404,
      );
    },
  },
  'DELETE /v1/agreements/{agreementId}': {
    roles: ALL_ROLES,
    shaped: async () => ({ params: { agreementId: madeUpAgreement() } }),
    malformed: () => ({ params: { agreementId: 'nope' } }),
    async valid(step) {
      const { agreementId } = await signed();
      const cancelled = await step('a signed agreement', { params: { agreementId } }, wechat, 200);
      expect(cancelled).toEqual({ status: 'CANCELLED' });
      await step('it again', { params: { agreementId } }, 'app', 200);
      await step('an unknown one', { params: { agreementId: madeUpAgreement() } }, wechat, 404);
    },
  },
  'POST /v1/accounts/{accountNumber}/id-renewal': {
    roles: ['app'],
    shaped: async () => ({
      params: { accountNumber: madeUpAccount() },
      body: json(await newPhotos(h, newPerson())),
    }),
    malformed: () => ({ params: { accountNumber: madeUpAccount() }, body: json({ idFront: 'x' }) }),
    async valid(step) {
      const { accountNumber, holder } = await signable();
      const params = { accountNumber };
      const renewed = await step(
        'photos of a valid card',
        { params, body: json(await newPhotos(h, holder)) },
        'app',
        200,
      );
      expect(renewed).toMatchObject({ accepted: true, idValidUntil: '2041-02-03' });
      const stranger = json(await newPhotos(h, newPerson()));
      const refused = await step("photos of someone else's card", { params, body: stranger }, 'app', 200);
      expect(field(refused, 'accepted')).toBe(false);
      await step(
        'an unknown account',
        { params: { accountNumber: madeUpAccount() }, body: stranger },
        'app',
        404,
      );
    },
  },
  'POST /v1/accounts/{accountNumber}/re-verifications': {
    roles: ['app'],
    shaped: async () => ({
      params: { accountNumber: madeUpAccount() },
      body: json({ documents: await newPhotos(h, newPerson()), intent: DECLARED }),
    }),
    malformed: () => ({
      params: { accountNumber: madeUpAccount() },
      body: json({ documents: { idFront: 'x' }, intent: DECLARED }),
    }),
    async valid(step) {
      const { accountNumber, holder } = await signable();
      const params = { accountNumber };
      const started = await step(
        'photos of the holder',
        { params, body: json({ documents: await newPhotos(h, holder), intent: DECLARED }) },
        'app',
        202,
      );
      expect(typeof field(started, 'caseId')).toBe('string');
      await step(
        'an unknown account',
        {
          params: { accountNumber: madeUpAccount() },
          body: json({ documents: await newPhotos(h, holder), intent: DECLARED }),
        },
        'app',
        404,
      );
    },
  },
  'POST /v1/accounts/{accountNumber}/restrictions': {
    roles: ['operator', 'supervisor'],
    shaped: async () => ({
      params: { accountNumber: madeUpAccount() },
      body: json({ category: 'OTHER', note: 'conformance' }),
    }),
    malformed: () => ({
      params: { accountNumber: madeUpAccount() },
      body: json({ category: 'MONEY_MULE', note: 'conformance' }),
    }),
    async valid(step) {
      const { accountNumber } = await signable();
      const params = { accountNumber };
      const body = json({ category: 'SUSPECTED_ACCOUNT_TRADING', note: 'conformance' });
      const proposed = await step('an operator proposes', { params, body }, 'operator', 202);
      expect(field(proposed, 'status')).toBe('PROPOSED');
      await step(
        'an operator while one is proposed',
        { params, body },
        { role: 'operator', id: 'op-bob' },
        409,
      );
      const confirmed = await step('the supervisor confirms', { params, body }, 'supervisor', 201);
      expect(field(confirmed, 'status')).toBe('IN_FORCE');
      await step('an unknown account', { params: { accountNumber: madeUpAccount() }, body }, 'operator', 404);
      const own = await signable();
      const selfBody = json({ category: 'OTHER', note: 'conformance' });
      await step(
        'a supervisor proposes',
        { params: { accountNumber: own.accountNumber }, body: selfBody },
        'supervisor',
        202,
      );
      await step(
        'the proposer confirms',
        { params: { accountNumber: own.accountNumber }, body: selfBody },
        'supervisor',
        403,
      );
    },
  },
  'POST /v1/accounts/{accountNumber}/restrictions/{caseId}/decision': {
    roles: ['operator', 'supervisor'],
    shaped: async () => ({
      params: { accountNumber: madeUpAccount(), caseId: randomUUID() },
      body: json({ decision: 'LIFT', note: 'conformance' }),
    }),
    malformed: () => ({
      params: { accountNumber: madeUpAccount(), caseId: randomUUID() },
      body: json({ decision: 'REVOKE', note: 'conformance' }),
    }),
    async valid(step) {
      const { accountNumber } = await signable();
      const body = json({ category: 'OTHER', note: 'conformance' });
      const restrict = (who: Who) =>
        api.inject({
          method: 'POST',
          url: `/v1/accounts/${accountNumber}/restrictions`,
          headers: { ...authorization(who), 'content-type': 'application/json' },
          payload: body?.payload,
        });
      const caseId = String(field((await restrict('operator')).json(), 'caseId'));
      await restrict('supervisor');
      const params = { accountNumber, caseId };
      await step(
        'uphold without an appeal',
        { params, body: json({ decision: 'UPHOLD', note: 'conformance' }) },
        'operator',
        409,
      );
      const lifted = await step(
        'lift',
        { params, body: json({ decision: 'LIFT', note: 'conformance' }) },
        'operator',
        200,
      );
      expect(field(lifted, 'status')).toBe('LIFTED');
      await step(
        'a case that has ended',
        { params, body: json({ decision: 'LIFT', note: 'conformance' }) },
        'operator',
        409,
      );
      await step(
        'an unknown case',
        {
          params: { accountNumber, caseId: randomUUID() },
          body: json({ decision: 'LIFT', note: 'conformance' }),
        },
        'supervisor',
        404,
      );
    },
  },
  'GET /v1/accounts/{accountNumber}/agreements': {
    roles: BANK_ROLES,
    shaped: async () => ({ params: { accountNumber: madeUpAccount() } }),
    malformed: () => ({ params: { accountNumber: '12ab' } }),
    async valid(step) {
      const { accountNumber, agreementId } = await signed();
      const listed = await step('an account with one', { params: { accountNumber } }, 'app', 200);
      expect(field(listed, 'agreements')).toEqual([expect.objectContaining({ agreementId })]);
      await step('an unknown account', { params: { accountNumber: madeUpAccount() } }, 'operator', 404);
    },
  },
  'POST /v1/debits': {
    roles: ['institution'],
    shaped: async () => ({
      body: json({ agreementNumber: 'AG0000000000', amountCny: '1', reference: 'r-1' }),
    }),
    malformed: () => ({ body: json({ agreementNumber: 'AG0000000000', amountCny: 1, reference: 'r-1' }) }),
    async valid(step) {
      const { accountNumber, agreementNumber } = await signed();
      await fetch(`${h.coreBankingUrl}/sandbox/accounts/${accountNumber}/credits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ amountCny: '100', from: 'BOUND' }),
      });
      const body = { agreementNumber, amountCny: '10', reference: `debit-${randomUUID()}` };
      await step('a debit within the limits', { body: json(body) }, wechat, 201);
      await step('the same debit again', { body: json(body) }, wechat, 200);
      await step(
        'another debit under its reference',
        { body: json({ ...body, amountCny: '11' }) },
        wechat,
        409,
      );
      const refused = await step(
        'past the per-debit limit',
        { body: json({ ...body, amountCny: '100.01', reference: `debit-${randomUUID()}` }) },
        wechat,
        422,
      );
      expect(field(refused, 'reason')).toBe('PER_DEBIT_LIMIT');
    },
  },
} satisfies Record<string, Case>);

const caseKeys = Object.keys(cases);

// ---------------------------------------------------------------------------------------------

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('holds the invariants clients rely on: 3.1.x, operations with responses, references that resolve', () => {
    const parsed = parseDocument(doc);
    expect(parsed.openapi).toMatch(/^3\.1\.\d+$/);
    expect(Object.keys(parsed.paths).length).toBeGreaterThan(0);
    for (const [path, item] of Object.entries(parsed.paths)) {
      expect
        .soft(operations.filter((o) => o.path === path).length, `${path} has operations`)
        .toBeGreaterThan(0);
      expect.soft(Object.keys(item).length).toBeGreaterThan(0);
    }
    const schemes = Object.keys(parsed.components?.securitySchemes ?? {});
    for (const op of operations) {
      expect.soft(Object.keys(op.responses).length, `${op.key} documents responses`).toBeGreaterThan(0);
      for (const [status, response] of Object.entries(op.responses)) {
        expect
          .soft(status, `${op.key}: a status code, a range or default`)
          .toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
        expect.soft(response.description, `${op.key} ${status} has a description`).toMatch(/\S/);
      }
      // Every {name} in the path is a required path parameter, and no other path parameter exists.
      const templated = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const pathParams = op.parameters.filter((p) => p.in === 'path');
      expect
        .soft(pathParams.map((p) => p.name).sort(), `${op.key} path parameters`)
        .toEqual(templated.sort());
      for (const p of pathParams) expect.soft(p.required, `${op.key} {${p.name}} is required`).toBe(true);
      // Every call needs a bearer token: each operation names a defined security scheme.
      expect.soft(op.security.length, `${op.key} requires a security scheme`).toBeGreaterThan(0);
      for (const requirement of op.security) {
        for (const name of Object.keys(requirement)) {
          expect.soft(schemes, `${op.key}: security scheme ${name} is defined`).toContain(name);
        }
      }
    }
    for (const { at, ref } of refsIn(doc)) {
      expect.soft(() => resolvePointer(doc, ref), `${at}: $ref ${ref} resolves`).not.toThrow();
    }
  });

  it('documents schemas this test can check answers against (the check is not vacuous)', () => {
    const read = operation('GET /v1/applications/{applicationId}');
    const schema = documentedResponse(read, 200)?.content?.['application/json']?.schema;
    expect(schema).toBeDefined();
    expect(schemas.problems(schema, {})).not.toEqual([]);
    expect(schemas.problems(schema, { applicationId: 42 }).join(' ')).toMatch(/applicationId/);
  });

  it('has a conformance case for every operation, and no case for an undocumented one', () => {
    expect(operations.map((o) => o.key).sort()).toEqual([...caseKeys].sort());
  });

  it("declares every problem's code: required, and one of the problem codes' enum", () => {
    for (const op of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const schema = response.content?.['application/problem+json']?.schema;
        const where = `${op.key} ${status}`;
        expect.soft(field(schema, 'required'), `${where}: code is required`).toContain('code');
        const code = field(field(schema, 'properties'), 'code');
        expect.soft(field(code, 'enum'), `${where}: code's enum`).toEqual(problemCodeSchema.options);
        expect
          .soft(schemas.problems(schema, { ...problemOf(status), code: 'GUESSED' }), where)
          .not.toEqual([]);
        expect
          .soft(schemas.problems(schema, { ...problemOf(status), code: 'SAME_OPERATOR' }), where)
          .toEqual([]);
      }
    }
  });
});

/** A minimal problem of a status, to try a code against the documented schema. */
const problemOf = (status: string) => ({
  type: `urn:account-opening:problem:${status}`,
  title: 'Refused',
  status: Number(status),
  detail: 'refused',
});

describe.each(caseKeys)('%s', (key) => {
  const c = cases[key]!;

  it('without a token: 401 problem+json, as documented', async () => {
    const op = operation(key);
    const res = await send(op, await c.shaped(), null);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    const body = checkAnswer(op, res, 401, 'no Authorization header');
    expect(field(body, 'code')).toBe('UNAUTHORIZED');
  });

  const refused = ALL_ROLES.filter((r) => !c.roles.includes(r));
  if (refused.length > 0) {
    it(`with a token of a role it refuses (${refused.join(', ')}): 403 problem+json, as documented`, async () => {
      const op = operation(key);
      for (const role of refused) {
        const body = checkAnswer(op, await send(op, await c.shaped(), role), 403, `a ${role} token`);
        expect.soft(field(body, 'code'), `a ${role} token`).toBe('FORBIDDEN');
      }
    });
  }

  const malformed = c.malformed;
  if (malformed) {
    it('a malformed request: 400 problem+json with a detail, as documented', async () => {
      const op = operation(key);
      const body = checkAnswer(op, await send(op, malformed(), c.roles[0]!), 400, 'malformed');
      expect(field(body, 'detail')).toMatch(/\S/);
      expect(field(body, 'code')).toBe('INVALID_REQUEST');
    });
  }

  it('valid requests: documented statuses, bodies that match the documented schemas', async () => {
    await c.valid(stepper(operation(key)));
  });
});

describe('across all operations', () => {
  it('called every documented operation with valid requests', () => {
    expect([...exercisedValidly].sort()).toEqual(operations.map((o) => o.key).sort());
  });

  it('every answer came in the media type documented for its status', () => {
    // Only meaningful after the conformance cases ran: every operation answered something.
    expect([...exercised].sort()).toEqual(operations.map((o) => o.key).sort());
    const gaps = [...mediaTypeGaps].sort();
    expect(gaps, gaps.join('\n')).toEqual([]);
  });
});
