/**
 * Every endpoint of the OpenAPI document, fed odd values by fast-check, signed in as an admin (who may do the most):
 * each case keeps the request otherwise valid (values sampled from the document's schemas) and puts one odd value in
 * one place: a path parameter, a query parameter (known or not), a body field, or the whole body. Odd means NUL
 * bytes, unpaired surrogates, huge or malformed numbers, dates outside 1970-9999 or not dates at all, cursors whose
 * base64 JSON holds the wrong types, wrong JSON types, bodies that are not JSON. The answer is never a 5xx or a stack
 * trace, and a refused request (4xx) changes no data. Because the operations come from the document, a new endpoint
 * is fuzzed as soon as it is documented. FUZZ_RUNS sets the cases per operation (CI's default keeps the file under a
 * minute).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import type TestAgent from 'supertest/lib/agent.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { buildOpenApiDocument } from '../http/openapi.ts';
import { pgliteTarget } from '../testing/pglite-template.ts';
import { startTestBff, TEST_ADMIN, type TestBff } from '../testing/test-runtime.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

// ---------------------------------------------------------------------------------------------------------------
// The document, read as operations.
type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;

interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: JsonSchema;
}
interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  parameters: Parameter[];
  body: JsonSchema | null;
}

function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item as Record<string, unknown>)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const op = operation as { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } };
      const content = op.requestBody?.content ?? {};
      operations.push({
        method: method as Operation['method'],
        path,
        parameters: (op.parameters ?? []).filter((p) => p.in !== 'header'),
        body: (content['application/json'] ?? Object.values(content)[0])?.schema ?? null,
      });
    }
  }
  return operations;
}

/** A value the schema accepts, as far as a document can tell: the odd value elsewhere is then the one thing tried. */
function sampleOf(schema: JsonSchema | undefined): unknown {
  if (!schema) return 'fuzz';
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  // false, not the default: `resync: true` would call upstream on every case.
  if (schema.type === 'boolean') return false;
  if (schema.default !== undefined) return schema.default;
  const variant = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (variant) return sampleOf(variant);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string': {
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'date') return '2026-06-01';
      if (schema.format === 'date-time') return '2026-06-01T00:00:00.000Z';
      if (schema.format === 'email') return `fuzz-${randomUUID().slice(0, 8)}@recdesk.test`;
      if (schema.pattern) return ['fuzz', 'campaign:C1', '1', 'a'].find((s) => new RegExp(schema.pattern as string).test(s)) ?? 'fuzz';
      return 'fuzz'.padEnd(schema.minLength ?? 0, 'z');
    }
    case 'integer':
    case 'number': {
      const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
      return Math.min(Math.max(low, 1), schema.maximum ?? Number.MAX_SAFE_INTEGER);
    }
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: Math.max(schema.minItems ?? 1, 1) }, () => sampleOf(schema.items));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) out[name] = sampleOf(schema.properties?.[name]);
      return out;
    }
    default:
      return 'fuzz';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Odd values.

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const lone = fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF');
const WEIRD_DATES = [
  '0000-01-01',
  '0000-01-01T00:00:00Z',
  '0001-01-01',
  '1969-12-31',
  '1969-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00+01:00',
  '9999-12-31',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T23:59:59-14:00',
  '10000-01-01',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2026-02-30',
  '2026-13-01',
  '2026-06-01T24:00:01Z',
];
const WEIRD_NUMBERS = [
  '1e309',
  '-1e309',
  '1e308',
  '9007199254740993',
  '99999999999999999999999',
  '2147483648',
  '-2147483649',
  '-1',
  '-0',
  '0',
  '0.5',
  'NaN',
  'Infinity',
  '0x10',
  ' 1',
  '1_000',
  '',
];
const WEIRD_TEXT = [
  '%',
  '%zz',
  '%00',
  "' or 1=1 --",
  '__proto__',
  'constructor',
  '../../etc/passwd',
  'null',
  '[]',
  '{}',
  'x'.repeat(5_000),
];
/** base64url JSON, the shape of the API's cursors, holding the wrong types (or not JSON at all). */
const brokenCursor = fc
  .oneof(
    fc.record({
      s: fc.oneof(fc.constantFrom('generatedAt', 'priority', 'impactScore', 'confidence', 'expiresAt'), fc.anything()),
      v: fc.oneof(fc.constantFrom(...WEIRD_DATES, 'garbage', 'infinity', '-Infinity', 1e308, -1e308), fc.double(), fc.anything()),
      id: fc.oneof(fc.uuid(), fc.anything(), fc.constant('not-a-uuid')),
    }),
    fc.tuple(fc.oneof(fc.constantFrom(...WEIRD_DATES), fc.anything(), fc.double()), fc.oneof(fc.uuid(), fc.anything())),
    fc.anything(),
  )
  .map((value) => base64(JSON.stringify(value) ?? 'undefined'));
