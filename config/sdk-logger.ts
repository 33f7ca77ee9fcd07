/**
 * The Temporal SDK's own log lines (worker state, activity and workflow-task failures) through the
 * service's logger, so the same redaction applies to them: SDK failure lines carry messages and
 * stack traces that no other code ever saw.
 */
import type { LogEntry, LogLevel } from '@temporalio/worker';
import { DefaultLogger } from '@temporalio/worker';
import pino from 'pino';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Errors in the metadata become plain objects pino can write (and the logger can redact). */
const serializable = (meta: LogEntry['meta']) =>
  Object.fromEntries(
    Object.entries(meta ?? {}).map(([k, v]) => [k, v instanceof Error ? pino.stdSerializers.err(v) : v]),
  );

export const sdkLogger = (log: pino.Logger, level: LogLevel = 'WARN') =>
  new DefaultLogger(level, (entry) =>
    log[LEVELS[entry.level]]({ sdk: serializable(entry.meta) }, entry.message),
  );
