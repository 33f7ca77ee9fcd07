/** The linked-applicants port and what both adapters share (index.ts says what the store is for). */
export interface LinkedApplicantsStore {
  /**
   * Records that identity `idKey` applied from `deviceKey` (and `mobileKey`, when there is a
   * mobile) at `at`; answers this identity's rank among the distinct identities first seen on
   * that device / mobile within the `windowSeconds` before `at` (1 = the first). Idempotent: the
   * same (key, idKey) keeps its first-seen time, so a retried call answers the same ranks.
   */
  record(input: LinkInput): Promise<{ rankOnDevice: number; rankOnMobile: number }>;
  close(): Promise<void>;
}

export interface LinkInput {
  idKey: string;
  deviceKey: string;
  mobileKey?: string;
  at: Date;
  windowSeconds: number;
}

/** What a rank is counted over: a device's key or a mobile's. */
export type LinkKind = 'device' | 'mobile';

/**
 * Rows are kept this long past their window before pruning, so that a call retried later (an
 * activity retried after a worker died) still counts the rows its first attempt counted.
 */
export const PRUNE_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * Refuses a call no caller should make (these are programming errors, not applicants' input):
 * an empty key would pool every keyless applicant into one count, and a bad time or window
 * would count nothing or everything.
 */
export function checkLinkInput(input: LinkInput): void {
  for (const field of ['idKey', 'deviceKey'] as const) {
    if (typeof input[field] !== 'string' || input[field].length === 0) {
      throw new TypeError(`linked applicants: ${field} must be a non-empty string`);
    }
  }
  if (
    input.mobileKey !== undefined &&
    (typeof input.mobileKey !== 'string' || input.mobileKey.length === 0)
  ) {
    throw new TypeError('linked applicants: mobileKey, when given, must be a non-empty string');
  }
  if (!(input.at instanceof Date) || Number.isNaN(input.at.getTime())) {
    throw new TypeError('linked applicants: at must be a valid Date');
  }
  if (!Number.isInteger(input.windowSeconds) || input.windowSeconds <= 0) {
    throw new TypeError('linked applicants: windowSeconds must be a positive integer');
  }
}

/** The (kind, key) pairs one call counts on: the device always, the mobile when there is one. */
export const linksOf = (input: LinkInput): { kind: LinkKind; key: string }[] => [
  { kind: 'device', key: input.deviceKey },
  ...(input.mobileKey === undefined ? [] : [{ kind: 'mobile' as const, key: input.mobileKey }]),
];