const oddText = fc.oneof(
  fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map(([a, b]) => `${a}\0${b}`),
  fc.tuple(fc.string({ maxLength: 8 }), lone, fc.string({ maxLength: 8 })).map(([a, s, b]) => `${a}${s}${b}`),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.constantFrom(...WEIRD_DATES, ...WEIRD_NUMBERS, ...WEIRD_TEXT),
  brokenCursor,
  fc.constantFrom(base64('{"s":"generatedAt","v":'), '!!!!', '====', base64('\0')),
);
/** A JSON value of any type, numbers at their limits, strings odd. */
const oddJson: fc.Arbitrary<unknown> = fc.oneof(
  oddText,
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -1, 0, 0.5, 2 ** 31, -(2 ** 31) - 1, null, true, false, [], {}),
  fc.double({ noNaN: true }),
  fc.array(oddText, { maxLength: 3 }),
  fc.dictionary(oddText, oddText, { maxKeys: 2 }),
  fc.anything({ maxDepth: 2 }),
);

// ---------------------------------------------------------------------------------------------------------------
// Requests.

/**
 * Percent-encodes a value for a URL: what encodeURIComponent does, except that an unpaired surrogate (which it
 * refuses) becomes its three WTF-8 bytes, as a hand-made request can send.
 */
function encode(value: string): string {
  let out = '';
  for (const char of value) {
    const unit = char.charCodeAt(0);
    if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(char);
  }
  return out;
}

type Slot =
  | { where: 'path'; name: string; value: string }
  | { where: 'query'; name: string; value: string }
  | { where: 'field'; name: string; value: unknown }
  | { where: 'body'; value: unknown }
  | { where: 'raw'; value: string };

function slotsOf(op: Operation): fc.Arbitrary<Slot> {
  const choices: fc.Arbitrary<Slot>[] = [];
  for (const p of op.parameters) {
    const where = p.in === 'path' ? 'path' : 'query';
    choices.push(oddText.map((value) => ({ where, name: p.name, value }) as Slot));
  }
  // A query parameter no route knows, with an odd name or value.
  choices.push(fc.tuple(oddText, oddText).map(([name, value]) => ({ where: 'query', name: name || 'x', value }) as Slot));
  if (op.body) {
    const fields = Object.keys(op.body.properties ?? op.body.anyOf?.[0]?.properties ?? {});
    if (fields.length > 0)
      choices.push(fc.tuple(fc.constantFrom(...fields), oddJson).map(([name, value]) => ({ where: 'field', name, value }) as Slot));
    choices.push(oddJson.map((value) => ({ where: 'body', value }) as Slot));
    choices.push(
      fc
        .oneof(fc.string({ maxLength: 40 }), fc.constantFrom('{', '{"a":', '[1,,2]', 'nul', '"\\ud800"', '{"a":"\\u0000"}'))
        .map((value) => ({ where: 'raw', value }) as Slot),
    );
  }
  return fc.oneof(...choices);
}

interface Built {
  url: string;
  body: unknown;
  raw: string | null;
}

function build(op: Operation, slot: Slot, ids: Record<string, string>): Built {
  let path = op.path;
  for (const p of op.parameters.filter((q) => q.in === 'path')) {
    const value = slot.where === 'path' && slot.name === p.name ? slot.value : (ids[p.name] ?? String(sampleOf(p.schema)));
    path = path.replace(`{${p.name}}`, encode(value));
  }
  const query = slot.where === 'query' ? `?${encode(slot.name)}=${encode(slot.value)}` : '';
  const sample = op.body ? sampleOf(op.body) : undefined;
  const body =
    slot.where === 'body'
      ? slot.value
      : slot.where === 'field'
        ? { ...(typeof sample === 'object' && sample !== null ? sample : {}), [slot.name]: slot.value }
        : sample;
  return { url: `${path}${query}`, body, raw: slot.where === 'raw' ? slot.value : null };
}

/**
 * One fingerprint of the data a request could change: every table but the sessions, the alerts the background
 * evaluator opens, and the failed sign-ins the audit log records by design.
 */
