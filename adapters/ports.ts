/**
 * One port per external system. Activities are built from ports, so tests and sandboxes plug
 * in without module mocking; the HTTP adapters in ./http are the production implementations.
 */
import type {
  AccountHolder,
  CoreAccount,
  HolderCheckAnswer,
  IdExpiringList,
  IdleList,
  ReVerificationDueList,
} from '../contracts/core-banking';
import type {
  AccountLedger,
  Agreement,
  CreditRefusalReason,
  CreditRequest,
  Debit,
  DebitRefusalReason,
  DebitRequest,
  LedgerEntry,
  RegisterAgreementRequest,
} from '../contracts/core-banking-payments';
import type { AppEvent, FaceResponse, OcrResponse, UnionPayResult } from '../contracts/providers';
import type { Applicant, BoundAccount } from '../domain/applicant';
import type { RequestApplicant } from '../domain/application';
import type { AuditEntry, AuditEvent } from '../domain/audit';
import type { ApplicationRecord } from '../domain/reconciliation';

export interface IdCardReader {
  read(side: 'FRONT' | 'BACK', image: Buffer): Promise<OcrResponse>;
}

export interface IdentityRegister {
  verify(name: string, idNumber: string): Promise<'MATCH' | 'MISMATCH' | 'NOT_FOUND'>;
}

export interface Watchlist {
  screen(name: string, idNumber: string): Promise<'CLEAR' | 'POSSIBLE_MATCH' | 'CONFIRMED_MATCH'>;
}

/** The joint-punishment list for account trading (惩戒名单): a listed person gets no new account. */
export interface PunishmentList {
  /** LISTED while the person's punishment runs (one whose end has passed is NOT_LISTED). */
  check(idNumber: string): Promise<'LISTED' | 'NOT_LISTED'>;
}

/**
 * Linked applicants (flow v4): the adapter keys every value with an HMAC before the shared store
 * sees it, so the store never holds a device id, mobile or ID number.
 */
export interface LinkedApplicants {
  /**
   * Records that `idNumber` applied from `deviceId` (and `mobile`) at `at`; answers this identity's
   * rank among the distinct identities seen on that device / mobile within the window (1 = the
   * first; a repeated call answers the same). rankOnMobile is 0 without a mobile.
   */
  record(input: {
    idNumber: string;
    deviceId: string;
    mobile?: string;
    at: Date;
    windowSeconds: number;
  }): Promise<{ rankOnDevice: number; rankOnMobile: number }>;
}

export interface UnionPay {
  /** Checks the four elements and, on a match, sends a code to the reserved mobile (and says when it expires). */
  checkFourElements(
    applicant: Applicant,
    cardNumber: string,
    idempotencyKey: string,
  ): Promise<{ result: Exclude<UnionPayResult, 'BUSY'>; verificationId?: string; codeExpiresAt?: string }>;
  confirmSmsCode(verificationId: string, code: string): Promise<'OK' | 'WRONG_CODE' | 'EXPIRED'>;
  /** Sends a new code for the same verification; the one sent before stops being confirmable. */
  resendSmsCode(verificationId: string, idempotencyKey: string): Promise<{ codeExpiresAt?: string }>;
  /** Checks name, ID number and card only: no reserved mobile, no SMS code (flow v2). */
  checkThreeElements(
    applicant: Pick<Applicant, 'name' | 'idNumber'>,
    cardNumber: string,
    idempotencyKey: string,
  ): Promise<Exclude<UnionPayResult, 'BUSY' | 'PHONE_MISMATCH'>>;
}

export interface FaceVerifier {
  /**
   * Liveness of the selfie and its similarity to the register's photo for the ID number. `name`:
   * vendors that look the photo up by name and ID number both need it (Tencent Cloud's ImageRecognition).
   */
  verify(selfie: Buffer, idNumber: string, idempotencyKey: string, name?: string): Promise<FaceResponse>;
}

