/**
 * What the bank holds on one person (POST /v1/data-exports, docs/retention.md): a supervisor
 * names the person by the ID number in the body and gets the applications, accounts, documents'
 * metadata and audit entries, decrypted; the export is audited; the ID number is in no log line.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../config/logger';
import { bearer, startApi } from '../support/api';
import { type Harness, newApplication, readSmsCode, startHarness } from '../support/harness';
import { newPerson } from '../support/people';

let h: Harness;
let api: FastifyInstance;
const lines: string[] = [];

beforeAll(async () => {
  h = await startHarness();
  const capture = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  api = await startApi(h, logger({ logLevel: 'debug' }, 'api', capture));
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
});

const exportOf = (payload: object, headers = bearer('supervisor')) =>
  api.inject({ method: 'POST', url: '/v1/data-exports', headers, payload });

describe('a data export', () => {
  it("holds a customer's application as entered, account, documents and audit entries, and is audited", async () => {
    const person = newPerson('李娜');
    const req = await newApplication(h.documents, { person });
    // Through the API, as an app starts it: the start seals the documents under the application's key.
    const started = await api.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: bearer('app'),
      payload: req,
    });
    expect(started.statusCode).toBe(200);
    const opened = await h.applications.submitSmsCode(
      req.applicationId,
      await readSmsCode(h.providersUrl, person.mobile),
    );
    if (opened.status !== 'OPENED') throw new Error('not opened');

    const res = await exportOf({ idNumber: person.idNumber });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      exportId: string;
      applications: {
        applicationId: string;
        request: { applicant: { name: string; idNumber: string; mobile: string } };
        application: { status: string };
        documents: { documentId: string }[];
        accounts: { account: { accountNumber: string }; holder: { name: string; idNumber: string } }[];
      }[];
    };
    expect(body.applications).toHaveLength(1);
    const [app] = body.applications;
    expect(app).toMatchObject({
      applicationId: req.applicationId,
      request: { applicant: { name: '李娜', idNumber: person.idNumber, mobile: person.mobile } },
      application: { status: 'OPENED' },
      accounts: [
        {
          account: { accountNumber: opened.accountNumber },
          holder: { name: '李娜', idNumber: person.idNumber },
        },
      ],
    });
    expect(app!.documents.map((d) => d.documentId).sort()).toEqual(
      [req.documents.idFront, req.documents.idBack].sort(),
    );
    const audited = await h.audit.forAccount(opened.accountNumber);
    expect(audited).toContainEqual(
      expect.objectContaining({
        action: 'DATA_EXPORTED',
        actor: 'sup-carol',
        refs: { exportId: body.exportId },
      }),
    );
    expect(lines.join('').includes(person.idNumber)).toBe(false);
  });

  it('answers a person the bank holds nothing on with no applications', async () => {
    const res = await exportOf({ idNumber: newPerson().idNumber });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ applications: [] });
  });

  it('refuses a malformed ID number (400, naming the field) and an operator (403)', async () => {
    const bad = await exportOf({ idNumber: '12345' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/idNumber/);
    expect((await exportOf({ idNumber: newPerson().idNumber }, bearer('operator'))).statusCode).toBe(403);
  });
});