const FINGERPRINTED = [
  'ads_credentials',
  'advertiser_guardrails',
  'alert_conditions',
  'apply_attempts',
  'apply_batches',
  'apply_chunks',
  'apply_items',
  'apply_rules',
  'approval_policies',
  'audit_log',
  'brand_metrics',
  'conflict_members',
  'conflicts',
  'exchange_rates',
  'impact_results',
  'ingestion_runs',
  'lifecycle_transitions',
  'performance_daily',
  'performance_reports',
  'quarantine',
  'recommendation_events',
  'recommendations',
  'rule_decisions',
  'stream_messages',
  'user_advertisers',
  'users',
];

async function fingerprint(bff: TestBff): Promise<string> {
  const digest = (table: string) =>
    table === 'audit_log'
      ? sql`(select count(*) || ':' || coalesce(sum(hashtext(r::text)::bigint), 0) from audit_log r where r.action <> 'auth.sign_in_failed')`
      : sql`(select count(*) || ':' || coalesce(sum(hashtext(r::text)::bigint), 0) from ${sql.table(table)} r)`;
  // Per table: the row count and a sum of row hashes (order-free, and cheaper than hashing a sorted aggregate).
  const result = await sql<{ digest: string }>`select ${sql.join(FINGERPRINTED.map(digest), sql`|| '/' ||`)} as digest`.execute(
    bff.runtime.db,
  );
  return result.rows[0]?.digest ?? '';
}

// The document the BFF serves, generated from its route declarations; read before the cases are listed, so the BFF
// starts here rather than in beforeAll.
const bff: TestBff = await startTestBff(pgliteTarget());
const document = (await bff.http.get('/api/openapi.json').expect(200)).body as OpenApiDocument;
/**
 * Signing out ends the admin's session: it is fuzzed first, each case with a session of its own. An accepted advance
 * of the simulated clock starts background work (performance sync, expiry) that changes data while later requests
 * run: it is fuzzed last, and once an advance was accepted its later refusals are not checked for data changes.
 */
const FIRST = '/api/auth/logout';
const LAST = '/api/simulator/clock';
const rank = (op: Operation) => (op.path === FIRST ? 0 : op.path === LAST && op.method === 'post' ? 2 : 1);
const operations = operationsOf(document).sort((a, b) => rank(a) - rank(b));

