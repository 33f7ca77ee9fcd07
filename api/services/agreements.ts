/**
 * Agreements over Temporal and core banking: a signing is a workflow (start with
 * update-with-start, the code by update, read by query); a signed agreement lives in core
 * banking, which enforces it on every debit, so listing, cancelling a signed one and debiting go
 * there. Institutions see only their own signings and agreements; an account's app sees its
 * account's. The HTTP layer maps the errors to status codes.
 */
import { createHash } from 'node:crypto';
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import type { CoreBanking, DebitAnswer } from '../../adapters/ports';
import type { Agreement, DebitRequest, Institution } from '../../contracts/core-banking-payments';
import type {
  AgreementInput,
  AgreementPolicy,
  AgreementSigningView,
  SigningRefusal,
  SigningRequest,
  SubmitAgreementCodeResult,
} from '../../domain/agreement-signing';
import { canonicalJson } from '../../domain/canonical-json';
import { secondsToChinaMidnight, todayInChina } from '../../domain/china-time';
import {
  agreementIdOfNumber,
  agreementNumberOf,
  agreementWorkflowId,
  isAgreementId,
} from '../../domain/workflow-ids';
import { keyringOfCodecs } from '../../encryption/codec';
import type { DailyLimitStore } from '../../stores/daily-limits';
import type { agreement } from '../../workflows/agreement/agreement';
import {
  awaitSigningAnswer,
  cancelSigning,
  getSigning,
  getSigningFingerprint,
  submitAgreementCode,
} from '../../workflows/agreement/messages';
import { ConflictError, NotFoundError, TooManyError } from './errors';
import { isClosedWorkflowError, translateWorkflowError } from './workflow-errors';

/** Who asks: an institution (its own signings), the app of the account's channel, or staff (any). */
export type AgreementCaller = { institution: Institution } | { accountApp: true } | { staff: string };

export interface AgreementsOptions {
  client: Client;
  taskQueue: string;
  policy: AgreementPolicy;
  coreBanking: CoreBanking;
  /**
   * Mismatched elements and signing codes are counted per account and day
   * (policy.mismatchesPerAccountPerDay, policy.smsCodesPerAccountPerDay).
   */
  limits?: DailyLimitStore;
}

/** One agreement of an account as apps, staff and institutions read it. */
export interface AgreementSummary {
  agreementId?: string;
  agreementNumber: string;
  institution: Institution;
  scope: Agreement['scope'];
  status: Agreement['status'];
  payee?: string;
  period?: Agreement['period'];
  limits: { perDebitLimitCny: string; dailyLimitCny: string };
}

const NOT_FOUND = 'no agreement with this agreementId';

const APPLICATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The signing's id: the institution's reference, hashed, so it carries nothing the reference held. */
export const agreementIdOf = (institution: Institution, reference: string): string =>
  `agr-${createHash('sha256').update(`${institution}:${reference}`).digest('hex').slice(0, 32)}`;

export class Agreements {
  constructor(private readonly opts: AgreementsOptions) {}

  /**
   * Starts the signing, or finds the one this institution started with the same reference. Each
   * signing takes a mismatch and a code of the account's day before it starts, in one step of the
   * store, so signings sent at once cannot all pass the caps (the policy's
   * mismatchesPerAccountPerDay and smsCodesPerAccountPerDay): past either, a 429 and nothing is
   * started or sent. Once the signing answers, what it did not use is given back.
   */
  async start(req: SigningRequest, institution: Institution): Promise<AgreementSigningView> {
    const agreementId = agreementIdOf(institution, req.reference);
    const { reference: _reference, ...request } = req;
    const requestFingerprint = createHash('sha256')
      .update(canonicalJson({ ...req, institution }))
      .digest('hex');
    const day = todayInChina();
    await this.sealUnderHolder(agreementId, req.accountNumber);
    await this.takeUses(req.accountNumber, agreementId, day);
    const input: AgreementInput = {
      agreementId,
      agreementNumber: agreementNumberOf(agreementId),
      institution,
      request,
      requestFingerprint,
      policy: this.opts.policy,
    };
    let view: AgreementSigningView;
    try {
      view = await this.startOrFind(input);
    } catch (err) {
      // A reference used with another request, say: its signing, once answered, keeps only what it used.
      const now = await this.read(agreementId).catch(() => undefined);
      if (now && now.status !== 'CHECKING')
        await this.giveBackUnused(now, req.accountNumber, agreementId, day);
      throw err;
    }
    await this.giveBackUnused(view, req.accountNumber, agreementId, day);
    return view;
  }

