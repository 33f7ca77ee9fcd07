/**
 * Linked applicants (flow v4, DESIGN.md "Opening under the Anti-Telecom and Online Fraud Law"):
 * how many distinct identities applied from one device, or with one mobile, within a window.
 * One phone behind many ID numbers is how rented and sold accounts are farmed, so every API and
 * worker must see the same counts: the store is shared (a SQLite file the processes of one
 * machine share, or PostgreSQL with DATABASE_URL for several hosts).
 *
 * The store holds keyed HMACs (the caller keys them) and first-seen times only; rows whose
 * window has passed are pruned as it goes (docs/security.md, "Linked applicants").
 */
import path from 'node:path';
import { PostgresLinkedApplicants } from './postgres';
import { SqliteLinkedApplicants } from './sqlite';
import type { LinkedApplicantsStore } from './store';

export { PostgresLinkedApplicants } from './postgres';
export { SqliteLinkedApplicants } from './sqlite';
export { type LinkedApplicantsStore, type LinkInput, type LinkKind, PRUNE_GRACE_MS } from './store';

/** The embedded default's file under DATA_DIR. */
export const linkedApplicantsDbFile = (dataDir: string): string => path.join(dataDir, 'linked-applicants.db');

/** PostgreSQL with `databaseUrl` (every host shares it), else the SQLite `file`. */
export async function openLinkedApplicantsStore(opts: {
  databaseUrl?: string;
  file: string;
}): Promise<LinkedApplicantsStore> {
  return opts.databaseUrl
    ? PostgresLinkedApplicants.open(opts.databaseUrl)
    : SqliteLinkedApplicants.open(opts.file);
}
