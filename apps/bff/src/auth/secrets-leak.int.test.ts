/**
 * No secret leaves the BFF: a walk of every /api endpoint (from the router) as an admin and as a viewer, an OpenID
 * Connect sign-in and stored Ads API credentials; then every answer, the built SPA (when built) and every log line (debug level, through the runtime's redaction) are searched for the LWA client secret, refresh
 * and access tokens, the stored credentials, the OIDC client secret and tokens, the secrets key, the session secret,
 * session ids, password hashes and passwords.
 */

import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { DEFAULT_CREDENTIALS } from '@recdesk/ads-simulator/state';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { routesOf } from '../http/route-list.ts';
import { createLogger } from '../runtime.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, TEST_ADMIN, type TestBff } from '../testing/test-runtime.ts';
import { startTestProvider, type TestProvider } from './oidc-test-provider.ts';
import { asSystem } from './scope.ts';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const VIEWER = { email: 'valo@agency.test', password: 'valo-password-123' };
const REDIRECT = 'http://127.0.0.1:3000/api/auth/oidc/callback';
const STORED = { clientSecret: 'stored-lwa-client-secret-9f8e7d', refreshToken: 'Atzr|stored-refresh-token-1a2b3c' };
const SECRETS_KEY = randomBytes(32).toString('base64');
const SESSION_SECRET = randomBytes(32).toString('base64url');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe.each(databaseTargets.slice(0, 1))('no secret in answers, pages or logs on $name', ({ create }) => {
  let bff: TestBff;
  let provider: TestProvider;
  const logLines: string[] = [];
  const answers: string[] = [];
  /** The OIDC callback's one-time code: it travels in a URL, so the request log must not keep it. */
  let oidcCode = '';

  beforeAll(async () => {
    const capture = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    provider = await startTestProvider({ clientId: 'recdesk', clientSecret: 'oidc-client-secret-5e6f7a', redirectUri: REDIRECT });
    bff = await startTestBff(
      await create(),
      {
        OIDC_ISSUER_URL: provider.issuer,
        OIDC_CLIENT_ID: provider.clientId,
        OIDC_CLIENT_SECRET: provider.clientSecret,
        OIDC_REDIRECT_URL: REDIRECT,
        RECDESK_SECRETS_KEY: SECRETS_KEY,
        SESSION_SECRET,
      },
      { log: createLogger('debug', capture) },
    );
    await bff.runtime.auth.users.create({ ...VIEWER, role: 'viewer', allAdvertisers: true, advertiserIds: [] });
    await bff.http.post('/api/sync?source=partner-opportunities').expect(200);
    answers.push((await bff.http.put('/api/admin/ads-credentials').send(STORED).expect(200)).text);

    // An OpenID Connect sign-in, start to finish.
    provider.signInAs({ sub: 'idp-admin', email: TEST_ADMIN.email, emailVerified: true });
    const browser = supertest.agent(bff.app);
    const start = await browser.get('/api/auth/oidc/start').expect(302);
    const atProvider = await fetch(start.headers.location as string, { redirect: 'manual' });
    const callback = new URL(atProvider.headers.get('location') as string);
    oidcCode = callback.searchParams.get('code') ?? '';
    await browser.get(`${callback.pathname}${callback.search}`).expect(302);
    answers.push((await browser.get('/api/auth/me').expect(200)).text);

    const page = (await bff.http.get('/api/recommendations?limit=5').expect(200)).body as { items: { id: string }[] };
    const itemId = page.items[0]?.id ?? '00000000-0000-5000-8000-000000000000';
    const viewer = await bff.signIn(VIEWER.email, VIEWER.password);
    for (const { method, path: route } of routesOf(bff.app, '/api')) {
      // Long-running (report polling) or session-ending: not part of the walk.
      if (route === '/api/performance/sync' || route === '/api/auth/logout' || route.startsWith('/api/auth/oidc/')) continue;
      const url = route.replace(/:(\w+)/g, (_all, name: string) =>
        name === 'source'
          ? 'partner-opportunities'
          : name === 'advertiserId'
            ? 'ADV-1'
            : route.startsWith('/api/recommendations/')
              ? itemId
              : itemId,
      );
      for (const agent of [bff.http, viewer]) {
        const request = agent[method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'](url);
        const response = method === 'GET' ? await request : await request.send({});
        // The session cookie is the one place a session id goes (httpOnly, signed); every other header and the body count.
        const { 'set-cookie': _cookie, ...headers } = response.headers;
        answers.push(JSON.stringify(headers), response.text ?? '');
      }
    }
  });

  afterAll(async () => {
    await bff?.close();
    await provider?.close();
  });

  async function secrets(): Promise<string[]> {
    const hashes = await asSystem(() => bff.runtime.db.selectFrom('users').select('password_hash').execute());
    const sids = await asSystem(() => bff.runtime.db.selectFrom('sessions').select('sid').execute());
    const sealed = await asSystem(() => bff.runtime.db.selectFrom('ads_credentials').select('sealed').execute());
    const values = [
      DEFAULT_CREDENTIALS.clientSecret,
      DEFAULT_CREDENTIALS.refreshToken,
      await bff.runtime.tokens.accessToken(),
      STORED.clientSecret,
      STORED.refreshToken,
      provider.clientSecret,
      ...provider.issued,
      oidcCode,
      SECRETS_KEY,
      SESSION_SECRET,
      TEST_ADMIN.password,
      VIEWER.password,
      ...hashes.flatMap((row) => (row.password_hash ? [row.password_hash] : [])),
      ...sids.map((row) => row.sid),
      ...sealed.map((row) => row.sealed),
    ];
    expect(provider.issued.length).toBeGreaterThan(0);
    expect(oidcCode.length).toBeGreaterThan(8);
    expect(sids.length).toBeGreaterThan(0);
    return values;
  }

  it('no answer of any endpoint holds a secret, a token, a hash or a session id', async () => {
    expect(answers.length).toBeGreaterThan(100);
    const all = answers.join('\n');
    for (const secret of await secrets()) expect(all.includes(secret), `an answer holds ${secret.slice(0, 6)}…`).toBe(false);
  });

  it('no log line holds one either', async () => {
    const logs = logLines.join('');
    expect(logs.length).toBeGreaterThan(1000);
    for (const secret of await secrets()) expect(logs.includes(secret), `a log line holds ${secret.slice(0, 6)}…`).toBe(false);
  });

  it('nor the built SPA, when it is built', async () => {
    const dist = path.resolve(import.meta.dirname, '../../../web/dist');
    if (!existsSync(dist)) return;
    const files = filesUnder(dist).filter((file) => /\.(html|js|css|map)$/.test(file));
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const secret of await secrets()) expect(text.includes(secret), `${file} holds ${secret.slice(0, 6)}…`).toBe(false);
    }
  });
});
