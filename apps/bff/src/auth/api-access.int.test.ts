/**
 * The acceptance table, built from the router itself: every endpoint the app serves under /api (routesOf) must be
 * classified below, or this test fails naming it. Each is then tried without a session (401), as a viewer (no state
 * change: 403 for every change, 403 for admin pages; the data unchanged) and as an approver of advertiser A with
 * advertiser B's ids, filters, bulk requests and exports (B's ids are not found, no answer holds anything of B, and
 * nothing of B changes). Complements auth.int.test.ts (CSRF, other sites, headers, lockout, logs).
 */
import { RecommendationPageSchema } from '@recdesk/shared-types';
import type TestAgent from 'supertest/lib/agent.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { routesOf } from '../http/route-list.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { asSystem } from './scope.ts';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const VIEWER = { email: 'vesna@agency.test', password: 'vesna-password-123' };
const APPROVER_A = { email: 'arno@agency.test', password: 'arno-password-123' };

/** What the walk uses in place of path parameters: always advertiser B's, where B has one. */
interface Ids {
  itemB: string;
  advertiserB: string;
  batchB: string;
  ruleId: string;
  userId: string;
  conditionId: string;
}

/**
 * Who may use each endpoint: `public` (no session), `stream` (the Stream shared secret, not a session), `self` (any
 * session, about itself), `read` (any role reads, within scope), `act` (approvers and admins change, within scope),
 * `admin` (admins only). `sample` fills the path and adds a query or body aimed at advertiser B.
 */
type Access = 'public' | 'stream' | 'self' | 'read' | 'act' | 'admin';
interface Entry {
  access: Access;
  /** Runs for minutes against the simulator (report polling): tried without a session and as a viewer only. */
  longRunning?: true;
  sample?: (ids: Ids) => { path?: string; query?: string; body?: unknown };
}