/** The bank's own SMS one-time-code gateway (agreement signing: the bank verifies its customer itself). */
export interface BankSms {
  /** Sends a code to the mobile; the same key answers the same otp and sends nothing more. */
  sendOtp(
    mobile: string,
    purpose: 'AGREEMENT_SIGNING',
    idempotencyKey: string,
  ): Promise<{ otpId: string; expiresAt: string }>;
  /** A MATCH stays a MATCH for the same code, so a retried verify cannot flip. */
  verifyOtp(otpId: string, code: string): Promise<'MATCH' | 'MISMATCH' | 'EXPIRED'>;
}

export type OpenAccountAnswer = { opened: CoreAccount } | { refused: 'PERSON_ACCOUNT_CAP_REACHED' };

/** The agreement as core banking now has it (a repeated registration answers it unchanged, even cancelled). */
export type RegisterAgreementAnswer =
  | { registered: Agreement }
  | { refused: 'ACCOUNT_CLOSED' | 'ACCOUNT_NOT_FOUND' };

/**
 * A settled debit (`replayed`: this reference had settled it before), a refusal with core
 * banking's reason, or the institution's reference already used for another debit.
 */
export type DebitAnswer =
  | { settled: Debit; replayed: boolean }
  | { refused: DebitRefusalReason }
  | { refused: 'REFERENCE_REUSED' };

export type CreditAnswer = { credited: LedgerEntry; balanceCny: string } | { refused: CreditRefusalReason };

export type CloseAccountAnswer = { closed: CoreAccount } | { refused: 'BALANCE_REMAINS' };

export interface CoreBanking {
  /**
   * `reference` is the application id: it keys idempotency and is recorded on the account, as
   * are the channel and, for a partner bank's app, the partner the account is dedicated to.
   * Core banking applies its own per-person cap (every channel's accounts count).
   */
  openClassII(
    applicant: RequestApplicant,
    channel: string,
    reference: string,
    partnerId?: string,
    /**
     * `idValidUntil`: the ID card's validity read at opening (YYYY-MM-DD or LONG), kept with the
     * account; `riskRating` (flow v4) kept with it too; `limits` below the class's caps.
     */
    opts?: {
      idValidUntil?: string;
      riskRating?: 'LOW' | 'MEDIUM' | 'HIGH';
      limits?: { dailyCny: number; yearlyCny: number };
    },
  ): Promise<OpenAccountAnswer>;
  /**
   * Whether the elements are the account's holder (MATCH only when all three are; never which one
   * differed); `mobileOnFile` false for an account opened without a mobile. Undefined: unknown account.
   */
  checkHolder(
    accountNumber: string,
    holder: { name: string; idNumber: string; mobile: string },
  ): Promise<HolderCheckAnswer | undefined>;
  /** Who holds the account (name and ID number); undefined for an unknown account. */
  getHolder(accountNumber: string): Promise<AccountHolder | undefined>;
  /** Replaces the kept validity of the holder's ID card (YYYY-MM-DD or LONG); the same value again changes nothing. */
  recordIdValidity(accountNumber: string, validUntil: string): Promise<void>;
  /**
   * A page of the open accounts whose dated ID validity is before `before` (a China date), in
   * (idValidUntil, accountNumber) order; pass `nextCursor` as `after` for the next page.
   */
  listIdExpiring(
    before: string,
    page: { after?: string; from?: string; limit: number },
  ): Promise<IdExpiringList>;
  /**
   * A page of the open accounts whose re-verification is due before `before` (and, with
   * `unscheduledOpenedBefore`, those with no due date kept opened before it), in (due date or
   * else opening, accountNumber) order; pass `nextCursor` as `after` for the next page.
   */
  listReVerificationDue(
    before: string,
    page: { unscheduledOpenedBefore?: string; after?: string; from?: string; limit: number },
  ): Promise<ReVerificationDueList>;
  /** When the holder is next to re-verify (ISO instant); the same value again changes nothing. */
  recordReVerificationDue(accountNumber: string, dueAt: string): Promise<void>;
  /**
   * A page of the open accounts whose last customer-initiated activity is before `before` (and at
   * or after `from`), in (last activity, accountNumber) order; pass `nextCursor` as `after`.
   */
  listIdle(before: string, page: { from?: string; after?: string; limit: number }): Promise<IdleList>;
  /** An act of the holder's core banking did not see (a passed re-verification); the same again changes nothing. */
  recordCustomerActivity(accountNumber: string, activity: { kind: 'RE_VERIFIED'; at: string }): Promise<void>;
  /** The accounts opened in [from, to), oldest first (reconciliation). */
  listAccountsOpened(from: Date, to: Date): Promise<CoreAccount[]>;
  bind(accountNumber: string, bound: BoundAccount, idempotencyKey: string): Promise<CoreAccount['binding']>;
  getAccount(accountNumber: string): Promise<CoreAccount | undefined>;
  /**
   * The accounts opened under `reference` (the application id), whatever their status; empty when
   * none. An opening whose answer never came is settled by it.
   */
  findAccountsByReference(reference: string): Promise<CoreAccount[]>;
  /**
   * Idempotent by holdId: placing it twice keeps one hold. Sent under an idempotency key naming
   * the account and the hold, so one hold id used on many accounts never shares a key.
   */
  placeHold(
    accountNumber: string,
    hold: { holdId: string; type: 'RECEIVE_ONLY' | 'FROZEN'; reason: string },
  ): Promise<void>;
  /** Lifts only this hold; lifting it again changes nothing. */
  liftHold(accountNumber: string, holdId: string): Promise<void>;
  /**
   * Final and idempotent: cancels the account's agreements and sends what is left to the bound
   * account; a frozen account (or one with nothing bound) that still holds money stays open.
   */
  closeAccount(accountNumber: string, reason: string): Promise<CloseAccountAnswer>;
  /**
   * Registers an agreement the bank signed with the customer, under the number the bank issued
   * (idempotent by that number; other terms under a known number are a contract error).
   */
  registerAgreement(
    agreementNumber: string,
    agreement: RegisterAgreementRequest,
  ): Promise<RegisterAgreementAnswer>;
  /** Final and idempotent; undefined for an unknown number. */
  cancelAgreement(agreementNumber: string): Promise<Agreement | undefined>;
  getAgreement(agreementNumber: string): Promise<Agreement | undefined>;
  /** Oldest first; undefined for an unknown account. */
  listAgreements(accountNumber: string): Promise<Agreement[] | undefined>;
  /** Idempotent by (institution, reference); a refusal records nothing, so the same debit may be sent again. */
  debit(request: DebitRequest): Promise<DebitAnswer>;
  /**
   * Funds an account (the sandbox's `/sandbox/accounts/{n}/credits`; a real core banking credits
   * through its payment rails). With a key, the same credit is made once.
   */
  credit(accountNumber: string, credit: CreditRequest, idempotencyKey?: string): Promise<CreditAnswer>;
  /** Balance, what counts towards the caps today and this year, and a page of entries; undefined for an unknown account. */
  getLedger(
    accountNumber: string,
    page?: { afterSeq?: number; limit?: number },
  ): Promise<AccountLedger | undefined>;
}

