/**
 * Activities of agreement signing (协议支付, 商业委托支付) and of the ID-expiry lifecycle, built
 * from ports: the holder's elements checked against the account, the bank's own SMS code to the
 * holder, the agreement registered in (or cancelled from) core banking, and the holder's ID card
 * validity kept and swept there. Each is idempotent, so Temporal may retry any of them; only
 * transient faults throw retryable failures (adapters/http/json-client.ts).
 */
import type { Ports } from '../adapters/ports';
import type { CoreAccount, IdExpiringList } from '../contracts/core-banking';
import type { RegisterAgreementRequest } from '../contracts/core-banking-payments';

export interface AgreementHolder {
  name: string;
  idNumber: string;
  mobile: string;
}

export interface AgreementHolderAnswer {
  result: 'MATCH' | 'MISMATCH' | 'ACCOUNT_NOT_FOUND';
  /** Present whenever the account exists: a frozen or closed account signs nothing, a receive-only one lower limits. */
  accountStatus?: CoreAccount['status'];
  /** False for an account opened without a mobile (flow v2): there is nowhere to send the code. */
  mobileOnFile?: boolean;
}

export type RegisterAgreementInput = { agreementNumber: string } & RegisterAgreementRequest;

export function createAgreementActivities(ports: Pick<Ports, 'coreBanking' | 'providers'>) {
  return {
    /** The elements against the account's holder, and the account's status, read together. */
    async checkAgreementHolder(input: {
      accountNumber: string;
      holder: AgreementHolder;
    }): Promise<AgreementHolderAnswer> {
      const [checked, account] = await Promise.all([
        ports.coreBanking.checkHolder(input.accountNumber, input.holder),
        ports.coreBanking.getAccount(input.accountNumber),
      ]);
      // Either read missing the account means it is gone (or was never there): one answer for both.
      if (!checked || !account) return { result: 'ACCOUNT_NOT_FOUND' };
      return { result: checked.result, accountStatus: account.status, mobileOnFile: checked.mobileOnFile };
    },

    /**
     * The `attempt`-th code of the signing (1, 2, ...): its own idempotency key, so a retried call
     * answers the otp already sent and the holder gets no second message.
     */
    async sendAgreementCode(input: {
      agreementId: string;
      mobile: string;
      attempt: number;
    }): Promise<{ otpId: string; expiresAt: string }> {
      return ports.providers.sendOtp(
        input.mobile,
        'AGREEMENT_SIGNING',
        `${input.agreementId}:otp:${input.attempt}`,
      );
    },

    /** A MATCH is answered again for the same code, so a retry after a lost answer cannot flip it. */
    async verifyAgreementCode(input: {
      otpId: string;
      code: string;
    }): Promise<{ result: 'MATCH' | 'MISMATCH' | 'EXPIRED' }> {
      return { result: await ports.providers.verifyOtp(input.otpId, input.code) };
    },

    /**
     * Idempotent by the agreement number the bank issued: a retry answers the agreement
     * registered, never a second one. The workflow needs only whether it holds, not core
     * banking's copy of the terms it sent.
     */
    async registerAgreement(
      input: RegisterAgreementInput,
    ): Promise<{ registered: true } | { refused: 'ACCOUNT_CLOSED' | 'ACCOUNT_NOT_FOUND' }> {
      const { agreementNumber, ...terms } = input;
      const answer = await ports.coreBanking.registerAgreement(agreementNumber, terms);
      return 'registered' in answer ? { registered: true } : answer;
    },

    /** 解约: final, and cancelling again answers CANCELLED. */
    async cancelAgreement(input: {
      agreementNumber: string;
    }): Promise<{ status: 'CANCELLED' | 'NOT_FOUND' }> {
      const cancelled = await ports.coreBanking.cancelAgreement(input.agreementNumber);
      return { status: cancelled ? 'CANCELLED' : 'NOT_FOUND' };
    },

    /** A newly presented card's validity (YYYY-MM-DD or LONG); the same value again changes nothing. */
    async recordIdValidity(input: { accountNumber: string; validUntil: string }): Promise<void> {
      await ports.coreBanking.recordIdValidity(input.accountNumber, input.validUntil);
    },

    /** One page of the expiry sweep; `nextCursor` (when set) is the next call's `after`. */
    async listIdExpiring(input: { before: string; after?: string; limit: number }): Promise<IdExpiringList> {
      return ports.coreBanking.listIdExpiring(input.before, {
        ...(input.after !== undefined && { after: input.after }),
        limit: input.limit,
      });
    },
  };
}

export type AgreementActivities = ReturnType<typeof createAgreementActivities>;
