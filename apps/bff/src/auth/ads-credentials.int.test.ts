/**
 * Ads API credentials stored by an admin: sealed at rest, never returned (only set / last 4 / who / when), audited
 * without their values, admin-only; in live mode the runtime signs in to Login with Amazon with the stored ones when
 * the environment has none (here against the simulator, which checks the client secret and the refresh token).
 */
import { randomBytes } from 'node:crypto';
import { type RunningSimulator, startSimulator } from '@recdesk/ads-simulator/server';
import { DEFAULT_CREDENTIALS } from '@recdesk/ads-simulator/state';
import { AdsCredentialsStatusSchema } from '@recdesk/shared-types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { asSystem } from './scope.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const APPROVER = { email: 'amir@agency.test', password: 'amir-password-123' };

describe.each(databaseTargets)('stored Ads API credentials on $name', ({ create }) => {
  let simulator: RunningSimulator;
  let bff: TestBff;
  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    bff = await startTestBff(await create(), {
      ADS_API_MODE: 'live',
      ADS_API_BASE_URL: simulator.url,
      ADS_LWA_TOKEN_URL: `${simulator.url}/auth/o2/token`,
      ADS_CLIENT_ID: DEFAULT_CREDENTIALS.clientId,
      ADS_PARTNER_ACCOUNT_ID: DEFAULT_CREDENTIALS.partnerAccountId ?? 'partner',
      ADS_RETRY_MAX_ATTEMPTS: '1',
      RECDESK_SECRETS_KEY: randomBytes(32).toString('base64'),
    });
    await bff.runtime.auth.users.create({ ...APPROVER, role: 'approver', allAdvertisers: true, advertiserIds: [] });
  });
  afterAll(async () => {
    await bff?.close();
    await simulator?.close();
  });

  it('only admins read or store them', async () => {
    const approver = await bff.signIn(APPROVER.email, APPROVER.password);
    await approver.get('/api/admin/ads-credentials').expect(403);
    await approver.put('/api/admin/ads-credentials').send({ refreshToken: 'Atzr|nope' }).expect(403);
    await bff.anonymous.get('/api/admin/ads-credentials').expect(401);
    await bff.http.put('/api/admin/ads-credentials').send({ refreshToken: 'x', surprise: 1 }).expect(400);
    await bff.http.put('/api/admin/ads-credentials').send({}).expect(400);
  });

  it('stores them sealed, answers only set / last 4 / who / when, and the live runtime uses them', async () => {
    // The environment sets neither the secret nor the refresh token: Login with Amazon refuses.
    await expect(bff.runtime.tokens.accessToken()).rejects.toThrow();
    const before = AdsCredentialsStatusSchema.parse((await bff.http.get('/api/admin/ads-credentials').expect(200)).body);
    expect(before.canStore).toBe(true);
    expect(before.items.find((i) => i.name === 'client_id')?.source).toBe('environment');
    expect(before.items.find((i) => i.name === 'refresh_token')?.source).toBe('none');

    const stored = await bff.http
      .put('/api/admin/ads-credentials')
      .send({ clientSecret: DEFAULT_CREDENTIALS.clientSecret, refreshToken: DEFAULT_CREDENTIALS.refreshToken })
      .expect(200);
    const status = AdsCredentialsStatusSchema.parse(stored.body);
    expect(status.items.find((i) => i.name === 'refresh_token')).toMatchObject({
      source: 'stored',
      last4: DEFAULT_CREDENTIALS.refreshToken.slice(-4),
      updatedBy: 'test-admin@recdesk.test',
    });
    for (const secret of [DEFAULT_CREDENTIALS.clientSecret, DEFAULT_CREDENTIALS.refreshToken]) {
      expect(stored.text).not.toContain(secret);
      expect((await bff.http.get('/api/admin/ads-credentials')).text).not.toContain(secret);
      const audit = await bff.http.get('/api/audit?action=credentials.changed').expect(200);
      expect(audit.text).not.toContain(secret);
      expect(audit.body.items[0].details).toEqual({ changed: ['client_secret', 'refresh_token'] });
      const rows = await asSystem(() => bff.runtime.db.selectFrom('ads_credentials').select(['sealed']).execute());
      for (const row of rows) expect(row.sealed).not.toContain(secret);
    }
    // The token provider reads the stored credentials at its next refresh: the simulator now grants a token.
    await expect(bff.runtime.tokens.accessToken()).resolves.toMatch(/.+/);
  });
});