  private async startOrFind(input: AgreementInput): Promise<AgreementSigningView> {
    const { agreementId, requestFingerprint } = input;
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof agreement>('agreement', {
      workflowId: agreementWorkflowId(agreementId),
      taskQueue: this.opts.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    try {
      return await this.opts.client.workflow.executeUpdateWithStart(awaitSigningAnswer, {
        args: [requestFingerprint],
        startWorkflowOperation,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw translate(err);
      // Ended already: the same request answers how it ended; another one is a conflict.
      const fingerprint = await this.handle(agreementId).query(getSigningFingerprint);
      if (fingerprint !== requestFingerprint) {
        throw new ConflictError(
          'this reference was already used with a different signing request',
          {},
          'REQUEST_MISMATCH',
        );
      }
      return this.read(agreementId);
    }
  }

  /**
   * Binds the signing to the application that opened the account (core banking's reference), so
   * that everything it carries (the holder's elements, the code, the account number) is sealed
   * under that person's key and shredded with it (docs/encryption.md). Before the start, since
   * the start's own payloads are the first sealed. An unknown account, or one this service did
   * not open (its reference is no application id), has no key of a person: the deployment key's.
   * A core banking that cannot answer fails the start before anything is started or counted.
   */
  private async sealUnderHolder(agreementId: string, accountNumber: string): Promise<void> {
    const keyring = keyringOfCodecs(this.opts.client.options.loadedDataConverter.payloadCodecs);
    const workflowId = agreementWorkflowId(agreementId);
    // A start sent again finds its binding: the first one stays, core banking is not asked twice.
    if (!keyring || (await keyring.applicationOfWorkflow(workflowId))) return;
    const account = await this.opts.coreBanking.getAccount(accountNumber);
    if (!account || !APPLICATION_ID.test(account.reference)) return;
    await keyring.bindWorkflow(workflowId, account.reference);
  }

  /**
   * Check and count in one step (the store's take, all or nothing): the signing's mismatch and
   * its code are counted before anything is checked or sent. A reference seen today counts once.
   */
  private async takeUses(accountNumber: string, agreementId: string, day: string): Promise<void> {
    if (!this.opts.limits) return;
    const { mismatchesPerAccountPerDay, smsCodesPerAccountPerDay } = this.opts.policy;
    const over = await this.opts.limits.take(
      [
        { kind: 'agreementMismatch', value: accountNumber, limit: mismatchesPerAccountPerDay },
        { kind: 'agreementSms', value: accountNumber, limit: smsCodesPerAccountPerDay },
      ],
      agreementId,
      day,
    );
    if (over === 'agreementMismatch') {
      throw new TooManyError(
        `signings for this account were refused ${mismatchesPerAccountPerDay} times today for elements that do not match, counting those still being checked; try again tomorrow`,
        secondsToChinaMidnight(),
      );
    }
    if (over === 'agreementSms') {
      throw new TooManyError(
        `the holder of this account was sent ${smsCodesPerAccountPerDay} signing codes today, counting those of signings still being checked; try again tomorrow`,
        secondsToChinaMidnight(),
      );
    }
  }

  /**
   * What a signing did not use goes back: the mismatch unless it was refused for one; the code
   * when it was refused before any was sent. Unsure (still checking), it keeps both.
   */
  private async giveBackUnused(
    view: AgreementSigningView,
    accountNumber: string,
    agreementId: string,
    day: string,
  ): Promise<void> {
    const { limits } = this.opts;
    if (!limits || view.status === 'CHECKING') return;
    const refusedFor = view.status === 'REFUSED' ? view.reason : undefined;
    if (refusedFor !== 'HOLDER_MISMATCH') {
      await limits.release('agreementMismatch', accountNumber, agreementId, day);
    }
    if (refusedFor && REFUSED_BEFORE_CODE.has(refusedFor)) {
      await limits.release('agreementSms', accountNumber, agreementId, day);
    }
  }

  async submitCode(
    agreementId: string,
    code: string,
    institution: Institution,
  ): Promise<SubmitAgreementCodeResult> {
    await this.ofInstitution(agreementId, institution);
    try {
      return await this.handle(agreementId).executeUpdate(submitAgreementCode, { args: [code] });
    } catch (err) {
      if (isClosedWorkflowError(err)) {
        const view = await this.read(agreementId);
        throw new ConflictError(
          `the signing is ${view.status}, not waiting for a code`,
          { signingStatus: view.status },
          'WRONG_STATE',
        );
      }
      throw translate(err);
    }
  }

  /** The signing as its institution sees it; a signed one with core banking's status of its agreement. */
  async get(agreementId: string, institution: Institution): Promise<AgreementSigningView> {
    return this.ofInstitution(agreementId, institution);
  }

  /**
   * Cancels: a signing still running stops; a signed agreement is cancelled in core banking
   * (final; cancelling again answers CANCELLED). `owns` tells whether an app caller owns the
   * account (the API's owner rule).
   */
  async cancel(
    agreementId: string,
    caller: AgreementCaller,
    owns: (accountNumber: string) => Promise<boolean>,
  ): Promise<{ status: 'CANCELLED'; accountNumber: string }> {
    if (!isAgreementId(agreementId)) throw new NotFoundError(NOT_FOUND);
    const agreementNumber = agreementNumberOf(agreementId);
    const signing = await this.read(agreementId).catch((err: unknown) => {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    });
    const signed = signing ? undefined : await this.opts.coreBanking.getAgreement(agreementNumber);
    const institution = signing?.institution ?? signed?.institution;
    const accountNumber = signing?.accountNumber ?? signed?.accountNumber;
    if (!institution || !accountNumber) throw new NotFoundError(NOT_FOUND);
    const allowed =
      'staff' in caller ||
      ('institution' in caller ? caller.institution === institution : await owns(accountNumber));
    if (!allowed) throw new NotFoundError(NOT_FOUND);

    if (signing && (signing.status === 'CHECKING' || signing.status === 'AWAITING_SMS_CODE')) {
      try {
        await this.handle(agreementId).executeUpdate(cancelSigning, { args: [{ by: byWhom(caller) }] });
        return { status: 'CANCELLED', accountNumber };
      } catch (err) {
        if (!isClosedWorkflowError(err) && !(translate(err) instanceof ConflictError)) throw translate(err);
        // It moved on meanwhile (signed, say): read again below.
      }
    }
    const now = signing ? await this.read(agreementId) : undefined;
    if (now?.status === 'CANCELLED') return { status: 'CANCELLED', accountNumber };
    if (now && now.status !== 'SIGNED') {
      throw new ConflictError(`the signing is ${now.status}: there is nothing to cancel`, {
        signingStatus: now.status,
      });
    }
    const cancelled = await this.opts.coreBanking.cancelAgreement(agreementNumber);
    if (!cancelled) throw new NotFoundError(NOT_FOUND);
    return { status: 'CANCELLED', accountNumber };
  }

  /** An account's agreements, as core banking keeps them (oldest first); undefined for an unknown account. */
  async listForAccount(
    accountNumber: string,
    institution?: Institution,
  ): Promise<AgreementSummary[] | undefined> {
    const all = await this.opts.coreBanking.listAgreements(accountNumber);
    if (!all) return undefined;
    return all
      .filter((a) => !institution || a.institution === institution)
      .map((a) => {
        const agreementId = agreementIdOfNumber(a.agreementNumber);
        return {
          ...(agreementId && { agreementId }),
          agreementNumber: a.agreementNumber,
          institution: a.institution,
          scope: a.scope,
          status: a.status,
          ...(a.payee && { payee: a.payee }),
          ...(a.period && { period: a.period }),
          limits: { perDebitLimitCny: a.perDebitLimitCny, dailyLimitCny: a.dailyLimitCny },
        };
      });
  }

  /** A debit under an agreement: core banking checks the institution, the agreement, the holds, the limits and the caps. */
  debit(req: Omit<DebitRequest, 'institution'>, institution: Institution): Promise<DebitAnswer> {
    return this.opts.coreBanking.debit({ ...req, institution });
  }

  private async ofInstitution(agreementId: string, institution: Institution): Promise<AgreementSigningView> {
    if (!isAgreementId(agreementId)) throw new NotFoundError(NOT_FOUND);
    const view = await this.read(agreementId);
    // Another institution's signing is answered exactly like an unknown one.
    if (view.institution !== institution) throw new NotFoundError(NOT_FOUND);
    return view;
  }

  private async read(agreementId: string): Promise<AgreementSigningView> {
    try {
      return await this.handle(agreementId).query(getSigning);
    } catch (err) {
      throw translate(err);
    }
  }

  private handle(agreementId: string) {
    return this.opts.client.workflow.getHandle<typeof agreement>(agreementWorkflowId(agreementId));
  }
}

/** Refusals given before any code is sent (workflows/agreement/agreement.ts checkAndSendCode). */
const REFUSED_BEFORE_CODE: ReadonlySet<SigningRefusal> = new Set([
  'HOLDER_MISMATCH',
  'ACCOUNT_FROZEN',
  'ACCOUNT_CLOSED',
]);

const byWhom = (caller: AgreementCaller): string =>
  'institution' in caller ? caller.institution : 'staff' in caller ? caller.staff : 'ACCOUNT_APP';

const translate = (err: unknown) =>
  err instanceof WorkflowNotFoundError
    ? new NotFoundError(NOT_FOUND)
    : translateWorkflowError(err, { notFound: NOT_FOUND, closed: 'the signing has ended' });
