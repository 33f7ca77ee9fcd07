/**
 * The API's stores as configured: PostgreSQL with DATABASE_URL (every API instance on every host
 * shares them), else SQLite files under DATA_DIR (the processes of one machine share those).
 */
import path from 'node:path';
import type { Config } from '../config';
import { type DailyLimitStore, DailyLimits } from './daily-limits';
import { PostgresDailyLimits } from './daily-limits-postgres';
import { type IdempotencyRecords, SqliteIdempotencyRecords } from './idempotency-records';
import { PostgresIdempotencyRecords } from './idempotency-records-postgres';

export function apiStoresFromConfig(config: Pick<Config, 'dataDir' | 'counterHmacKey' | 'databaseUrl'>): {
  limits: DailyLimitStore;
  idempotency: IdempotencyRecords & { close(): unknown };
} {
  const url = config.databaseUrl;
  return url
    ? {
        limits: new PostgresDailyLimits(url, config.counterHmacKey),
        idempotency: new PostgresIdempotencyRecords(url, config.counterHmacKey),
      }
    : {
        limits: new DailyLimits(path.join(config.dataDir, 'api-limits.db'), config.counterHmacKey),
        idempotency: new SqliteIdempotencyRecords(
          path.join(config.dataDir, 'api-idempotency.db'),
          config.counterHmacKey,
        ),
      };
}
