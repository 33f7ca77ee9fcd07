/**
 * The SDK's README example, runnable as written against `npm start`:
 *
 *   npx tsx sdk/examples/open-account.ts
 *
 * Two halves, as in a real app: the app's backend holds the app token and mints a session per
 * customer; the customer's device holds only that session's token. One customer opens an
 * account in flow v4, the bank's own app's default (ID photos, the purpose and the declaration,
 * the device, start, a mistyped SMS code, then the right one). Another's front photo is
 * blurred: the account opens with a review pending, an operator rejects the photo (a payment
 * hold), the customer comes back on a session minted for the account and re-submits photos, a
 * second operator approves and the hold is lifted. API_URL, SANDBOX_URL, APP_TOKEN,
 * OPERATOR_TOKEN and SECOND_OPERATOR_TOKEN point it elsewhere.
 */
import { ApiClient, ApiError } from '../index';
import { Sandbox, testCustomer } from './sandbox';

const env = process.env;
const baseUrl = env.API_URL ?? 'http://127.0.0.1:8080';
const sandbox = new Sandbox(env.SANDBOX_URL ?? 'http://127.0.0.1:7310');
// The app's backend: the app token never leaves the server.
const backend = new ApiClient({ baseUrl, token: env.APP_TOKEN ?? 'dev-app-token-change-me' });
// The bank's staff, here only so that the review runs too: the one who rejects may not approve.
const alice = new ApiClient({ baseUrl, token: env.OPERATOR_TOKEN ?? 'dev-operator-alice-change-me' });
const bob = new ApiClient({ baseUrl, token: env.SECOND_OPERATOR_TOKEN ?? 'dev-operator-bob-change-me' });

/** Asks again every half second, for up to 15 s, until `done` answers true. */
async function until(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; !(await done()); i++) {
    if (i === 30) throw new Error('gave up waiting');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The customer's device: a client on the session token its backend minted, and nothing else. */
const onDevice = (sessionToken: string) => new ApiClient({ baseUrl, token: sessionToken });

async function openAccount(photo: { blurred: boolean }) {
  const customer = testCustomer();
  const { name, idNumber, mobile } = customer;

  // 0. The backend mints a session for a new application and hands its token to the phone,
  //    with the phone's address as the backend saw it (the API never takes its own peer's).
  const applicationId = crypto.randomUUID();
  const { sessionToken } = await backend.createSession({ applicationId });
  const phoneIp = '203.0.113.7';
  const app = onDevice(sessionToken);

  // 1. The customer photographs both sides of their ID card; the app uploads each image.
  const front = await sandbox.idCardImage({
    side: 'FRONT',
    name,
    idNumber,
    quality: photo.blurred ? ['BLURRED'] : [],
  });
  const idFront = await app.uploadDocument(front, 'image/png');
  const idBack = await app.uploadDocument(
    await sandbox.idCardImage({ side: 'BACK', validUntil: 'LONG' }),
    'image/png',
  );

  // 2. Start. Answers once the code is on its way (AWAITING_SMS_CODE) or the application is
  //    decided; a start that outlasts the API's deadline (202, CHECKING) is re-sent by the SDK.
  //    Flow v4 asks what the account is for, the customer's own declaration that it will not be
  //    rented, lent or sold (ticked by them, never preset), and the device: the app's stable
  //    installation id (IDFV, OAID), its platform and version, and the phone's address.
  const started = await app
    .startApplication({
      applicationId,
      applicant: { name, idNumber, mobile },
      boundAccount: { number: customer.card, kind: 'DEBIT' },
      documents: { idFront, idBack },
      intent: { purpose: 'SALARY', declaresNoRentOrSale: true },
      device: { deviceId: customer.deviceId, platform: 'IOS', ip: phoneIp, appVersion: '5.2.0' },
    })
    .catch((err: unknown) => {
      // A refusal names what to fix, e.g. 400 body.applicant.idNumber.
      if (err instanceof ApiError) console.error(`refused: ${err.status} ${err.field ?? ''} ${err.detail}`);
      throw err;
    });
  if (started.status !== 'AWAITING_SMS_CODE') {
    throw new Error(`${started.status}: ${started.reasons?.join(', ')}`);
  }

  // 3. The customer types the code their phone received, and gets it wrong once. A wrong code
  //    is an answer, not an error. Re-send a lost call with the same idempotency key.
  const code = await sandbox.smsCode(mobile);
  const typo = code.slice(0, 5) + ((Number(code[5]) + 1) % 10);
  const wrong = await app.submitSmsCode(applicationId, typo, crypto.randomUUID());
  if (wrong.status === 'WRONG_CODE') console.log(`wrong code: ${wrong.attemptsLeft} tries left`);
  const opened = await app.submitSmsCode(applicationId, code, crypto.randomUUID());
  if (opened.status !== 'OPENED') throw new Error(`${opened.status}`);

  // 4. The account is open at once, even with a review pending.
  const account = await app.getAccount(opened.accountNumber);
  console.log(
    `account ${account.accountNumber}: class ${account.accountClass}, ${account.status}, review ${opened.review}`,
  );
  // 5. Done on this device: the session ends and its token opens nothing any more.
  await app.endSession();
  const refused = await app.getAccount(opened.accountNumber).catch((err: ApiError) => err.status);
  console.log(`session ended: ${refused}`);
  return { customer, applicationId, accountNumber: opened.accountNumber };
}

// A clean application.
await openAccount({ blurred: false });

// A blurred photo: an operator rejects it, and the account may only receive (只收不付).
const held = await openAccount({ blurred: true });
const reviewId = `review-${held.applicationId}`;
await alice.decide(reviewId, {
  round: 1,
  decision: 'REJECT',
  reasonCode: 'DOCUMENT_ILLEGIBLE',
  note: 'the ID number is blurred',
});

// The backend is told by the RESUBMISSION_REQUESTED webhook (the delivery log says the same), and
// mints a session for the account when the customer comes back to send new photos.
await until(async () =>
  (await backend.listEvents(held.applicationId)).some((e) => e.type === 'RESUBMISSION_REQUESTED'),
);
const app = onDevice((await backend.createSession({ accountNumber: held.accountNumber })).sessionToken);
const { restrictions, status } = await app.getAccount(held.accountNumber);
console.log(
  `account ${held.accountNumber}: ${status}, ${restrictions.map((r) => `${r.kind} → ${r.action}`)}`,
);

// New photos; `accepted: false` with reasons would mean: ask the customer once more.
const { name, idNumber } = held.customer;
const resubmitted = await app.resubmitIdDocuments(
  held.accountNumber,
  {
    idFront: await app.uploadDocument(
      await sandbox.idCardImage({ side: 'FRONT', name, idNumber }),
      'image/png',
    ),
    idBack: await app.uploadDocument(
      await sandbox.idCardImage({ side: 'BACK', validUntil: '2045-06-30' }),
      'image/png',
    ),
  },
  crypto.randomUUID(),
);
if (!resubmitted.accepted) throw new Error(`photos refused: ${resubmitted.reasons.join(', ')}`);
console.log(`new photos accepted: review round ${resubmitted.round}`);

// Another operator approves the new round, and the hold is lifted.
await bob.decide(reviewId, {
  round: resubmitted.round,
  decision: 'APPROVE',
  reasonCode: 'RESUBMITTED_DOCUMENT_VERIFIED',
});
await until(async () => (await app.getAccount(held.accountNumber)).status === 'ACTIVE');
console.log(`hold lifted: account ${held.accountNumber} is ACTIVE`);
