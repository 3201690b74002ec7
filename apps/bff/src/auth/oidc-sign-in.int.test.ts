/**
 * OpenID Connect sign-in against a local provider (oidc-test-provider.ts): real discovery, code exchange with PKCE,
 * state and nonce, and the ID token's signature checked against the provider's JWKS. The session it ends in is the
 * password sign-in's; every sign-in and refusal is audited.
 */
import { AuthConfigSchema, SessionInfoSchema } from '@recdesk/shared-types';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { startTestProvider, type TestProvider } from './oidc-test-provider.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const REDIRECT = 'http://127.0.0.1:3000/api/auth/oidc/callback';
const KNOWN = { email: 'olga@agency.test', password: 'olga-password-123' };

describe.each(databaseTargets)('OIDC sign-in on $name', ({ create }) => {
  let bff: TestBff;
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startTestProvider({ clientId: 'recdesk', clientSecret: 'provider-client-secret-value', redirectUri: REDIRECT });
    bff = await startTestBff(await create(), {
      OIDC_ISSUER_URL: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_CLIENT_SECRET: provider.clientSecret,
      OIDC_REDIRECT_URL: REDIRECT,
      OIDC_PROVIDER_NAME: 'Agency SSO',
      OIDC_AUTO_CREATE: 'true',
    });
    await bff.runtime.auth.users.create({ ...KNOWN, role: 'approver', allAdvertisers: false, advertiserIds: ['ADV-A'] });
  });
  afterAll(async () => {
    await bff?.close();
    await provider?.close();
  });

  /** The browser's round trip: start here, the provider's redirect back, the callback. */
  async function roundTrip(tamper?: (callback: URL) => void) {
    const agent = supertest.agent(bff.app);
    const start = await agent.get('/api/auth/oidc/start').expect(302);
    const authorize = new URL(start.headers.location as string);
    const atProvider = await fetch(authorize, { redirect: 'manual' });
    expect(atProvider.status).toBe(302);
    const callback = new URL(atProvider.headers.get('location') as string);
    tamper?.(callback);
    const back = await agent.get(`${callback.pathname}${callback.search}`);
    return { agent, authorize, back };
  }

  it('tells the sign-in page which provider to offer', async () => {
    const config = AuthConfigSchema.parse((await bff.anonymous.get('/api/auth/config').expect(200)).body);
    expect(config.oidc).toEqual({ providerName: 'Agency SSO', startUrl: '/api/auth/oidc/start' });
  });

  it('signs a known user in by verified email, with PKCE, state and nonce, into the same session as a password', async () => {
    provider.forgeSignature = false;
    provider.signInAs({ sub: 'idp-olga', email: 'Olga@Agency.test', emailVerified: true });
    const { agent, authorize, back } = await roundTrip();
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(back.status).toBe(302);
    expect(back.headers.location).toBe('/');
    const me = SessionInfoSchema.parse((await agent.get('/api/auth/me').expect(200)).body);
    expect(me.user).toMatchObject({ email: KNOWN.email, role: 'approver', advertiserIds: ['ADV-A'] });
    // The session works like any other: the CSRF token lets a change through, and sign-out ends it.
    await agent.post('/api/auth/logout').set('x-csrf-token', me.csrfToken).expect(204);
    await agent.get('/api/auth/me').expect(401);
    const audit = await bff.http.get('/api/audit?action=auth.sign_in').expect(200);
    expect(audit.body.items[0]).toMatchObject({ actor: KNOWN.email, details: { method: 'oidc', subject: 'idp-olga' } });
  });

  it('creates an unknown verified person as a viewer of no advertiser (OIDC_AUTO_CREATE=true)', async () => {
    provider.signInAs({ sub: 'idp-nina', email: 'nina@agency.test', emailVerified: true, name: 'Nina' });
    const { agent, back } = await roundTrip();
    expect(back.status).toBe(302);
    const me = SessionInfoSchema.parse((await agent.get('/api/auth/me').expect(200)).body);
    expect(me.user).toMatchObject({ email: 'nina@agency.test', role: 'viewer', allAdvertisers: false, advertiserIds: [] });
    const created = await bff.http.get('/api/audit?action=user.created').expect(200);
    expect(created.body.items[0]).toMatchObject({ targetId: me.user.id, details: { via: 'oidc', role: 'viewer' } });
  });

  it('refuses an email the provider does not vouch for', async () => {
    provider.signInAs({ sub: 'idp-eve', email: KNOWN.email, emailVerified: false });
    const { agent, back } = await roundTrip();
    expect(back.status).toBe(401);
    await agent.get('/api/auth/me').expect(401);
  });

  it('refuses an ID token whose signature is not the provider key', async () => {
    provider.signInAs({ sub: 'idp-olga', email: KNOWN.email, emailVerified: true });
    provider.forgeSignature = true;
    try {
      const { agent, back } = await roundTrip();
      expect(back.status).toBe(401);
      await agent.get('/api/auth/me').expect(401);
    } finally {
      provider.forgeSignature = false;
    }
  });

  it('refuses a wrong state, a replayed callback and a callback without a started sign-in', async () => {
    provider.signInAs({ sub: 'idp-olga', email: KNOWN.email, emailVerified: true });
    const wrongState = await roundTrip((callback) => callback.searchParams.set('state', 'forged-state'));
    expect(wrongState.back.status).toBe(401);

    const ok = await roundTrip();
    expect(ok.back.status).toBe(302);
    const replay = await ok.agent.get(`/api/auth/oidc/callback?code=x&state=y`);
    expect(replay.status).toBe(401);

    await bff.anonymous.get('/api/auth/oidc/callback?code=x&state=y').expect(401);
    const failures = await bff.http.get('/api/audit?action=auth.sign_in_failed').expect(200);
    const reasons = failures.body.items.map((e: { details: { reason: string } }) => e.details.reason);
    expect(reasons).toEqual(expect.arrayContaining(['email_not_verified', 'no_pending_sign_in']));
  });
});
