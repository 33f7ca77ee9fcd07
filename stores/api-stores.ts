/**
 * The API's stores as configured: PostgreSQL with DATABASE_URL (every API instance on every host
 * shares them), else SQLite files under DATA_DIR (the processes of one machine share those):
 * daily limits, idempotency records and customers' sessions.
 */
import path from 'node:path';
import type { Config } from '../config';
import { type DailyLimitStore, DailyLimits } from './daily-limits';
import { PostgresDailyLimits } from './daily-limits-postgres';
import { type IdempotencyRecords, SqliteIdempotencyRecords } from './idempotency-records';
import { PostgresIdempotencyRecords } from './idempotency-records-postgres';
import { type SessionStore, SqliteSessionStore } from './sessions';
import { PostgresSessionStore } from './sessions-postgres';

export function apiStoresFromConfig(config: Pick<Config, 'dataDir' | 'counterHmacKey' | 'databaseUrl'>): {
  limits: DailyLimitStore;
  idempotency: IdempotencyRecords & { close(): unknown };
  sessions: SessionStore;
} {
  const url = config.databaseUrl;
  return url
    ? {
        limits: new PostgresDailyLimits(url, config.counterHmacKey),
        idempotency: new PostgresIdempotencyRecords(url, config.counterHmacKey),
        sessions: new PostgresSessionStore(url),
      }
    : {
        limits: new DailyLimits(path.join(config.dataDir, 'api-limits.db'), config.counterHmacKey),
        idempotency: new SqliteIdempotencyRecords(
          path.join(config.dataDir, 'api-idempotency.db'),
          config.counterHmacKey,
        ),
        sessions: new SqliteSessionStore(path.join(config.dataDir, 'api-sessions.db')),
      };
}
