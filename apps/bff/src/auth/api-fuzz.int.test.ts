/**
 * Every endpoint, fed malformed bodies, params and query strings by fast-check, as an admin (who may do the most):
 * the answer is always a 4xx problem, never a 5xx or a stack trace, and no data changes. Each case carries at least
 * one thing the contracts refuse (an unknown field or parameter, a malformed id, a body that is not JSON), so a
 * case can never be a valid request by chance.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 80);
const ID = '00000000-0000-5000-8000-000000000000';

type Method = 'get' | 'post' | 'put' | 'delete';
/** `:id` is replaced by a fuzzed param; `body` says whether the route reads a JSON body. */
const ENDPOINTS: ReadonlyArray<{ method: Method; path: string; body: boolean }> = [
  { method: 'get', path: '/api/recommendations', body: false },
  { method: 'get', path: '/api/recommendations/:id', body: false },
  { method: 'get', path: '/api/recommendations/:id/history', body: false },
  { method: 'post', path: '/api/recommendations/:id/approve', body: true },
  { method: 'post', path: '/api/recommendations/:id/reject', body: true },
  { method: 'post', path: '/api/recommendations/:id/validate', body: true },
  { method: 'post', path: '/api/recommendations/bulk', body: true },
  { method: 'get', path: '/api/conflicts', body: false },
  { method: 'get', path: '/api/conflicts/:id', body: false },
  { method: 'post', path: '/api/conflicts/detect', body: false },
  { method: 'get', path: '/api/sources', body: false },
  { method: 'get', path: '/api/sources/:id/quarantine', body: false },
  { method: 'post', path: '/api/sync', body: false },
  { method: 'put', path: '/api/advertisers/:id/guardrails', body: true },
  { method: 'put', path: '/api/advertisers/:id/approval-policy', body: true },
  { method: 'post', path: '/api/apply', body: true },
  { method: 'get', path: '/api/apply/:id', body: false },
  { method: 'post', path: '/api/apply/:id/retry-failed', body: true },
  { method: 'post', path: '/api/undo', body: true },
  { method: 'get', path: '/api/users', body: false },
  { method: 'post', path: '/api/users', body: true },
  { method: 'get', path: '/api/users/:id', body: false },
  { method: 'put', path: '/api/users/:id', body: true },
  { method: 'delete', path: '/api/users/:id/sessions', body: false },
  { method: 'get', path: '/api/audit', body: false },
  { method: 'post', path: '/api/auth/login', body: true },
  { method: 'get', path: '/api/auth/me', body: false },
  { method: 'get', path: '/api/auth/config', body: false },
  { method: 'get', path: '/api/auth/oidc/start', body: false },
  { method: 'get', path: '/api/auth/oidc/callback', body: false },
  { method: 'get', path: '/api/admin/ads-credentials', body: false },
  { method: 'put', path: '/api/admin/ads-credentials', body: true },
];
/** Marketing Stream deliveries: a malformed message is quarantined and acknowledged (a 4xx would be redelivered forever). */
const STREAM = { method: 'post' as const, path: '/api/stream/messages' };

/** A route param that no route accepts as an id: not a uuid, or a uuid followed by junk. */
const badParam = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/^[0-9a-f-]{36}$/i.test(s)),
  fc.constantFrom(`${ID}x`, '..%2f..%2fetc%2fpasswd', '%00', "' or 1=1 --", 'null', '-1', 'constructor', '__proto__'),
);
const junkValue = fc.oneof(fc.anything({ maxDepth: 2 }), fc.string(), fc.double(), fc.constant(null));
/** An object carrying at least one field no contract knows. */
const badBody = fc
  .tuple(
    fc.dictionary(fc.constantFrom('version', 'ids', 'email', 'password', 'role', 'reason', 'action', 'messages', 'note'), junkValue, {
      maxKeys: 4,
    }),
    fc.string({ minLength: 1, maxLength: 12 }),
    junkValue,
  )
  .map(([known, unknownKey, value]) => ({ ...known, [`zz_${unknownKey}`]: value }));
/** Query strings with at least one unknown parameter, and maybe known ones with junk values. */
const badQuery = fc
  .tuple(
    fc.dictionary(
      fc.constantFrom('limit', 'cursor', 'status', 'source', 'advertiserId', 'format', 'sort', 'before'),
      fc.string({ maxLength: 20 }),
      {
        maxKeys: 3,
      },
    ),
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.string({ maxLength: 20 }),
  )
  .map(([known, unknownKey, value]) => new URLSearchParams({ ...known, [`zz_${unknownKey}`]: value }).toString());
