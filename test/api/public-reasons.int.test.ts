import { describe, expect, it } from 'vitest';
import { apiPerFile, bearer } from '../support/api';
import { appEvents, newApplication } from '../support/harness';
import { newCard, newPerson } from '../support/people';
import { eventually } from '../support/review';

const t = apiPerFile();

/** Each application's own back photo: byte-identical uploads would be one document, sealed once. */
let backs = 0;

async function rejectedAs(name: string, card?: string) {
  const back = { validUntil: `2041-01-${String(10 + ++backs).padStart(2, '0')}` };
  const req = await newApplication(t.h.documents, { person: newPerson(name), back, ...(card && { card }) });
  const app = await t.api.inject({
    method: 'POST',
    url: '/v1/applications',
    headers: bearer('app'),
    payload: req,
  });
  const staff = await t.api.inject({
    url: `/v1/applications/${req.applicationId}`,
    headers: bearer('operator'),
  });
  return { req, app: app.json(), staff: staff.json() };
}

describe('public reasons', () => {
  it('a name that does not match, one not found and a watch-list hit answer the app alike', async () => {
    const answers = await Promise.all(['王不符', '孙查无', '李命中'].map((name) => rejectedAs(name)));
    for (const { app } of answers) {
      expect(app.status).toBe('REJECTED');
      expect(app.reasons).toEqual(['IDENTITY_NOT_VERIFIED']);
    }
    const [mismatch, notFound, hit] = answers.map((a) => a.app.steps);
    expect(notFound).toEqual(mismatch);
    expect(hit).toEqual(mismatch);
    expect(JSON.stringify(answers.map((a) => a.app))).not.toMatch(/WATCHLIST|NOT_FOUND|MISMATCH/);

    expect(answers.map((a) => a.staff.reasons)).toEqual([
      ['IDENTITY_MISMATCH'],
      ['IDENTITY_NOT_FOUND'],
      ['WATCHLIST_CONFIRMED_MATCH'],
    ]);
  });

  it("a reserved phone that does not match the card is the app's CARD_NOT_VERIFIED", async () => {
    const { app, staff } = await rejectedAs('张伟', newCard('0002'));
    expect(app.reasons).toEqual(['CARD_NOT_VERIFIED']);
    expect(staff.reasons).toEqual(['CARD_PHONE_MISMATCH']);
  });

  it("the app's rejection webhook carries the public reasons", async () => {
    const { req } = await rejectedAs('孙查无');
    const events = await eventually(
      () => appEvents(t.h.providersUrl, req.applicationId),
      (e) => e.length > 0,
    );
    const rejected = events.find((e) => e.type === 'APPLICATION_REJECTED') as unknown as {
      data: { reasons: string[] };
    };
    expect(rejected.data.reasons).toEqual(['IDENTITY_NOT_VERIFIED']);
  });
});
