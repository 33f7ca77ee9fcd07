/** Activities of the review loop: payment holds in core banking. */
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
  };
}