const notJson = fc.oneof(
  fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !isJson(s)),
  fc.constantFrom('{', '{"a":', '[1,,2]', 'nul'),
);

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function snapshot(bff: TestBff): Promise<string> {
  const db = bff.runtime.db;
  const tables = [
    'recommendations',
    'recommendation_events',
    'users',
    'user_advertisers',
    'approval_policies',
    'advertiser_guardrails',
    'conflicts',
    'stream_messages',
    'ads_credentials',
  ] as const;
  const rows = await Promise.all(tables.map((table) => db.selectFrom(table).selectAll().execute()));
  return JSON.stringify(rows.map((list) => list.map((row) => JSON.stringify(row)).sort()));
}

const target = databaseTargets[0] as (typeof databaseTargets)[number];
const junkRequest = fc.oneof(
  badBody.map((b) => ({ query: '', body: b as unknown })),
  badQuery.map((q) => ({ query: q, body: {} as unknown })),
);

describe('fuzzing every endpoint', () => {
  let bff: TestBff;

  beforeAll(async () => {
    bff = await startTestBff(target.create());
    await bff.http.post('/api/sync?source=partner-opportunities').expect(200);
  }, 300_000);

  afterAll(async () => {
    await bff?.close();
  });

  it.each(ENDPOINTS)(
    '$method $path answers malformed requests with 4xx and changes nothing',
    async ({ method, path, body }) => {
      const before = await snapshot(bff);
      const failures: string[] = [];
      const check = (what: string, response: { status: number; text: string }) => {
        if (response.status < 400 || response.status >= 500) failures.push(`${what} → ${response.status} ${response.text.slice(0, 200)}`);
        if (/\n\s+at |\.ts:\d+/.test(response.text)) failures.push(`${what} → a stack trace`);
      };
      const cases = fc.oneof(
        fc.record({ kind: fc.constant('param' as const), param: badParam, query: fc.constant(''), body: badBody }),
        fc.record({ kind: fc.constant('query' as const), param: fc.constant(ID), query: badQuery, body: fc.constant({}) }),
        fc.record({ kind: fc.constant('body' as const), param: fc.constant(ID), query: fc.constant(''), body: badBody }),
        fc.record({ kind: fc.constant('json' as const), param: fc.constant(ID), query: fc.constant(''), body: notJson }),
      );
      await fc.assert(
        fc.asyncProperty(cases, async (c) => {
          // Without a param, a "param" case has nothing to break: it sends an unknown query parameter instead.
          const hasParam = path.includes(':id');
          const kind = c.kind === 'param' && !hasParam ? 'query' : c.kind;
          // A route without a body cannot be broken by one: those get an unknown query parameter.
          const effective = (kind === 'body' || kind === 'json') && !body ? 'query' : kind;
          const url = path.replace(':id', encodeURIComponent(effective === 'param' ? c.param : ID));
          const query = effective === 'query' ? c.query || 'zz_x=1' : '';
          let request = bff.http[method](query ? `${url}?${query}` : url);
          if (effective === 'json') request = request.set('content-type', 'application/json').send(c.body as string);
          else if (body) request = request.send(c.body as object);
          const response = await request;
          check(`${effective} ${method.toUpperCase()} ${url}${query ? `?${query}` : ''} ${JSON.stringify(c.body).slice(0, 120)}`, response);
        }),
        { numRuns: RUNS },
      );
      expect(failures.slice(0, 10)).toEqual([]);
      expect(await snapshot(bff)).toBe(before);
    },
    120_000,
  );

  it('the Stream delivery endpoint never fails with a 5xx or a stack, and stores no malformed message', async () => {
    const before = await bff.runtime.db.selectFrom('stream_messages').selectAll().execute();
    await fc.assert(
      fc.asyncProperty(junkRequest, async ({ query, body }) => {
        const response = await bff.http[STREAM.method](query ? `${STREAM.path}?${query}` : STREAM.path).send(body as object);
        expect(response.status).toBeLessThan(500);
        expect(response.text).not.toMatch(/\n\s+at |\.ts:\d+/);
      }),
      { numRuns: RUNS },
    );
    expect(await bff.runtime.db.selectFrom('stream_messages').selectAll().execute()).toEqual(before);
  }, 120_000);
});