const ENDPOINTS: Readonly<Record<string, Entry>> = {
  'GET /api/health': { access: 'public' },
  'GET /api/ready': { access: 'public' },
  'GET /api/openapi.json': { access: 'public' },
  'POST /api/auth/login': { access: 'public' },
  'GET /api/auth/config': { access: 'public' },
  'GET /api/auth/oidc/start': { access: 'public' },
  'GET /api/auth/oidc/callback': { access: 'public' },
  'GET /api/auth/me': { access: 'self' },
  'POST /api/auth/logout': { access: 'self' },
  'POST /api/stream/messages': { access: 'stream' },
  'GET /api/stream/subscriptions': { access: 'admin', sample: (ids) => ({ query: `advertiserId=${ids.advertiserB}` }) },
  'POST /api/stream/subscriptions': {
    access: 'admin',
    sample: (ids) => ({
      body: {
        advertiserId: ids.advertiserB,
        profileId: '1',
        dataSetId: 'budget-usage',
        destinationArn: 'arn:aws:sqs:us-east-1:123456789012:q',
      },
    }),
  },
  'PUT /api/stream/subscriptions/:id': { access: 'admin', sample: () => ({ body: { notes: 'walked' } }) },
  'GET /api/recommendations': { access: 'read', sample: (ids) => ({ query: `advertiserId=${ids.advertiserB}` }) },
  'GET /api/recommendations/:id': { access: 'read' },
  'GET /api/recommendations/:id/history': { access: 'read' },
  'POST /api/recommendations/:id/approve': { access: 'act', sample: () => ({ body: { version: 1 } }) },
  'POST /api/recommendations/:id/reject': { access: 'act', sample: () => ({ body: { version: 1, reason: 'too_risky' } }) },
  'POST /api/recommendations/:id/validate': { access: 'act', sample: () => ({ body: { resync: false } }) },
  'POST /api/recommendations/:id/acknowledge': { access: 'act', sample: () => ({ body: { version: 1 } }) },
  'POST /api/recommendations/:id/unapprove': { access: 'act', sample: () => ({ body: { version: 1 } }) },
  'POST /api/recommendations/:id/dismiss': { access: 'act', sample: () => ({ body: { version: 1, reason: 'not_relevant' } }) },
  'POST /api/recommendations/bulk': {
    access: 'act',
    sample: (ids) => ({ body: { action: 'reject', ids: [ids.itemB], versions: [1], reason: 'too_risky' } }),
  },
  'GET /api/conflicts': { access: 'read', sample: (ids) => ({ query: `advertiserId=${ids.advertiserB}` }) },
  'GET /api/conflicts/:id': { access: 'read' },
  'POST /api/conflicts/detect': { access: 'act' },
  'GET /api/sources': { access: 'read' },
  'GET /api/sources/:source/quarantine': { access: 'read' },
  'POST /api/sync': { access: 'act', sample: () => ({ query: 'source=partner-opportunities' }) },
  'GET /api/advertisers': { access: 'read' },
  'GET /api/advertisers/:advertiserId/guardrails': { access: 'read' },
  'GET /api/advertisers/:advertiserId/plan': { access: 'read' },
  'GET /api/advertisers/:advertiserId/plan/campaigns': { access: 'read' },
  'GET /api/advertisers/:advertiserId/plan/drafts': { access: 'read' },
  'POST /api/advertisers/:advertiserId/plan/drafts': {
    access: 'act',
    sample: () => ({
      body: {
        forecast: { profileId: '1', startDate: '2026-12-07', endDate: '2027-01-05', audienceIds: [] },
        change: { type: 'budget', campaignId: '1', dailyBudget: 50 },
      },
    }),
  },
  'PUT /api/advertisers/:advertiserId/guardrails': { access: 'admin', sample: () => ({ body: { maxBidChangePct: 10 } }) },
  'GET /api/advertisers/:advertiserId/approval-policy': { access: 'read' },
  'PUT /api/advertisers/:advertiserId/approval-policy': { access: 'admin', sample: () => ({ body: { secondApproverAbove: 1 } }) },
  'POST /api/apply': { access: 'act', sample: (ids) => ({ body: { ids: [ids.itemB] } }) },
  'GET /api/apply/:batchId': { access: 'read' },
  'POST /api/apply/:batchId/retry-failed': { access: 'act' },
  'POST /api/undo': { access: 'act', sample: (ids) => ({ body: { batchId: ids.batchB } }) },
  'GET /api/activity': { access: 'read', sample: (ids) => ({ query: `advertiserId=${ids.advertiserB}` }) },
  'GET /api/activity.csv': { access: 'read', sample: (ids) => ({ query: `advertiserId=${ids.advertiserB}` }) },
  'GET /api/performance': { access: 'read', sample: (ids) => ({ query: `advertiserId=${ids.advertiserB}` }) },
  'POST /api/performance/sync': { access: 'act', longRunning: true },
  'GET /api/impact': { access: 'read', sample: (ids) => ({ query: `advertiserId=${ids.advertiserB}` }) },
  'GET /api/impact/:recommendationId': { access: 'read' },
  'GET /api/exchange-rates': { access: 'read' },
  'PUT /api/exchange-rates': {
    access: 'admin',
    sample: () => ({ body: { rates: [{ from: 'USD', to: 'GBP', rate: 0.8, asOf: '2026-12-01' }] } }),
  },
  'GET /api/alerts': { access: 'read' },
  'PUT /api/alerts/conditions/:id': { access: 'admin', sample: () => ({ body: { threshold: 1 } }) },
  'GET /api/simulator/clock': { access: 'admin' },
  'POST /api/simulator/clock': { access: 'admin', sample: () => ({ body: { advanceDays: 1 } }) },
  'GET /api/rules': { access: 'read' },
  'POST /api/rules': { access: 'admin', sample: () => ({ body: { name: 'x', expression: 'confidence > 0.5', mode: 'on' } }) },
  'POST /api/rules/preview': { access: 'admin', sample: () => ({ body: { expression: 'confidence > 0.5' } }) },
  'GET /api/rules/:id': { access: 'read' },
  'PUT /api/rules/:id': { access: 'admin', sample: () => ({ body: { name: 'x', expression: 'confidence > 0.5', mode: 'on' } }) },
  'POST /api/rules/:id/backtest': { access: 'admin' },
  'GET /api/rules/:id/decisions': { access: 'read' },
  'GET /api/rules/:id/versions': { access: 'read' },
  'GET /api/users': { access: 'admin' },
  'POST /api/users': {
    access: 'admin',
    sample: () => ({ body: { email: 'new@agency.test', role: 'admin', password: 'a-long-password', allAdvertisers: true } }),
  },
  'GET /api/users/:id': { access: 'admin' },
  'PUT /api/users/:id': { access: 'admin', sample: () => ({ body: { role: 'admin', allAdvertisers: true } }) },
  'DELETE /api/users/:id/sessions': { access: 'admin' },
  'GET /api/audit': { access: 'admin', sample: (ids) => ({ query: `advertiserId=${ids.advertiserB}` }) },
  'GET /api/admin/ads-credentials': { access: 'admin' },
  'PUT /api/admin/ads-credentials': { access: 'admin', sample: () => ({ body: { refreshToken: 'Atzr|planted' } }) },
};

function fill(path: string, ids: Ids): string {
  return path.replace(/:(\w+)/g, (_all, name: string) => {
    if (name === 'advertiserId') return ids.advertiserB;
    if (name === 'batchId') return ids.batchB;
    if (name === 'source') return 'partner-opportunities';
    if (name === 'recommendationId') return ids.itemB;
    if (path.startsWith('/api/recommendations/') || path.startsWith('/api/conflicts/')) return ids.itemB;
    if (path.startsWith('/api/rules/')) return ids.ruleId;
    if (path.startsWith('/api/users/')) return ids.userId;
    if (path.startsWith('/api/alerts/')) return ids.conditionId;
    return '00000000-0000-5000-8000-000000000000';
  });
}

