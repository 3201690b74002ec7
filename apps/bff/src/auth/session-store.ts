/**
 * express-session's Store over our own database (Kysely, so it works the same on PGlite and PostgreSQL, which the
 * pg-only stores do not). The signed-in user is kept in its own column so that an admin can revoke every session of
 * a user at once; expired rows are never returned and are swept on each write.
 */

import session from 'express-session';
import type { Db } from '../db/database.ts';
import type { OidcPending } from './oidc-sign-in.ts';

const DEFAULT_TTL_MS = 12 * 3_600_000;

export class KyselySessionStore extends session.Store {
  private lastSweep = 0;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly ttlMs: number = DEFAULT_TTL_MS,
  ) {
    super();
  }

  private expiryOf(data: session.SessionData): Date {
    const expires = data.cookie?.expires;
    return expires ? new Date(expires) : new Date(this.now().getTime() + this.ttlMs);
  }

  private run(callback: ((err?: unknown, ...rest: never[]) => void) | undefined, work: () => Promise<unknown>): void {
    work().then(
      (value) => (callback as ((err: unknown, value?: unknown) => void) | undefined)?.(null, value),
      (error: unknown) => callback?.(error),
    );
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    this.run(callback as never, async () => {
      const row = await this.db
        .selectFrom('sessions')
        .select('data')
        .where('sid', '=', sid)
        .where('expires_at', '>', this.now())
        .executeTakeFirst();
      return row ? (row.data as unknown as session.SessionData) : null;
    });
  }

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    this.run(callback as never, async () => {
      const now = this.now();
      const userId = typeof data.userId === 'string' ? data.userId : null;
      await this.db
        .insertInto('sessions')
        .values({ sid, user_id: userId, data: JSON.stringify(data), expires_at: this.expiryOf(data), created_at: now })
        .onConflict((oc) =>
          oc.column('sid').doUpdateSet((eb) => ({
            user_id: eb.ref('excluded.user_id'),
            data: eb.ref('excluded.data'),
            expires_at: eb.ref('excluded.expires_at'),
          })),
        )
        .execute();
      await this.sweep(now);
    });
  }

  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    this.run(callback as never, async () => {
      await this.db
        .updateTable('sessions')
        .set({ expires_at: this.expiryOf(data) })
        .where('sid', '=', sid)
        .execute();
    });
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.run(callback as never, async () => {
      await this.db.deleteFrom('sessions').where('sid', '=', sid).execute();
    });
  }

  /** Signs a user out everywhere (an admin's revocation, a deactivated account, a changed password). */
  async revokeUser(userId: string): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** At most once a minute: expired sessions are deleted. */
  private async sweep(now: Date): Promise<void> {
    if (now.getTime() - this.lastSweep < 60_000) return;
    this.lastSweep = now.getTime();
    await this.db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  }
}

declare module 'express-session' {
  interface SessionData {
    userId: string;
    csrfToken: string;
    /** When the user signed in: a session never outlives SESSION_MAX_AGE_HOURS from here, however active. */
    signedInAt: number;
    /** Between the redirect to the identity provider and its callback (oidc-sign-in.ts): state, nonce, PKCE verifier. */
    oidcPending: OidcPending;
  }
}
