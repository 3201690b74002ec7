/**
 * Ads API credentials (LWA client id and secret, refresh token) stored by an admin, sealed by secret-box.ts with the
 * key from RECDESK_SECRETS_KEY. What leaves this module towards HTTP is a status (set or not, last four characters,
 * who and when); the plain values go only to the runtime's token provider (`current()`).
 *
 * Rotating RECDESK_SECRETS_KEY: store the credentials again (PUT /api/admin/ads-credentials) after starting with the
 * new key; a value sealed with the old key no longer opens and counts as not set (the start-up log says which).
 */
import type { AdsCredentialsBody, AdsCredentialsStatus } from '@recdesk/shared-types';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { AdsCredentialsTable } from '../db/schema.ts';
import { RefusedError } from '../errors/domain-errors.ts';
import { SecretBox } from './secret-box.ts';

type Name = AdsCredentialsTable['name'];
const NAMES: readonly Name[] = ['client_id', 'client_secret', 'refresh_token'];
const FIELD: Readonly<Record<Name, keyof AdsCredentialsBody>> = {
  client_id: 'clientId',
  client_secret: 'clientSecret',
  refresh_token: 'refreshToken',
};

export type StoredCredentials = Partial<Record<Name, string>>;

export class AdsCredentialsStore {
  private readonly box: SecretBox | null;
  private readonly listeners: ((values: StoredCredentials) => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly log: Logger,
    secretsKey: string | undefined,
    /** Which credentials the environment sets: those win, whatever is stored. */
    private readonly fromEnvironment: ReadonlySet<Name> = new Set(),
  ) {
    this.box = secretsKey ? new SecretBox(secretsKey) : null;
  }

  fromEnvironmentHas(name: Name): boolean {
    return this.fromEnvironment.has(name);
  }

  /** Called with the plain values after every change, so the runtime uses new credentials without a restart. */
  onChange(listener: (values: StoredCredentials) => void): void {
    this.listeners.push(listener);
  }

  async status(): Promise<AdsCredentialsStatus> {
    const rows = await this.db.selectFrom('ads_credentials').select(['name', 'last4', 'updated_by', 'updated_at']).execute();
    return {
      canStore: this.box !== null,
      items: NAMES.map((name) => {
        const row = rows.find((r) => r.name === name);
        return {
          name,
          source: this.fromEnvironment.has(name) ? 'environment' : row ? 'stored' : 'none',
          last4: row?.last4 ?? null,
          updatedBy: row?.updated_by ?? null,
          updatedAt: row ? new Date(row.updated_at).toISOString() : null,
        };
      }),
    };
  }

  async store(body: AdsCredentialsBody, actor: string): Promise<Name[]> {
    const box = this.box;
    if (!box) throw new RefusedError('conflict', 'Credentials cannot be stored', 'Set RECDESK_SECRETS_KEY (32 bytes in base64) first.');
    const changed: Name[] = [];
    const at = this.now();
    for (const name of NAMES) {
      const value = body[FIELD[name]];
      if (value === undefined) continue;
      const values = { sealed: box.encrypt(name, value), last4: value.slice(-4), updated_by: actor, updated_at: at };
      await this.db
        .insertInto('ads_credentials')
        .values({ name, ...values })
        .onConflict((oc) => oc.column('name').doUpdateSet(values))
        .execute();
      changed.push(name);
    }
    const current = await this.current();
    for (const listener of this.listeners) listener(current);
    return changed;
  }

  /** The stored plain values that open with the current key. */
  async current(): Promise<StoredCredentials> {
    const box = this.box;
    if (!box) return {};
    const rows = await this.db.selectFrom('ads_credentials').select(['name', 'sealed']).execute();
    const values: StoredCredentials = {};
    for (const row of rows) {
      try {
        values[row.name] = box.decrypt(row.name, row.sealed);
      } catch {
        this.log.error(
          { credential: row.name },
          'a stored Ads API credential does not open with RECDESK_SECRETS_KEY (rotated key?): store it again',
        );
      }
    }
    return values;
  }
}