export interface AppNotifier {
  send(event: AppEvent): Promise<void>;
}

export interface DocumentReader {
  /** The image as the application referenced it (sealed under its data key). */
  get(documentId: string, applicationId: string): Promise<Buffer>;
}

/** The append-only, hash-chained audit log (stores/audit, docs/audit.md). */
export interface AuditRecorder {
  /** Appends one entry, idempotent by `event.id`: recording the same id again writes nothing. */
  record(event: AuditEvent): Promise<AuditEntry>;
}

/** This deployment's applications (onboarding workflows of its task queue). */
export interface ApplicationIndex {
  /** The applications started in [from, to). */
  startedBetween(from: Date, to: Date): Promise<ApplicationRecord[]>;
}

export interface Ports {
  idCards: IdCardReader;
  identity: IdentityRegister;
  watchlist: Watchlist;
  punishmentList: PunishmentList;
  linkedApplicants: LinkedApplicants;
  unionPay: UnionPay;
  face: FaceVerifier;
  coreBanking: CoreBanking;
  /** The bank's own services at the providers' address: today its SMS one-time codes. */
  providers: BankSms;
  notifier: AppNotifier;
  /** The bank's operations team: supervisors hear of escalated reviews here. */
  opsNotifier: AppNotifier;
  documents: DocumentReader;
  audit: AuditRecorder;
  /** Reconciliation reads it (a Temporal client); a worker without one cannot reconcile. */
  applications?: ApplicationIndex;
}
