/**
 * One port per external system. Activities are built from ports, so tests and sandboxes plug
 * in without module mocking; the HTTP adapters in ./http are the production implementations.
 */
import type { CoreAccount } from '../contracts/core-banking';
import type { AppEvent, OcrResponse, UnionPayResult } from '../contracts/providers';
import type { Applicant, BoundAccount } from '../domain/applicant';

export interface IdCardReader {
  read(side: 'FRONT' | 'BACK', image: Buffer): Promise<OcrResponse>;
}

export interface IdentityRegister {
  verify(name: string, idNumber: string): Promise<'MATCH' | 'MISMATCH' | 'NOT_FOUND'>;
}

export interface UnionPay {
  /** Checks the four elements and, on a match, sends a code to the reserved mobile. */
  checkFourElements(
    applicant: Applicant,
    cardNumber: string,
    idempotencyKey: string,
  ): Promise<{ result: Exclude<UnionPayResult, 'BUSY'>; verificationId?: string }>;
  confirmSmsCode(verificationId: string, code: string): Promise<'OK' | 'WRONG_CODE' | 'EXPIRED'>;
}

export type OpenAccountAnswer = { opened: CoreAccount } | { refused: 'PERSON_ACCOUNT_CAP_REACHED' };

export interface CoreBanking {
  openClassII(
    applicant: Applicant,
    channel: string,
    perPersonCap: number,
    idempotencyKey: string,
  ): Promise<OpenAccountAnswer>;
  bind(accountNumber: string, bound: BoundAccount, idempotencyKey: string): Promise<CoreAccount['binding']>;
  getAccount(accountNumber: string): Promise<CoreAccount | undefined>;
}

export interface AppNotifier {
  send(event: AppEvent): Promise<void>;
}

export interface DocumentReader {
  get(documentId: string): Promise<Buffer>;
}

export interface Ports {
  idCards: IdCardReader;
  identity: IdentityRegister;
  unionPay: UnionPay;
  coreBanking: CoreBanking;
  notifier: AppNotifier;
  documents: DocumentReader;
}
