/**
 * The first users. In the embedded default (simulated Ads API) a database without users gets one demo user per role,
 * with the documented passwords below, so that a newcomer and the e2e stories can sign in; they are returned once,
 * for the console. A live installation gets none: RECDESK_ADMIN_EMAIL and RECDESK_ADMIN_PASSWORD, when set and no
 * admin exists yet, create the first admin (as Grafana does); `pnpm --filter @recdesk/bff user:create` makes more.
 */
import type { Role } from '@recdesk/shared-types';
import type { Logger } from 'pino';
import type { UserStore } from './user-store.ts';

/** Documented in README.md ("Signing in"); only ever created with the simulated Ads API. */
export const DEMO_USERS: ReadonlyArray<{ email: string; password: string; role: Role }> = [
  { email: 'viewer@recdesk.local', password: 'demo-viewer-password', role: 'viewer' },
  { email: 'approver@recdesk.local', password: 'demo-approver-password', role: 'approver' },
  { email: 'admin@recdesk.local', password: 'demo-admin-password', role: 'admin' },
];

export interface BootstrapOptions {
  adsApiMode: 'simulated' | 'live';
  adminEmail?: string | undefined;
  adminPassword?: string | undefined;
}

/** Returns the demo users it created (empty after the first run). */
export async function bootstrapUsers(users: UserStore, options: BootstrapOptions, log: Logger): Promise<typeof DEMO_USERS> {
  if (options.adminEmail && options.adminPassword && (await users.count('admin')) === 0) {
    const admin = await users.create({
      email: options.adminEmail,
      role: 'admin',
      password: options.adminPassword,
      allAdvertisers: true,
      advertiserIds: [],
    });
    log.info({ email: admin.email }, 'first admin created from RECDESK_ADMIN_EMAIL');
  }
  if (options.adsApiMode !== 'simulated' || (await users.count()) > 0) return [];
  await Promise.all(
    DEMO_USERS.map((demo) => users.create({ ...demo, name: `Demo ${demo.role}`, allAdvertisers: true, advertiserIds: [] })),
  );
  return DEMO_USERS;
}

export function demoUsersBanner(created: typeof DEMO_USERS): string {
  const lines = created.map((u) => `  ${u.role.padEnd(9)} ${u.email.padEnd(24)} ${u.password}`);
  return ['', 'RecDesk created demo users (simulated Ads API only; see README "Signing in"):', ...lines, ''].join('\n');
}
