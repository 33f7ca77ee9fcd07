import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Opens (creating if needed) a sandbox database. WAL lets a tester read the file with the
 * sqlite3 shell while the sandbox writes; NORMAL sync is durable enough for test data.
 */
export function openDatabase(dbFile: string, schema: string): Database.Database {
  if (dbFile !== ':memory:') mkdirSync(path.dirname(path.resolve(dbFile)), { recursive: true });
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.exec(schema);
  return db;
}

export type Sql = <P extends unknown[] = unknown[], R = unknown>(source: string) => Database.Statement<P, R>;

/** Prepares each SQL text once: stores run the same few statements on every call. */
export function statementCache(db: Database.Database): Sql {
  const statements = new Map<string, Database.Statement>();
  return <P extends unknown[] = unknown[], R = unknown>(source: string) => {
    let statement = statements.get(source);
    if (!statement) {
      statement = db.prepare(source);
      statements.set(source, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  };
}
