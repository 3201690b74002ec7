/**
 * Users, their role and the advertisers granted to them. The password hash stays inside this module and the login
 * path: what leaves it as a `User` never carries it.
 */
import { randomUUID } from 'node:crypto';
import type { Role, User } from '@recdesk/shared-types';
import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { UsersTable } from '../db/schema.ts';
import { ConflictError, NotFoundError } from '../errors/domain-errors.ts';
import { DEFAULT_COST, hashPassword, type ScryptCost } from './password.ts';
import { ALL_ADVERTISERS, type Scope, scopeOfAdvertisers } from './scope.ts';

type UserRow = Selectable<UsersTable>;

export interface NewUser {
  email: string;
  name?: string | undefined;
  role: Role;
  password?: string | undefined;
  oidcSubject?: string | undefined;
  allAdvertisers: boolean;
  advertiserIds: readonly string[];
}

export interface UserChange {
  name?: string | undefined;
  role?: Role | undefined;
  password?: string | undefined;
  allAdvertisers?: boolean | undefined;
  advertiserIds?: readonly string[] | undefined;
  active?: boolean | undefined;
}

/** What the login path needs about an account, hash included; never sent anywhere. */
export interface Credentials {
  id: string;
  email: string;
  active: boolean;
  passwordHash: string | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();

export function scopeOfUser(user: Pick<User, 'allAdvertisers' | 'advertiserIds'>): Scope {
  return user.allAdvertisers ? ALL_ADVERTISERS : scopeOfAdvertisers(user.advertiserIds);
}

export class UserStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly cost: ScryptCost = DEFAULT_COST,
  ) {}

  private toUser(row: UserRow, advertiserIds: readonly string[]): User {
    return {
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role as Role,
      allAdvertisers: row.all_advertisers,
      advertiserIds: [...advertiserIds].sort(),
      active: row.active,
      createdAt: iso(row.created_at),
      lastSignInAt: row.last_sign_in_at ? iso(row.last_sign_in_at) : null,
    };
  }

  private async grantsOf(ids: readonly string[]): Promise<Map<string, string[]>> {
    const grants = new Map<string, string[]>();
    if (ids.length === 0) return grants;
    const rows = await this.db.selectFrom('user_advertisers').selectAll().where('user_id', 'in', ids).execute();
    for (const row of rows) grants.set(row.user_id, [...(grants.get(row.user_id) ?? []), row.advertiser_id]);
    return grants;
  }

  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('email').execute();
    const grants = await this.grantsOf(rows.map((row) => row.id));
    return rows.map((row) => this.toUser(row, grants.get(row.id) ?? []));
  }

  async get(id: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    return this.toUser(row, (await this.grantsOf([id])).get(id) ?? []);
  }

  async getByEmail(email: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').select('id').where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
    return row ? this.get(row.id) : null;
  }

  async credentialsOf(email: string): Promise<Credentials | null> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'email', 'active', 'password_hash'])
      .where('email', '=', email.trim().toLowerCase())
      .executeTakeFirst();
    return row ? { id: row.id, email: row.email, active: row.active, passwordHash: row.password_hash } : null;
  }

  async count(role?: Role): Promise<number> {
    let query = this.db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n'));
    if (role) query = query.where('role', '=', role);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }

  async create(input: NewUser): Promise<User> {
    const email = input.email.trim().toLowerCase();
    const now = this.now();
    const id = randomUUID();
    const passwordHash = input.password ? await hashPassword(input.password, this.cost) : null;
    await this.db.transaction().execute(async (trx) => {
      const taken = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
      if (taken) throw new ConflictError(`A user with the email ${email} already exists.`);
      await trx
        .insertInto('users')
        .values({
          id,
          email,
          name: input.name?.trim() || email.split('@')[0] || email,
          role: input.role,
          all_advertisers: input.allAdvertisers,
          password_hash: passwordHash,
          oidc_subject: input.oidcSubject ?? null,
          active: true,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const grants = [...new Set(input.advertiserIds)];
      if (grants.length > 0) {
        await trx
          .insertInto('user_advertisers')
          .values(grants.map((advertiser_id) => ({ user_id: id, advertiser_id })))
          .execute();
      }
    });
    return (await this.get(id)) as User;
  }

  async update(id: string, change: UserChange): Promise<{ before: User; after: User }> {
    const before = await this.get(id);
    if (!before) throw new NotFoundError('User', id);
    const passwordHash = change.password ? await hashPassword(change.password, this.cost) : undefined;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({
          updated_at: this.now(),
          ...(change.name !== undefined ? { name: change.name } : {}),
          ...(change.role !== undefined ? { role: change.role } : {}),
          ...(change.allAdvertisers !== undefined ? { all_advertisers: change.allAdvertisers } : {}),
          ...(change.active !== undefined ? { active: change.active } : {}),
          ...(passwordHash !== undefined ? { password_hash: passwordHash } : {}),
        })
        .where('id', '=', id)
        .execute();
      if (change.advertiserIds !== undefined) {
        await trx.deleteFrom('user_advertisers').where('user_id', '=', id).execute();
        const grants = [...new Set(change.advertiserIds)];
        if (grants.length > 0) {
          await trx
            .insertInto('user_advertisers')
            .values(grants.map((advertiser_id) => ({ user_id: id, advertiser_id })))
            .execute();
        }
      }
    });
    return { before, after: (await this.get(id)) as User };
  }

  async recordSignIn(id: string): Promise<void> {
    await this.db.updateTable('users').set({ last_sign_in_at: this.now() }).where('id', '=', id).execute();
  }
}