describe('fuzzing every endpoint of the OpenAPI document', () => {
  let ids: Record<string, string>;

  beforeAll(async () => {
    await bff.http.post('/api/sync?source=partner-opportunities').expect(200);
    await bff.http.post('/api/conflicts/detect').expect(200);
    const recommendation = (await bff.http.get('/api/recommendations?limit=1').expect(200)).body.items[0];
    const other = await bff.runtime.auth.users.create({
      email: 'fuzz-target@recdesk.test',
      password: 'fuzz-target-password',
      role: 'viewer',
      allAdvertisers: true,
      advertiserIds: [],
    });
    // Real ids where a route takes one, so an odd value elsewhere reaches as deep as it can; never the admin's own.
    ids = {
      id: recommendation.id,
      recommendationId: recommendation.id,
      advertiserId: recommendation.advertiserId,
      userId: other.id,
    };
  }, 300_000);

  afterAll(async () => {
    await bff?.close();
  });

  it("refuses the issue's examples with 400 problem+json naming the field", async () => {
    const recommendationCursor = (value: unknown) => base64(JSON.stringify(value));
    const cases: [string, string][] = [
      ['/api/activity?to=9999-12-31T23:59:59-14:00', 'query.to'],
      ['/api/activity?from=0000-01-01', 'query.from'],
      ['/api/activity?from=1969-12-31T23:59:59Z', 'query.from'],
      ['/api/performance?entity=campaign:C1&to=0000-01-01', 'query.to'],
      [`/api/activity?cursor=${base64(JSON.stringify([12, 'not-an-id']))}`, 'query.cursor'],
      [`/api/activity?cursor=${base64(JSON.stringify(['+275760-09-13T00:00:00Z', randomUUID()]))}`, 'query.cursor'],
      [`/api/recommendations?cursor=${recommendationCursor({ s: 'generatedAt', v: 'garbage', id: randomUUID() })}`, 'query.cursor'],
      [`/api/recommendations?cursor=${recommendationCursor({ s: 'generatedAt', v: 12, id: randomUUID() })}`, 'query.cursor'],
      [
        `/api/recommendations?sort=priority&cursor=${recommendationCursor({ s: 'priority', v: '2026-06-01T00:00:00Z', id: randomUUID() })}`,
        'query.cursor',
      ],
      [
        `/api/recommendations?cursor=${recommendationCursor({ s: 'generatedAt', v: '2026-06-01T00:00:00Z', id: { id: 1 } })}`,
        'query.cursor',
      ],
      ['/api/recommendations?advertiserId=A%00', 'query.advertiserId'],
      ['/api/recommendations?q=kettle%00', 'query.q'],
      ['/api/audit?actor=x%00', 'query.actor'],
      ['/api/activity?actor=rule:x%20v99999999999%00', 'query.actor'],
      ['/api/advertisers/A%00/approval-policy', 'path'],
    ];
    for (const [url, field] of cases) {
      const response = await bff.http.get(url);
      expect([url, response.status, response.type]).toEqual([url, 400, 'application/problem+json']);
      expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
    // A path that is not valid UTF-8 names no route at all: the canonical path check answers 404 before anything reads it.
    const surrogatePath = await bff.http.get('/api/advertisers/%ED%A0%80/guardrails');
    expect([surrogatePath.status, surrogatePath.type]).toEqual([404, 'application/problem+json']);
    // A day filter up to the last day dates hold is a valid request, not an overflow.
    await bff.http.get('/api/activity?to=9999-12-31').expect(200);
    await bff.http.get('/api/activity?actor=rule:x%20v99999999999').expect(200);
    // Bodies too: a NUL in a note, an unpaired surrogate in a field name, a version past a PostgreSQL integer.
    const body = await bff.http
      .post(`/api/recommendations/${ids.id}/approve`)
      .set('content-type', 'application/json')
      .send('{"version":1,"note":"ok\\u0000"}');
    expect([body.status, body.body.errors?.[0]?.path]).toEqual([400, 'body.note']);
    const version = await bff.http.post(`/api/recommendations/${ids.id}/approve`).send({ version: 2 ** 40 });
    expect([version.status, version.body.errors?.[0]?.path]).toEqual([400, 'body.version']);
  });

  it('the document lists the operations this test fuzzes', () => {
    expect(operations.length).toBeGreaterThan(40);
    expect(operations.map((o) => `${o.method} ${o.path}`)).toEqual(expect.arrayContaining(['get /api/activity', 'put /api/users/{id}']));
  });

  it.each(operations.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    '%s: no 5xx, and a refused request changes nothing',
    async (_name, op) => {
      const failures: string[] = [];
      const signsOut = op.path === FIRST;
      const idsFor = op.path.startsWith('/api/users') ? { ...ids, id: ids.userId as string } : ids;
      const noInput = op.parameters.length === 0 && !op.body;
      const changes = op.method !== 'get';
      // A read changes nothing, accepted or refused; a write is checked after each case against the state before it.
      let baseline = await fingerprint(bff);
      let backgroundWork = false;
      // A malformed Stream delivery is acknowledged (a 4xx would be redelivered forever) and quarantined, never stored.
      const streamMessages = () => bff.runtime.db.selectFrom('stream_messages').selectAll().execute();
      const storedBefore = op.path === '/api/stream/messages' ? await streamMessages() : [];
      await fc.assert(
        fc.asyncProperty(slotsOf(op), async (slot) => {
          const { url, body, raw } = build(op, slot, idsFor);
          const agent: TestAgent = signsOut ? await bff.signIn(TEST_ADMIN.email, TEST_ADMIN.password) : bff.http;
          // Signing in writes (the audit log, the last sign-in): what the request itself does is measured from here.
          if (signsOut) baseline = await fingerprint(bff);
          let request = agent[op.method](url);
          if (raw !== null) request = request.set('content-type', 'application/json').send(raw);
          else if (body !== undefined) request = request.set('content-type', 'application/json').send(JSON.stringify(body));
          const response = await request;
          const what = `${op.method.toUpperCase()} ${url.slice(0, 200)} ${JSON.stringify(raw ?? body)?.slice(0, 200)}`;
          if (response.status >= 500) failures.push(`${what} → ${response.status} ${response.text.slice(0, 200)}`);
          if (/\n\s+at |\.ts:\d+/.test(response.text)) failures.push(`${what} → a stack trace`);
          if (!changes) return;
          const after = await fingerprint(bff);
          if (response.status >= 400 && after !== baseline && !backgroundWork)
            failures.push(`${what} → ${response.status}, and data changed`);
          baseline = after;
          if (op.path === LAST && response.status < 300) backgroundWork = true;
        }),
        // An operation without parameters or a body can only be sent unknown query parameters: fewer cases do.
        { numRuns: noInput ? Math.min(RUNS, 15) : RUNS },
      );
      if (!changes && (await fingerprint(bff)) !== baseline) failures.push(`${op.path}: a read changed data`);
      if (op.path === '/api/stream/messages' && JSON.stringify(await streamMessages()) !== JSON.stringify(storedBefore))
        failures.push('a malformed Stream delivery was stored');
      expect(failures.slice(0, 8)).toEqual([]);
    },
    120_000,
  );
});
