/**
 * The drill's traffic, through the HTTP API as apps, operators and payment institutions use it
 * (the SDK), and through the providers sandbox as the customer's phone: applications on
 * customer sessions, reviews decided by operators, agreements signed with the code the holder
 * received, accounts funded from their bound card, then the burst of debits, each retried under
 * its own reference until the bank gives a final answer.
 */
import { makeIdCardImage } from '../../sandbox/providers/id-card-image';
import { ApiClient, ApiError } from '../../sdk';
import { fetchWithTimeout, GaveUpError, type Persistence, persist, UnexpectedError, until } from './persist';
import {
  AGREEMENT_LIMITS,
  type Applicant,
  type DrillInstitution,
  FUNDING_CNY,
  INSTITUTIONS,
  type PlannedDebit,
} from './plan';
import type { ToldDebit } from './verdict';

/** Longer than the API's own deadline for a start (20 s), so that the API, not us, decides to answer 202. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface TrafficConfig {
  apiUrl: string;
  providersUrl: string;
  coreBankingUrl: string;
  tokens: {
    app: string;
    alice: string;
    bob: string;
    institutions: Record<DrillInstitution, string>;
  };
}

/** What happened to one applicant, as the drill saw it (the verdict reads the stores instead). */
export interface Journey {
  applicant: Applicant;
  accountNumber?: string;
  reviewCleared?: boolean;
  agreements: { institution: DrillInstitution; agreementNumber: string }[];
  funded?: boolean;
  /** Where it stopped, when it did not finish: a step and an error name or status, never personal data. */
  stoppedAt?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Traffic {
  private readonly fetch = fetchWithTimeout(REQUEST_TIMEOUT_MS);
  private readonly backend: ApiClient;
  private readonly alice: ApiClient;
  private readonly bob: ApiClient;
  private readonly institutions: Record<DrillInstitution, ApiClient>;

  constructor(
    private readonly config: TrafficConfig,
    private readonly p: Persistence,
  ) {
    const client = (token: string) => new ApiClient({ baseUrl: config.apiUrl, token, fetch: this.fetch });
    this.backend = client(config.tokens.app);
    this.alice = client(config.tokens.alice);
    this.bob = client(config.tokens.bob);
    this.institutions = Object.fromEntries(
      INSTITUTIONS.map((i) => [i, client(config.tokens.institutions[i])]),
    ) as Record<DrillInstitution, ApiClient>;
  }

  /** Opens the applicant's account: a session, the photos, the start, the SMS code. */
  async open(journey: Journey): Promise<void> {
    const a = journey.applicant;
    const { sessionToken } = await persist(this.p, 'createSession', () =>
      this.backend.createSession({ applicationId: a.applicationId }),
    );
    const device = new ApiClient({ baseUrl: this.config.apiUrl, token: sessionToken, fetch: this.fetch });
    const front = makeIdCardImage({
      side: 'FRONT',
      name: a.name,
      idNumber: a.idNumber,
      ...(a.review && { quality: ['BLURRED'] }),
    });
    const idFront = await persist(this.p, 'uploadDocument', () => device.uploadDocument(front, 'image/png'));
    const back = makeIdCardImage({ side: 'BACK', validUntil: 'LONG' });
    const idBack = await persist(this.p, 'uploadDocument', () => device.uploadDocument(back, 'image/png'));
    const sentAfter = Date.now();
    const started = await persist(this.p, 'startApplication', () =>
      device.startApplication(
        {
          applicationId: a.applicationId,
          applicant: { name: a.name, idNumber: a.idNumber, mobile: a.mobile },
          boundAccount: { number: a.card, kind: 'DEBIT' },
          documents: { idFront, idBack },
          // v4, the own app's default: the customer's stated purpose and declaration, and the
          // phone the journey runs on (one per journey, so no linked-applicant doubts arise).
          intent: { purpose: 'SAVINGS', declaresNoRentOrSale: true },
          device: { deviceId: `drill-device-${a.applicationId}`, platform: 'ANDROID', ip: '127.0.0.1' },
        },
        { maxWaitMs: Math.max(1000, this.p.deadline - Date.now()) },
      ),
    );
    if (started.status !== 'AWAITING_SMS_CODE') throw new UnexpectedError(`start answered ${started.status}`);
    const code = await this.smsCode(a.mobile, sentAfter);
    const key = `drill-code-${a.applicationId}`;
    const opened = await persist(this.p, 'submitSmsCode', async () => {
      try {
        return await device.submitSmsCode(a.applicationId, code, key);
      } catch (err) {
        // The code went through but its answer was lost with a killed API: the application says.
        if (err instanceof ApiError && err.status === 409) {
          const now = await device.getApplication(a.applicationId);
          if (now.status === 'OPENED' && now.accountNumber)
            return { ...now, accountNumber: now.accountNumber };
        }
        throw err;
      }
    });
    if (opened.status !== 'OPENED') throw new UnexpectedError(`the code answered ${opened.status}`);
    journey.accountNumber = opened.accountNumber;
  }

  /** Operators clear the review: at once, or after a rejection, a hold and new photos. */
  async clearReview(journey: Journey): Promise<void> {
    const a = journey.applicant;
    const accountNumber = journey.accountNumber!;
    const reviewId = `review-${a.applicationId}`;
    // Until the onboarding has started the review, the API does not know it.
    const notYet = (err: unknown) => err instanceof ApiError && err.status === 404;
    const pending = await until(
      this.p,
      'getReview',
      () => persist(this.p, 'getReview', () => this.alice.getReview(reviewId), notYet),
      (r) => r.status === 'PENDING',
    );
    if (a.resubmit) {
      await this.decide(
        this.alice,
        reviewId,
        pending.round,
        'REJECT',
        'DOCUMENT_ILLEGIBLE',
        'drill: blurred photo',
      );
      await until(
        this.p,
        'getReview',
        () => this.alice.getReview(reviewId),
        (r) => r.status === 'AWAITING_RESUBMISSION',
      );
      const { sessionToken } = await persist(this.p, 'createSession', () =>
        this.backend.createSession({ accountNumber }),
      );
      const device = new ApiClient({ baseUrl: this.config.apiUrl, token: sessionToken, fetch: this.fetch });
      const upload = (bytes: Buffer) =>
        persist(this.p, 'uploadDocument', () => device.uploadDocument(bytes, 'image/png'));
      const idFront = await upload(makeIdCardImage({ side: 'FRONT', name: a.name, idNumber: a.idNumber }));
      const idBack = await upload(makeIdCardImage({ side: 'BACK', validUntil: 'LONG' }));
      const resubmitted = await persist(this.p, 'resubmitIdDocuments', () =>
        device.resubmitIdDocuments(accountNumber, { idFront, idBack }, `drill-resubmit-${a.applicationId}`),
      );
      if (!resubmitted.accepted)
        throw new UnexpectedError(`new photos refused: ${resubmitted.reasons.join(',')}`);
      const again = await until(
        this.p,
        'getReview',
        () => this.alice.getReview(reviewId),
        (r) => r.status === 'PENDING' && r.round === resubmitted.round,
      );
      // The one who rejected may not approve the same case: another operator does.
      await this.decide(this.bob, reviewId, again.round, 'APPROVE', 'RESUBMITTED_DOCUMENT_VERIFIED');
    } else {
      await this.decide(this.alice, reviewId, pending.round, 'APPROVE', 'DOCUMENT_LEGIBLE_ON_INSPECTION');
    }
    await until(
      this.p,
      'getReview',
      () => this.alice.getReview(reviewId),
      (r) => r.status === 'CLEARED',
    );
    journey.reviewCleared = true;
  }

  private async decide(
    operator: ApiClient,
    reviewId: string,
    round: number,
    decision: 'APPROVE' | 'REJECT',
    reasonCode: 'DOCUMENT_LEGIBLE_ON_INSPECTION' | 'RESUBMITTED_DOCUMENT_VERIFIED' | 'DOCUMENT_ILLEGIBLE',
    note?: string,
  ): Promise<void> {
    const key = `drill-decide-${reviewId}-${round}`;
    await persist(this.p, 'decide', async () => {
      try {
        await operator.decide(reviewId, { round, decision, reasonCode, ...(note && { note }) }, key);
      } catch (err) {
        // Decided, but the answer was lost: the case shows the decision on its round.
        if (err instanceof ApiError && err.status === 409) {
          const now = await operator.getReview(reviewId);
          if (now.decisions.some((d) => d.round === round && d.decision === decision)) return;
        }
        throw err;
      }
    });
  }

  /** Signs each of the account's agreements: the institution asks, the holder types the code sent. */
  async signAgreements(journey: Journey): Promise<void> {
    const a = journey.applicant;
    for (const [k, institution] of a.institutions.entries()) {
      const client = this.institutions[institution];
      const reference = `drill-sign-${a.applicationId}-${k}`;
      const sentAfter = Date.now();
      let signing = await persist(this.p, 'startAgreement', () =>
        client.startAgreement({
          accountNumber: journey.accountNumber!,
          holder: { name: a.name, idNumber: a.idNumber, mobile: a.mobile },
          scope: 'QUICK_PAY',
          ...AGREEMENT_LIMITS,
          reference,
        }),
      );
      if (signing.status === 'CHECKING') {
        signing = await until(
          this.p,
          'getAgreement',
          () => client.getAgreement(signing.agreementId),
          (s) => s.status !== 'CHECKING',
        );
      }
      if (signing.status !== 'AWAITING_SMS_CODE')
        throw new UnexpectedError(`signing answered ${signing.status} ${signing.reason ?? ''}`);
      const code = await this.smsCode(a.mobile, sentAfter);
      const signed = await persist(this.p, 'submitAgreementCode', async () => {
        try {
          return await client.submitAgreementCode(signing.agreementId, code);
        } catch (err) {
          // Signed, but the answer was lost: the signing says.
          if (err instanceof ApiError && err.status === 409) {
            const now = await client.getAgreement(signing.agreementId);
            if (now.status === 'SIGNED' && now.agreementNumber)
              return { status: 'SIGNED' as const, agreementNumber: now.agreementNumber };
          }
          throw err;
        }
      });
      if (signed.status !== 'SIGNED') throw new UnexpectedError(`the signing code answered ${signed.status}`);
      journey.agreements.push({ institution, agreementNumber: signed.agreementNumber });
    }
  }

  /** A transfer in from the bound card (the sandbox's own route): outside the caps, made once per key. */
  async fund(journey: Journey): Promise<void> {
    const accountNumber = journey.accountNumber!;
    await persist(this.p, 'fund', async () => {
      const res = await this.fetch(
        `${this.config.coreBankingUrl}/sandbox/accounts/${accountNumber}/credits`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `drill-fund-${accountNumber}` },
          body: JSON.stringify({ amountCny: FUNDING_CNY, from: 'BOUND' }),
        },
      );
      if (res.status >= 500) throw new ApiError({ status: res.status, title: 'core banking', detail: '' });
      if (!res.ok) throw new UnexpectedError(`funding answered ${res.status}`);
    });
    journey.funded = true;
  }

  /** One debit of the burst, sent again under its reference until the bank answers for good. */
  async debit(journey: Journey, planned: PlannedDebit): Promise<ToldDebit> {
    const agreement = journey.agreements[planned.agreement];
    const told: ToldDebit = {
      institution: agreement?.institution ?? '?',
      reference: planned.reference,
      accountNumber: journey.accountNumber ?? '?',
      amountCny: planned.amountCny,
      outcome: 'UNANSWERED',
    };
    if (!agreement) return { ...told, reason: 'no agreement signed' };
    try {
      const debit = await persist(this.p, 'debit', () =>
        this.institutions[agreement.institution].debit({
          agreementNumber: agreement.agreementNumber,
          amountCny: planned.amountCny,
          reference: planned.reference,
        }),
      );
      return { ...told, outcome: 'SETTLED', amountCny: debit.amountCny, accountNumber: debit.accountNumber };
    } catch (err) {
      if (err instanceof ApiError && err.status === 422)
        return { ...told, outcome: 'REFUSED', reason: err.reason };
      if (err instanceof ApiError) return { ...told, reason: `${err.status} ${err.title}` };
      return { ...told, reason: err instanceof Error ? err.name : 'unknown' };
    }
  }

  /** The last code sent to the mobile, once one sent after `sentAfter` is there (the phone, played by the inbox). */
  private async smsCode(mobile: string, sentAfter: number): Promise<string> {
    const url = `${this.config.providersUrl}/sandbox/sms?mobile=${encodeURIComponent(mobile)}`;
    for (;;) {
      const last = await persist(this.p, 'smsInbox', async () => {
        const res = await this.fetch(url);
        if (res.status === 404) return undefined;
        if (!res.ok) throw new ApiError({ status: res.status, title: 'providers sandbox', detail: '' });
        return (await res.json()) as { code: string; sentAt: string };
      });
      // The same machine's clock: a code sent before this step began is an earlier step's.
      if (last && Date.parse(last.sentAt) >= sentAfter) return last.code;
      if (Date.now() > this.p.deadline) throw new GaveUpError('no SMS code arrived by the deadline');
      await sleep(250);
    }
  }
}

/** Where a journey stopped, for the figures: the error's kind, never its message (which could hold data). */
export function whyStopped(step: string, err: unknown): string {
  if (err instanceof ApiError) return `${step}: ${err.status} ${err.title}`;
  if (err instanceof UnexpectedError) return `${step}: ${err.message}`;
  if (err instanceof GaveUpError) return `${step}: ${err.message}`;
  return `${step}: ${err instanceof Error ? err.name : 'unknown'}`;
}
