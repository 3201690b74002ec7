/**
 * One canonical URL: every route of the OpenAPI document, asked for in every path variant a server or a proxy might
 * take for the same route (letter case, trailing, doubled and leading slashes, encoded slashes and dots, dot segments,
 * needless or invalid percent-encoding, invalid UTF-8, backslashes), without a session, as a viewer and as an approver
 * scoped to advertiser A using advertiser B's ids (and their own user id). Every variant must answer 404 problem+json,
 * so none can grant what the canonical path refuses; afterwards no user, role, scope, session, guardrail, policy,
 * rule or item has changed. Requests go out raw (node:http) so that no client library tidies the path first.
 * Also: the routes mounted under /api are exactly the routes the OpenAPI document describes.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CSRF_HEADER, RecommendationPageSchema, SessionInfoSchema } from '@recdesk/shared-types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { asSystem } from '../auth/scope.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { routesOf } from './route-list.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const VIEWER = { email: 'vera@agency.test', password: 'vera-password-123' };
const APPROVER_A = { email: 'aldo@agency.test', password: 'aldo-password-123' };

interface Answer {
  status: number;
  type: string;
  text: string;
  setCookie: string[];
}

interface Identity {
  name: string;
  cookie?: string;
  csrf?: string;
}

/** One request with the path exactly as given (node:http sends it byte for byte). */
function raw(port: number, method: string, path: string, identity: Identity, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          ...(identity.cookie ? { cookie: identity.cookie } : {}),
          ...(identity.csrf ? { [CSRF_HEADER]: identity.csrf } : {}),
          // The Stream secret is NOT sent: a variant must not reach the Stream route without it, nor with a session.
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
        timeout: 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            text,
            setCookie: res.headers['set-cookie'] ?? [],
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

async function signIn(port: number, email: string, password: string): Promise<Identity> {
  const answer = await raw(port, 'POST', '/api/auth/login', { name: 'anonymous' }, { email, password });
  expect(answer.status, answer.text).toBe(200);
  const cookie = answer.setCookie.map((c) => c.split(';')[0]).join('; ');
  return { name: email, cookie, csrf: SessionInfoSchema.parse(JSON.parse(answer.text)).csrfToken };
}

const upperFirst = (s: string): string => (s ? `${(s[0] as string).toUpperCase()}${s.slice(1)}` : s);
const encodeFirstLetter = (s: string): string =>
  s.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

/** The ways one canonical path `/api/a/b` can be spelt otherwise; each is a different path to a strict server. */
export function pathVariants(canonical: string): string[] {
  const rest = canonical.slice('/api'.length); // '/a/b'
  const [first = '', ...others] = rest.slice(1).split('/');
  const tail = others.length ? `/${others.join('/')}` : '';
  const lastSlash = canonical.lastIndexOf('/');
  const variants = [
    // Letter case
    `/API${rest}`,
    `/Api${rest}`,
    `/api/${upperFirst(first)}${tail}`,
    `/api/${first.toUpperCase()}${tail}`,
    canonical.toUpperCase(),
    // Slashes
    `${canonical}/`,
    `${canonical}//`,
    `/${canonical}`,
    `/api/${rest}`,
    `${canonical.slice(0, lastSlash)}//${canonical.slice(lastSlash + 1)}`,
    `/api\\${rest.slice(1)}`,
    // Encoded slashes
    `/api%2F${rest.slice(1)}`,
    `/api%2f${rest.slice(1)}`,
    `${canonical.slice(0, lastSlash)}%2F${canonical.slice(lastSlash + 1)}`,
    `/api/%2F${rest.slice(1)}`,
    `/api/%5C${rest.slice(1)}`,
    // Dot segments, plain and encoded
    `/api/.${rest}`,
    `/api/x/..${rest}`,
    `/api/%2e${rest}`,
    `/api/%2E%2E/api${rest}`,
    `/api/x/%2e%2e${rest}`,
    `${canonical}/.`,
    `${canonical}/x/..`,
    // Needless, invalid and overlong percent-encoding, invalid UTF-8
    `/api/${encodeFirstLetter(first)}${tail}`,
    `/%61pi${rest}`,
    `${canonical}%`,
    `${canonical}%ZZ`,
    `${canonical}%ED%A0%80`,
    `/api/%C0%AE${rest}`,
    // The same in absolute form (`GET http://host/path`), which Express routes by its path
    `http://localhost/API${rest}`,
    `http://localhost${canonical}/`,
    `/api%C0%AF${rest.slice(1)}`,
  ];
  return [...new Set(variants)].filter((v) => v !== canonical);
}

/** What a variant may change: users and their scopes and sessions, guardrails, policies, rules, items, credentials. */
async function snapshot(bff: TestBff): Promise<string> {
  const db = bff.runtime.db;
  return asSystem(async () =>
    JSON.stringify(
      await Promise.all([
        db.selectFrom('users').select(['id', 'email', 'role', 'active', 'all_advertisers', 'password_hash']).orderBy('id').execute(),
        db.selectFrom('user_advertisers').selectAll().orderBy('user_id').orderBy('advertiser_id').execute(),
        db.selectFrom('sessions').select(['sid', 'user_id']).orderBy('sid').execute(),
        db.selectFrom('advertiser_guardrails').selectAll().orderBy('advertiser_id').execute(),
        db.selectFrom('approval_policies').selectAll().orderBy('advertiser_id').execute(),
        db.selectFrom('recommendations').select(['id', 'status', 'version', 'first_approver_id', 'approved_value']).orderBy('id').execute(),
        db.selectFrom('stream_messages').select(['dedup_key']).orderBy('dedup_key').execute(),
        db.selectFrom('ads_credentials').select(['name', 'last4']).orderBy('name').execute(),
        db
          .withTables<{ apply_rules: { id: string; version: number } }>()
          .selectFrom('apply_rules')
          .select(['id', 'version'])
          .orderBy('id')
          .execute(),
      ]),
      (_key, value) => (value instanceof Date ? value.toISOString() : value),
    ),
  );
}

describe.each(databaseTargets)('every route in every path variant on $name', ({ create }) => {
  let bff: TestBff;
  let port: number;
  let server: ReturnType<TestBff['app']['listen']>;
  let identities: Identity[];
  let document: { paths: Record<string, Record<string, unknown>> };
  let fill: (path: string) => string;

  beforeAll(async () => {
    bff = await startTestBff(await create());
    await bff.http.post('/api/sync?source=partner-opportunities').expect(200);
    const page = RecommendationPageSchema.parse((await bff.http.get('/api/recommendations?limit=200').expect(200)).body);
    const [a, b] = [...new Set(page.items.map((item) => item.advertiserId))].sort() as [string, string];
    expect(b).toBeDefined();
    const itemB = page.items.find((item) => item.advertiserId === b);
    if (!itemB) throw new Error('no item of advertiser B');
    const rule = await bff.http.post('/api/rules').send({ name: 'Variants', expression: 'confidence > 0.99', mode: 'shadow' }).expect(201);
    const approver = await bff.http
      .post('/api/users')
      .send({ ...APPROVER_A, role: 'approver', advertiserIds: [a] })
      .expect(201);
    await bff.http
      .post('/api/users')
      .send({ ...VIEWER, role: 'viewer', allAdvertisers: true })
      .expect(201);
    const ids: Record<string, string> = {
      advertiserId: b,
      batchId: '00000000-0000-4000-8000-00000000000b',
      source: 'partner-opportunities',
      recommendationId: itemB.id,
    };
    fill = (path) =>
      path.replace(/\{(\w+)\}/g, (_all, name: string) => {
        if (ids[name]) return ids[name];
        if (path.startsWith('/api/rules/')) return rule.body.id as string;
        // The approver's own id: `PUT /api/Users/<own id>` {"role":"admin"} is the escalation to prevent.
        if (path.startsWith('/api/users/')) return approver.body.id as string;
        if (path.startsWith('/api/alerts/')) return 'source_stale';
        return itemB.id;
      });
    server = bff.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
    identities = [
      { name: 'no session' },
      await signIn(port, VIEWER.email, VIEWER.password),
      await signIn(port, APPROVER_A.email, APPROVER_A.password),
    ];
    document = JSON.parse((await raw(port, 'GET', '/api/openapi.json', { name: 'anonymous' })).text);
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await bff?.close();
  });

  it('mounts exactly the routes the OpenAPI document describes', () => {
    const documented = Object.entries(document.paths)
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      )
      .sort();
    const mounted = routesOf(bff.app, '/api')
      .map((route) => `${route.method} ${route.path}`)
      .sort();
    expect(mounted).toEqual(documented);
  });

  it('answers 404 to every non-canonical spelling of every route, for everyone, and nothing changes', async () => {
    const before = await snapshot(bff);
    const granted: string[] = [];
    const other: string[] = [];
    let tried = 0;
    for (const [template, operations] of Object.entries(document.paths)) {
      const canonical = fill(template);
      for (const method of Object.keys(operations)) {
        // Whatever the route would take, in the most harmful form: an escalation, a threshold switched off.
        const body =
          method === 'get' ? undefined : { role: 'admin', allAdvertisers: true, secondApproverAbove: null, maxBudgetChangePerDay: 99999 };
        for (const identity of identities) {
          for (const variant of pathVariants(canonical)) {
            tried += 1;
            const answer = await raw(port, method.toUpperCase(), variant, identity, body);
            const label = `${method.toUpperCase()} ${variant} as ${identity.name}: ${answer.status}`;
            if (answer.status < 400) granted.push(label);
            else if (answer.status !== 404 || !answer.type.startsWith('application/problem+json')) other.push(label);
          }
        }
      }
    }
    expect(tried).toBeGreaterThan(1000);
    expect(granted, 'variants that answered as if allowed').toEqual([]);
    expect(other, 'variants that did not answer 404 problem+json').toEqual([]);
    expect(await snapshot(bff)).toBe(before);
    // The sessions still work: no variant signed anyone out, and the canonical paths still decide.
    const [, viewer, approver] = identities as [Identity, Identity, Identity];
    expect((await raw(port, 'GET', '/api/auth/me', viewer)).status).toBe(200);
    expect((await raw(port, 'GET', '/api/users', viewer)).status).toBe(403);
    expect((await raw(port, 'PUT', fill('/api/users/{id}'), approver, { role: 'admin' })).status).toBe(403);
    expect((await raw(port, 'PUT', fill('/api/advertisers/{advertiserId}/guardrails'), approver, { maxBidChangePct: 10 })).status).toBe(
      404,
    );
    expect((await raw(port, 'POST', '/api/stream/messages', approver, [])).status).toBe(401);
  });
});
