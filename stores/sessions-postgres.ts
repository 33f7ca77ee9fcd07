/**
 * Customer sessions in PostgreSQL (DATABASE_URL): a session minted through one API instance is
 * honoured, and its revocation seen, by every other. The same rules as stores/sessions.ts.
 */
import { type PostgresHandle, SchemaOnce, sharedPool } from './postgres';
import { insertValues, SESSIONS_SCHEMA, type Session, type SessionStore, sessionOfRow } from './sessions';

export class PostgresSessionStore implements SessionStore {
  private readonly db: PostgresHandle;
  private readonly schema: SchemaOnce;

  constructor(url: string) {
    this.db = sharedPool(url);
    this.schema = new SchemaOnce(this.db.pool, `${SESSIONS_SCHEMA};`);
  }

  async put(s: Session, hash: string): Promise<void> {
    await this.schema.get();
    await this.db.pool.query(
      `INSERT INTO sessions (token_hash, session_id, tenant_id, channel, partner_id, application_id, account_number, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [...insertValues(s, hash)],
    );
  }

  async find(hash: string, now: Date): Promise<Session | undefined> {
    await this.schema.get();
    const { rows } = await this.db.pool.query(
      'SELECT * FROM sessions WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2',
      [hash, now.toISOString()],
    );
    return rows[0] && sessionOfRow(rows[0]);
  }

  async revoke(sessionId: string, at: Date): Promise<void> {
    await this.schema.get();
    await this.db.pool.query(
      'UPDATE sessions SET revoked_at = $1 WHERE session_id = $2 AND revoked_at IS NULL',
      [at.toISOString(), sessionId],
    );
  }

  close(): Promise<void> {
    return this.db.release();
  }
}
