/** Activities of the review loop: payment holds in core banking. */
import { ApplicationFailure } from '@temporalio/activity';
import { REFUSED } from '../adapters/http/json-client';
import type { Ports } from '../adapters/ports';

export function createReviewActivities(ports: Ports) {
  return {
    /** holdId is chosen by the workflow (review + round), so a retry never stacks a second hold. */
    async placeHold(input: {
      accountNumber: string;
      holdId: string;
      type: 'RECEIVE_ONLY' | 'FROZEN';
      reason: string;
    }): Promise<void> {
      const { accountNumber, ...hold } = input;
      await ports.coreBanking.placeHold(accountNumber, hold);
    },

    async liftHold(input: { accountNumber: string; holdId: string }): Promise<void> {
      await ports.coreBanking.liftHold(input.accountNumber, input.holdId);
    },

    /**
     * Closing is final and closing again answers the closed account, so a retry closes once. A
     * frozen account that still holds money cannot close (its money cannot leave): a refusal,
     * which the review retries with back-off while ops settle the balance.
     */
    async closeAccount(input: { accountNumber: string; reason: string }): Promise<void> {
      const answer = await ports.coreBanking.closeAccount(input.accountNumber, input.reason);
      if ('refused' in answer) {
        throw ApplicationFailure.nonRetryable(
          `core banking keeps the account open: ${answer.refused}`,
          REFUSED,
        );
      }
    },
  };
}