interface Tried {
  method: string;
  route: string;
  entry: Entry;
  url: string;
  body: unknown;
}

type Agent = TestAgent | TestBff['anonymous'];
function send(agent: Agent, tried: Tried) {
  const request = agent[tried.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'](tried.url);
  return tried.body === undefined ? request : request.send(tried.body as object);
}

/** Everything of one advertiser a request could change. */
async function stateOf(bff: TestBff, advertiserId?: string): Promise<string> {
  const db = bff.runtime.db;
  return asSystem(async () => {
    const only = <T extends { where: (...args: never[]) => T }>(query: T, column: string): T =>
      advertiserId ? (query.where as unknown as (c: string, op: string, v: string) => T)(column, '=', advertiserId) : query;
    const [recommendations, events, policies, guardrails, items] = await Promise.all([
      only(db.selectFrom('recommendations').select(['id', 'status', 'version', 'first_approver_id', 'approved_value']), 'advertiser_id')
        .orderBy('id')
        .execute(),
      only(
        db.selectFrom('recommendation_events as e').innerJoin('recommendations as r', 'r.id', 'e.recommendation_id').select(['e.id']),
        'r.advertiser_id',
      )
        .orderBy('e.id')
        .execute(),
      only(db.selectFrom('approval_policies').selectAll(), 'advertiser_id').orderBy('advertiser_id').execute(),
      only(db.selectFrom('advertiser_guardrails').selectAll(), 'advertiser_id').orderBy('advertiser_id').execute(),
      only(
        db
          .withTables<{ apply_items: { id: string; state: string; advertiser_id: string } }>()
          .selectFrom('apply_items')
          .select(['id', 'state']),
        'advertiser_id',
      )
        .orderBy('id')
        .execute(),
    ]);
    const whole = advertiserId
      ? {}
      : {
          users: await db.selectFrom('users').select(['id', 'role', 'active', 'all_advertisers']).orderBy('id').execute(),
          credentials: await db.selectFrom('ads_credentials').select(['name', 'last4']).orderBy('name').execute(),
        };
    return JSON.stringify({ recommendations, events, policies, guardrails, items, whole }, (_key, value) =>
      value instanceof Date ? value.toISOString() : value,
    );
  });
}

describe.each(databaseTargets)('every endpoint × role on $name', ({ create }) => {
  let bff: TestBff;
  let viewer: TestAgent;
  let approverA: TestAgent;
  let ids: Ids;
  let advertiserA: string;
  let tried: Tried[];

  beforeAll(async () => {
    bff = await startTestBff(await create());
    await bff.http.post('/api/sync?source=partner-opportunities').expect(200);
    const page = RecommendationPageSchema.parse((await bff.http.get('/api/recommendations?limit=200').expect(200)).body);
    const advertisers = [...new Set(page.items.map((item) => item.advertiserId))].sort();
    expect(advertisers.length).toBeGreaterThanOrEqual(2);
    const [a, b] = advertisers as [string, string];
    advertiserA = a;
    const ofB = page.items.filter((item) => item.advertiserId === b);
    // Preferably one that can be approved and applied at once, so that B also has an apply batch to ask for.
    const itemB = ofB.find((item) => item.applicable && item.status === 'validated' && item.conflictIds.length === 0) ?? ofB[0];
    if (!itemB) throw new Error('no item of advertiser B');
    // A batch of B: approved and applied by the admin, finished before the walk so that nothing moves under it.
    await bff.http.post(`/api/recommendations/${itemB.id}/approve`).send({ version: itemB.version }).expect(200);
    const queued = await bff.http.post('/api/apply').send({ ids: [itemB.id] });
    expect(queued.status, JSON.stringify(queued.body)).toBeLessThan(300);
    const batchB = queued.body.batchId as string;
    await bff.runtime.apply.createWorker().sweep();
    const rule = await bff.http.post('/api/rules').send({ name: 'Walk', expression: 'confidence > 0.99', mode: 'shadow' }).expect(201);
    const approver = await bff.http
      .post('/api/users')
      .send({ ...APPROVER_A, role: 'approver', advertiserIds: [a] })
      .expect(201);
    await bff.http
      .post('/api/users')
      .send({ ...VIEWER, role: 'viewer', allAdvertisers: true })
      .expect(201);
    const alerts = await bff.http.get('/api/alerts');
    const conditionId = (alerts.body?.conditions?.[0]?.id as string | undefined) ?? 'source_stale';
    ids = { itemB: itemB.id, advertiserB: b, batchB, ruleId: rule.body.id, userId: approver.body.id, conditionId };
    viewer = await bff.signIn(VIEWER.email, VIEWER.password);
    approverA = await bff.signIn(APPROVER_A.email, APPROVER_A.password);

    const routes = routesOf(bff.app, '/api');
    const unclassified = routes.map((r) => `${r.method} ${r.path}`).filter((key) => !(key in ENDPOINTS));
    // A new endpoint must say who may use it (ENDPOINTS above) before it is tried here.
    expect(unclassified, 'endpoints served but not classified in api-access.int.test.ts').toEqual([]);
    tried = routes.map(({ method, path }) => {
      const entry = ENDPOINTS[`${method} ${path}`] as Entry;
      const sample = entry.sample?.(ids) ?? {};
      const url = `${sample.path ?? fill(path, ids)}${sample.query ? `?${sample.query}` : ''}`;
      return { method, route: path, entry, url, body: sample.body };
    });
  });

  afterAll(async () => {
    await bff?.close();
  });

  it('documents every endpoint it serves in the OpenAPI document', async () => {
    const document = (await bff.anonymous.get('/api/openapi.json').expect(200)).body as { paths: Record<string, object> };
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    const missing = tried.map((t) => `${t.method} ${t.route}`).filter((key) => !documented.has(key));
    expect(missing, 'served under /api but missing from the OpenAPI document').toEqual([]);
  });

  it('without a session: 401 on every endpoint but the public ones, and nothing changes', async () => {
    const before = await stateOf(bff);
    for (const t of tried) {
      if (t.entry.access === 'public') continue;
      const response = await send(bff.anonymous, t);
      expect(response.status, `${t.method} ${t.url}`).toBe(401);
    }
    expect(await stateOf(bff)).toBe(before);
  });

  it('as a viewer: every change refused (403), admin pages refused, and the data unchanged', async () => {
    const before = await stateOf(bff);
    for (const t of tried) {
      if (t.entry.access === 'public' || t.entry.access === 'stream' || t.route === '/api/auth/logout') continue;
      const response = await send(viewer, t);
      const label = `${t.method} ${t.url}`;
      expect(response.status, label).toBeLessThan(500);
      if (t.method !== 'GET' || t.entry.access === 'admin') expect(response.status, label).toBe(403);
      else expect(response.status, label).not.toBe(401);
    }
    expect(await stateOf(bff)).toBe(before);
  });

  it('as an approver of A: nothing of B returned or changed by any id, filter, bulk request or export', async () => {
    const beforeB = await stateOf(bff, ids.advertiserB);
    const beforeAll = await stateOf(bff);
    for (const t of tried) {
      if (t.entry.access === 'public' || t.entry.access === 'stream' || t.route === '/api/auth/logout' || t.entry.longRunning) continue;
      const response = await send(approverA, t).timeout(60_000);
      const label = `${t.method} ${t.url}`;
      expect(response.status, label).toBeLessThan(500);
      if (t.entry.access === 'admin') expect([403, 404], label).toContain(response.status);
      const named =
        /:(id|advertiserId|batchId|recommendationId)\b/.test(t.route) &&
        !/^\/api\/(rules|users|alerts|stream\/subscriptions)\//.test(t.route);
      if (named) expect(response.status, label).toBe(404);
      // What was asked is repeated in a 404 or a bulk answer's `not_found`; nothing else of B may appear.
      let answer = `${response.text ?? ''}`;
      for (const asked of [ids.itemB, ids.batchB, ids.advertiserB]) {
        if (`${t.url}${JSON.stringify(t.body ?? '')}`.includes(asked) && response.status >= 400) answer = answer.replaceAll(asked, '');
      }
      if (t.route === '/api/recommendations/bulk') {
        expect(response.body.results, label).toEqual([
          expect.objectContaining({ id: ids.itemB, outcome: 'not_found', recommendation: null }),
        ]);
        answer = answer.replaceAll(ids.itemB, '');
      }
      expect(answer, label).not.toContain(ids.itemB);
      expect(answer, label).not.toContain(ids.batchB);
      expect(answer, label).not.toContain(`"${ids.advertiserB}"`);
    }
    expect(await stateOf(bff, ids.advertiserB)).toBe(beforeB);
    // Admin-only state (users, credentials) did not change either.
    expect(JSON.parse(await stateOf(bff)).whole).toEqual(JSON.parse(beforeAll).whole);
    // Their own advertiser stays theirs.
    const own = RecommendationPageSchema.parse((await approverA.get('/api/recommendations?limit=200').expect(200)).body);
    expect(new Set(own.items.map((item) => item.advertiserId))).toEqual(new Set([advertiserA]));
  });
});
