/**
 * The BFF's doors, tried: every endpoint × no session, viewer, approver scoped to one advertiser, admin; CSRF;
 * other sites; the lockout after ten wrong passwords; and no secret in any response or log line.
 */
import { Writable } from 'node:stream';
import { RecommendationPageSchema, type User } from '@recdesk/shared-types';
import { pino } from 'pino';
import type TestAgent from 'supertest/lib/agent.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_REDACT_PATHS } from '../runtime.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, TEST_ADMIN, type TestBff } from '../testing/test-runtime.ts';

const VIEWER = { email: 'vera@agency.test', password: 'vera-password-123' };
const APPROVER_A = { email: 'anton@agency.test', password: 'anton-password-123' };
const OTHER = '00000000-0000-5000-8000-000000000000';

/** Every endpoint with a request that would change something if it were allowed. */
function endpoints(ids: { a: string; b: string; advertiserB: string; userId: string }) {
  return [
    ['GET', '/api/recommendations', undefined],
    ['GET', `/api/recommendations/${ids.b}`, undefined],
    ['GET', `/api/recommendations/${ids.b}/history`, undefined],
    ['POST', `/api/recommendations/${ids.b}/approve`, { version: 1 }],
    ['POST', `/api/recommendations/${ids.b}/reject`, { version: 1, reason: 'too_risky' }],
    ['POST', `/api/recommendations/${ids.b}/validate`, { resync: false }],
    ['POST', '/api/recommendations/bulk', { action: 'reject', ids: [ids.b], versions: [1], reason: 'too_risky' }],
    ['GET', '/api/conflicts', undefined],
    ['GET', `/api/conflicts/${OTHER}`, undefined],
    ['POST', '/api/conflicts/detect', undefined],
    ['GET', '/api/sources', undefined],
    ['GET', '/api/sources/partner-opportunities/quarantine', undefined],
    ['POST', '/api/sync?source=partner-opportunities', undefined],
    ['GET', `/api/advertisers/${ids.advertiserB}/guardrails`, undefined],
    ['PUT', `/api/advertisers/${ids.advertiserB}/guardrails`, { maxBidChangePct: 10 }],
    ['GET', `/api/advertisers/${ids.advertiserB}/approval-policy`, undefined],
    ['PUT', `/api/advertisers/${ids.advertiserB}/approval-policy`, { secondApproverAbove: 100 }],
    ['POST', '/api/apply', { ids: [ids.b] }],
    ['GET', `/api/apply/${OTHER}`, undefined],
    ['POST', '/api/undo', { ids: [ids.b] }],
    ['GET', '/api/users', undefined],
    ['POST', '/api/users', { email: 'new@agency.test', role: 'admin', password: 'a-long-password', allAdvertisers: true }],
    ['GET', `/api/users/${ids.userId}`, undefined],
    ['PUT', `/api/users/${ids.userId}`, { role: 'admin', allAdvertisers: true }],
    ['DELETE', `/api/users/${ids.userId}/sessions`, undefined],
    ['GET', '/api/audit', undefined],
    ['GET', '/api/audit?format=csv', undefined],
    ['GET', '/api/auth/me', undefined],
  ] as const;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
function send(agent: TestAgent | TestBff['anonymous'], method: Method, path: string, body?: unknown) {
  const request = agent[method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'](path);
  return body === undefined ? request : request.send(body as object);
}

/** What a person could see or change: every row of the tables that hold state, minus clocks. */
async function snapshot(bff: TestBff): Promise<string> {
  const db = bff.runtime.db;
  const [recommendations, events, users, policies, guardrails] = await Promise.all([
    db.selectFrom('recommendations').select(['id', 'status', 'version']).orderBy('id').execute(),
    db.selectFrom('recommendation_events').select(['id']).orderBy('id').execute(),
    db.selectFrom('users').select(['id', 'role', 'active', 'all_advertisers', 'password_hash']).orderBy('id').execute(),
    db.selectFrom('approval_policies').selectAll().orderBy('advertiser_id').execute(),
    db.selectFrom('advertiser_guardrails').select(['advertiser_id', 'max_bid_change_pct']).orderBy('advertiser_id').execute(),
  ]);
  return JSON.stringify({ recommendations, events, users, policies, guardrails });
}

const SECRET_PATTERNS = [/scrypt\$/, /password_?hash/i, /recdesk\.sid=s%3A/, /demo-\w+-password/, /-password-123/, /test-admin-password/];

describe.each(databaseTargets)('auth and scope on $name', ({ create }) => {
  let bff: TestBff;
  const logLines: string[] = [];
  let viewer: TestAgent;
  let approverA: TestAgent;
  let advertiserA: string;
  let advertiserB: string;
  let itemA: string;
  let itemB: string;
  let approverUser: User;

  beforeAll(async () => {
    const capture = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    const log = pino({ level: 'debug', redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } }, capture);
    bff = await startTestBff(await create(), {}, { log });
    await bff.http.post('/api/sync?source=partner-opportunities').expect(200);
    const page = RecommendationPageSchema.parse((await bff.http.get('/api/recommendations?limit=200').expect(200)).body);
    const advertisers = [...new Set(page.items.map((item) => item.advertiserId))].sort();
    expect(advertisers.length).toBeGreaterThanOrEqual(2);
    [advertiserA, advertiserB] = advertisers as [string, string];
    itemA = page.items.find((item) => item.advertiserId === advertiserA)?.id as string;
    itemB = page.items.find((item) => item.advertiserId === advertiserB)?.id as string;

    await bff.http
      .post('/api/users')
      .send({ ...VIEWER, role: 'viewer', allAdvertisers: true })
      .expect(201);
    approverUser = (
      await bff.http
        .post('/api/users')
        .send({ ...APPROVER_A, role: 'approver', advertiserIds: [advertiserA] })
        .expect(201)
    ).body;
    viewer = await bff.signIn(VIEWER.email, VIEWER.password);
    approverA = await bff.signIn(APPROVER_A.email, APPROVER_A.password);
  }, 300_000);

  afterAll(async () => {
    await bff?.close();
  });

  const table = () => endpoints({ a: itemA, b: itemB, advertiserB, userId: approverUser.id });

  it('answers 401 to every endpoint without a session, and changes nothing', async () => {
    const before = await snapshot(bff);
    for (const [method, path, body] of table()) {
      const response = await send(bff.anonymous, method, path, body);
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(response.headers['content-type']).toMatch(/problem\+json/);
    }
    expect(await bff.anonymous.get('/api/health').then((r) => r.status)).not.toBe(401);
    expect(await bff.anonymous.get('/api/openapi.json').then((r) => r.status)).toBe(200);
    expect(await snapshot(bff)).toBe(before);
  });

  it('lets a viewer look but change nothing (403), and keeps admin pages from them', async () => {
    const before = await snapshot(bff);
    for (const [method, path, body] of table()) {
      const response = await send(viewer, method, path, body);
      if (method !== 'GET') expect(response.status, `${method} ${path}`).toBe(403);
      else if (/\/(users|audit)/.test(path)) expect(response.status, path).toBe(403);
      else expect(response.status, `${method} ${path}`).toBeLessThan(500);
    }
    expect(await snapshot(bff)).toBe(before);
  });

  it('shows an approver of advertiser A nothing of advertiser B, by any id, filter, bulk request or export', async () => {
    const before = await snapshot(bff);
    for (const [method, path, body] of table()) {
      const response = await send(approverA, method, path, body);
      expect(response.status, `${method} ${path}`).toBeLessThan(500);
      if (path.includes(itemB) || path.includes(`/advertisers/${advertiserB}/`)) {
        expect(response.status, `${method} ${path}`).toBe(404);
      }
      // A 404 (or a bulk answer's not_found) repeats the id it was asked for; nothing else of B may appear.
      const answer = JSON.stringify(response.body ?? response.text)
        .replaceAll(path, '')
        .replaceAll(itemB, `${path}${JSON.stringify(body ?? '')}`.includes(itemB) ? '' : itemB);
      if (!path.includes(advertiserB)) expect(answer, `${method} ${path}`).not.toContain(advertiserB);
      expect(answer, `${method} ${path}`).not.toContain(itemB);
    }
    const filtered = await approverA.get(`/api/recommendations?advertiserId=${advertiserB}`).expect(200);
    expect(filtered.body).toMatchObject({ items: [], total: 0 });
    const own = RecommendationPageSchema.parse((await approverA.get('/api/recommendations?limit=200').expect(200)).body);
    expect(own.items.length).toBeGreaterThan(0);
    expect(new Set(own.items.map((item) => item.advertiserId))).toEqual(new Set([advertiserA]));
    // The bulk request's B item is not found, and nothing of B changed.
    const bulk = await approverA
      .post('/api/recommendations/bulk')
      .send({ action: 'reject', ids: [itemB], versions: [1], reason: 'too_risky' });
    expect(bulk.status).toBeLessThan(500);
    expect(bulk.body.results).toEqual([expect.objectContaining({ id: itemB, outcome: 'not_found', recommendation: null })]);
    const after = JSON.parse(await snapshot(bff)) as { recommendations: { id: string }[] };
    const beforeB = (JSON.parse(before) as { recommendations: { id: string }[] }).recommendations.filter((r) => r.id === itemB);
    expect(after.recommendations.filter((r) => r.id === itemB)).toEqual(beforeB);
    // Their own advertiser's item is theirs to see.
    await approverA.get(`/api/recommendations/${itemA}`).expect(200);
  });

  it('refuses a state change without the CSRF token, or with another session’s', async () => {
    const before = await snapshot(bff);
    const approve = () => bff.anonymous.post(`/api/recommendations/${itemA}/approve`);
    const setCookie = (await bff.anonymous.post('/api/auth/login').send(APPROVER_A).expect(200)).headers[
      'set-cookie'
    ] as unknown as string[];
    const cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
    const missing = await approve().set('cookie', cookie).send({ version: 1 });
    expect(missing.status).toBe(403);
    expect(missing.body.detail).toMatch(/x-csrf-token/);
    const wrong = await approve().set('cookie', cookie).set('x-csrf-token', 'not-the-token').send({ version: 1 });
    expect(wrong.status).toBe(403);
    expect(await snapshot(bff)).toBe(before);
  });

  it('refuses requests from other sites and sends no CORS header', async () => {
    const evil = await bff.http.post('/api/users').set('origin', 'https://evil.example').send({ email: 'x@y.test' });
    expect(evil.status).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const crossSite = await bff.http.get('/api/recommendations').set('sec-fetch-site', 'cross-site');
    expect(crossSite.status).toBe(403);
    const preflight = await bff.http.options('/api/recommendations').set('origin', 'https://evil.example');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const sameSite = await bff.http.get('/api/auth/me').set('sec-fetch-site', 'same-origin');
    expect(sameSite.status).toBe(200);
  });

  it('sets a strict Content-Security-Policy and an httpOnly SameSite session cookie', async () => {
    const health = await bff.anonymous.get('/api/health');
    expect(health.headers['content-security-policy']).toMatch(/default-src 'self'.*script-src 'self'/);
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    const login = await bff.anonymous.post('/api/auth/login').send(VIEWER).expect(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/recdesk\.sid=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const tooLarge = await bff.http
      .post('/api/users')
      .set('content-type', 'application/json')
      .send(`{"email":"${'x'.repeat(2_000_000)}"}`);
    expect(tooLarge.status).toBe(413);
  });

  it('locks an account after ten wrong passwords in a row, even for the right password', async () => {
    await bff.http
      .post('/api/users')
      .send({ email: 'lock@agency.test', password: 'the-right-password', role: 'viewer', allAdvertisers: true })
      .expect(201);
    for (let i = 0; i < 10; i++) {
      await bff.anonymous
        .post('/api/auth/login')
        .send({ email: 'lock@agency.test', password: `wrong-${i}` })
        .expect(401);
    }
    const locked = await bff.anonymous.post('/api/auth/login').send({ email: 'lock@agency.test', password: 'the-right-password' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Another account is not affected.
    await bff.anonymous.post('/api/auth/login').send(VIEWER).expect(200);
  });

  it('signs out, revokes sessions, and deactivated users cannot sign in', async () => {
    const session = await bff.signIn(VIEWER.email, VIEWER.password);
    await session.get('/api/auth/me').expect(200);
    await session.post('/api/auth/logout').expect(204);
    await session.get('/api/auth/me').expect(401);

    const other = await bff.signIn(VIEWER.email, VIEWER.password);
    const vera = (await bff.http.get('/api/users').expect(200)).body.items.find((u: User) => u.email === VIEWER.email) as User;
    const revoked = await bff.http.delete(`/api/users/${vera.id}/sessions`).expect(200);
    expect(revoked.body.revoked).toBeGreaterThan(0);
    await other.get('/api/auth/me').expect(401);

    await bff.http.put(`/api/users/${vera.id}`).send({ active: false }).expect(200);
    await bff.anonymous.post('/api/auth/login').send(VIEWER).expect(401);
    await bff.http.put(`/api/users/${vera.id}`).send({ active: true }).expect(200);
  });

  it('keeps the last admin, and audits sign-ins, failures, user changes and decisions for admins (JSON and CSV)', async () => {
    const admins = (await bff.http.get('/api/users').expect(200)).body.items.filter((u: User) => u.role === 'admin') as User[];
    for (const admin of admins.filter((u) => u.email !== TEST_ADMIN.email)) {
      await bff.http.put(`/api/users/${admin.id}`).send({ role: 'viewer' }).expect(200);
    }
    const me = admins.find((u) => u.email === TEST_ADMIN.email) as User;
    await bff.http.put(`/api/users/${me.id}`).send({ role: 'viewer' }).expect(403);

    const own = RecommendationPageSchema.parse((await approverA.get('/api/recommendations?limit=200').expect(200)).body);
    // An item the approver may reject now (an insight is dismissed, not rejected).
    const candidate = own.items.find((item) => item.actions.reject.allowed);
    if (candidate)
      await approverA
        .post(`/api/recommendations/${candidate.id}/reject`)
        .send({ version: candidate.version, reason: 'too_risky' })
        .expect(200);

    const audit = (await bff.http.get('/api/audit?limit=1000').expect(200)).body as { items: { action: string; actor: string }[] };
    const actions = new Set(audit.items.map((entry) => entry.action));
    for (const action of [
      'auth.sign_in',
      'auth.sign_in_failed',
      'user.created',
      'user.updated',
      'user.sessions_revoked',
      'auth.sign_out',
    ]) {
      expect(actions, action).toContain(action);
    }
    if (candidate)
      expect(audit.items).toContainEqual(expect.objectContaining({ action: 'recommendation.rejected', actor: APPROVER_A.email }));
    const csv = await bff.http.get('/api/audit?format=csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('id,at,actor,action,targetType,targetId,advertiserId,ip,details');
    // Append-only, in the database itself.
    await expect(bff.runtime.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
  });

  it('never sends or logs a password, a hash, a session id or a CSRF token', async () => {
    const responses: string[] = [];
    for (const agent of [bff.http, viewer, approverA]) {
      for (const [method, path, body] of table()) {
        const response = await send(agent, method, path, body);
        // The session cookie itself is the one place a session id goes (httpOnly); bodies never carry one.
        responses.push(response.text);
      }
    }
    const users = await bff.http.get('/api/users').expect(200);
    responses.push(users.text);
    for (const text of responses) for (const pattern of SECRET_PATTERNS) expect(text).not.toMatch(pattern);

    const csrf = (await bff.http.get('/api/auth/me').expect(200)).body.csrfToken as string;
    const sids = (await bff.runtime.db.selectFrom('sessions').select('sid').execute()).map((row) => row.sid);
    const logs = logLines.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const pattern of SECRET_PATTERNS) expect(logs).not.toMatch(pattern);
    expect(logs).not.toContain(csrf);
    for (const sid of sids) expect(logs).not.toContain(sid);
  });
});
