/**
 * An account as the bank's systems of record describe it. Core banking owns these shapes (its
 * wire contract); apps see them unchanged, so the API and the SDK take them from here.
 */
export {
  accountClassSchema,
  accountLimitsSchema,
  accountStatusSchema,
  holdSchema,
  holdTypeSchema,
} from '../contracts/core-banking';
