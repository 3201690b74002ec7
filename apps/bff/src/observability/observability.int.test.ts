/**
 * Issue 6's observability acceptance, through HTTP on PGlite and the PostgreSQL server: a source whose upstream
 * fails goes stale once the clock passes its freshness policy, a `source_stale` alert opens for it (in
 * `GET /api/alerts` and in `/metrics`), and a good sync resolves it; `/metrics` exposes every series the README
 * names; one request's correlation id reaches the upstream call's log line and header; readiness and the admin-only
 * condition edits; evaluators racing each other never open an alert twice.
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { setFaults } from '@recdesk/ads-simulator/faults';
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import { type Alert, AlertsResponseSchema, ReadinessSchema } from '@recdesk/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedKeywordBids } from '../apply/apply-test-helpers.ts';
import { type DatabaseTarget, openDatabase } from '../db/database.ts';
import { createLogger } from '../runtime.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { pgliteTarget } from '../testing/pglite-template.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { AlertEvaluator } from './alert-evaluator.ts';
import { METRIC_NAMES } from './metrics.ts';
import { ReadinessProbe } from './readiness.ts';
import { readSourceFreshness } from './source-freshness.ts';

const HOUR = 3_600_000;
const BUDGET_PATH = '/sp/campaigns/budgetRecommendations';
const ENV = {
  ADS_RATE_LIMIT_PER_SECOND: '1000',
  ADS_RATE_LIMIT_CONCURRENCY: '10',
  // A failing upstream gives up fast: the test is about what happens after, not about the backoff.
  ADS_RETRY_MAX_ATTEMPTS: '2',
  ADS_RETRY_BASE_DELAY_MS: '1',
  ADS_RETRY_MAX_DELAY_MS: '5',
  ALERTS_EVALUATE_SCHEDULE: 'off',
  // The clock moves days ahead; the signed-in test agents keep their sessions.
  SESSION_IDLE_HOURS: '720',
  SESSION_MAX_AGE_HOURS: '8760',
};

/** Log lines the runtime writes, parsed. */
class LogLines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line.trim()) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
}

/** The sample value of one series in Prometheus text, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(databaseTargets)('observability on $name', ({ create }) => {
  let bff: TestBff;
  let clock = new Date('2026-11-23T12:00:00Z');
  const logs = new LogLines();
  let state: SimulatorState;
  let target: DatabaseTarget;

  beforeAll(async () => {
    target = await create();
    bff = await startTestBff(target, ENV, { now: () => clock, log: createLogger('info', logs) });
    state = bff.runtime.simulator?.state as SimulatorState;
  }, 60_000);
  afterAll(async () => {
    await bff?.close();
  });

  const alerts = async (state: 'open' | 'resolved' | 'all') =>
    AlertsResponseSchema.parse((await bff.http.get(`/api/alerts?state=${state}`).expect(200)).body);
  const staleAlertsOf = (list: Alert[], source: string) => list.filter((a) => a.kind === 'source_stale' && a.source === source);
  const sync = async (headers: Record<string, string> = {}) =>
    (await bff.http.post('/api/sync?source=sp-budget').set(headers).expect(200)).body as { sources: { status: string }[] };

  it('a failing upstream makes the source stale past its policy, opens one alert (API and /metrics), and a good sync resolves it', async () => {
    expect((await sync()).sources[0]?.status).toBe('succeeded');
    expect(staleAlertsOf((await alerts('open')).alerts, 'sp-budget')).toEqual([]);

    setFaults(state, { serverErrors: { share: 1, statuses: [503] }, paths: [BUDGET_PATH] });
    clock = new Date(clock.getTime() + 49 * HOUR); // sp-budget is stale after 48 h
    expect((await sync()).sources[0]?.status).toBe('failed');

    const open = await alerts('open');
    const [alert, ...more] = staleAlertsOf(open.alerts, 'sp-budget');
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ conditionId: 'source-stale', severity: 'warning', resolvedAt: null, openedAt: clock.toISOString() });
    expect(alert?.message).toMatch(/SP budget stale for 49 h \(policy: stale after 48 h\); last error: .*503/);
    // (A failing upstream may also raise sp-budget's upstream-errors alert: both count.)
    expect(open.bySource?.find((s) => s.source === 'sp-budget')).toMatchObject({ source: 'sp-budget', severity: 'warning' });
    expect(open.bySource?.find((s) => s.source === 'sp-budget')?.open).toBeGreaterThanOrEqual(1);

    // Evaluating again (the schedule, another process) keeps the one alert and moves its lastSeenAt.
    clock = new Date(clock.getTime() + HOUR);
    await bff.runtime.observability.evaluator.evaluate();
    const again = staleAlertsOf((await alerts('open')).alerts, 'sp-budget');
    expect(again.map((a) => [a.id, a.lastSeenAt])).toEqual([[alert?.id, clock.toISOString()]]);

    const metrics = (await bff.anonymous.get('/metrics').expect(200)).text;
    expect(sample(metrics, 'recdesk_source_stale{source="sp-budget"}')).toBe(1);
    expect(sample(metrics, 'recdesk_source_freshness_age_seconds{source="sp-budget"}')).toBe(50 * 3600);
    expect(sample(metrics, 'recdesk_alerts_open{condition="source-stale",kind="source_stale",severity="warning",source="sp-budget"}')).toBe(
      1,
    );
    expect(sample(metrics, 'recdesk_ingestion_runs_total{source="sp-budget",status="failed"}')).toBe(1);
    expect(
      sample(
        metrics,
        'recdesk_upstream_requests_total{group="spBudgetRecommendations",endpoint="spBudgetRecommendations.get",status="503"}',
      ),
    ).toBeGreaterThan(0);

    setFaults(state, null);
    expect((await sync()).sources[0]?.status).toBe('succeeded');
    expect(staleAlertsOf((await alerts('open')).alerts, 'sp-budget')).toEqual([]);
    const resolved = staleAlertsOf((await alerts('resolved')).alerts, 'sp-budget');
    expect(resolved.map((a) => [a.id, a.resolvedAt])).toEqual([[alert?.id, clock.toISOString()]]);
    const after = (await bff.anonymous.get('/metrics').expect(200)).text;
    expect(sample(after, 'recdesk_source_stale{source="sp-budget"}')).toBe(0);
    expect(after).not.toContain('recdesk_alerts_open{condition="source-stale"');
  }, 120_000);

  it("carries one request's correlation id to the upstream call's log line and header, and echoes it", async () => {
    const id = `test-correlation-${Math.random().toString(36).slice(2)}`;
    const response = await bff.http.post('/api/sync?source=sp-budget').set('x-request-id', id).expect(200);
    expect(response.headers['x-request-id']).toBe(id);
    const upstream = logs.lines.filter((l) => l.msg === 'upstream call' && l.correlationId === id);
    expect(upstream.length).toBeGreaterThan(0);
    expect(upstream.map((l) => (l.upstream as { endpoint: string }).endpoint)).toContain('spBudgetRecommendations.get');
    expect(upstream.every((l) => typeof (l.upstream as { durationMs: unknown }).durationMs === 'number')).toBe(true);
    const sent = state.requestLog.filter((r) => r.path.endsWith(BUDGET_PATH) && r.headers['x-recdesk-correlation-id'] === id);
    expect(sent.length).toBeGreaterThan(0);

    // An id that is not safe to log is replaced by a fresh one.
    const replaced = await bff.http.get('/api/alerts').set('x-request-id', 'not an id: it has spaces').expect(200);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  }, 60_000);

  it('exposes every series the README names at /metrics', async () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('## Observability');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const named = [...new Set(section.match(/recdesk_[a-z_]+/g) ?? [])];
    expect(named.sort()).toEqual([...METRIC_NAMES].sort());

    // An approval through the API, then the apply: the stage counters and the apply latency see them.
    const [seeded] = await seedKeywordBids(bff.runtime, 1, { validated: true });
    const id = seeded?.recommendationId as string;
    const { version } = (await bff.http.get(`/api/recommendations/${id}`).expect(200)).body as { version: number };
    await bff.http.post(`/api/recommendations/${id}/approve`).send({ version }).expect(200);
    clock = new Date(clock.getTime() + 90_000);
    await bff.http
      .post('/api/apply')
      .send({ ids: [id] })
      .expect(202);
    await bff.runtime.apply.createWorker().sweep();
    expect((await bff.http.get(`/api/recommendations/${id}`).expect(200)).body.status).toBe('applied');

    const text = (await bff.anonymous.get('/metrics').expect(200)).text;
    for (const name of METRIC_NAMES) expect(text, name).toContain(`# TYPE ${name} `);
    for (const stage of ['discovered', 'validated', 'quarantined', 'approved', 'rejected', 'applied', 'failed', 'expired']) {
      expect(sample(text, `recdesk_recommendation_stage_total{stage="${stage}"}`), stage).toBeGreaterThanOrEqual(0);
    }
    expect(sample(text, 'recdesk_recommendation_stage_total{stage="approved"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'recdesk_recommendation_stage_total{stage="applied"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'recdesk_apply_latency_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'recdesk_apply_latency_seconds_sum')).toBeGreaterThanOrEqual(90);
    expect(sample(text, 'recdesk_conflicts_open')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'recdesk_apply_queue_depth{state="queued"}')).toBe(0);
    expect(sample(text, 'recdesk_apply_queue_oldest_age_seconds')).toBe(0);
    expect(sample(text, 'recdesk_ingestion_run_duration_seconds_count{source="sp-budget"}')).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'recdesk_ingestion_lag_seconds{source="sp-budget"}')).toBe(0);
    expect(text).toMatch(/recdesk_upstream_request_duration_seconds_count\{group="spBudgetRecommendations"\} \d+/);
    expect(text).toMatch(/recdesk_upstream_retries_total\{group="spBudgetRecommendations"\} [1-9]/);
    expect(text).toMatch(/recdesk_upstream_failures_total\{group="spBudgetRecommendations"\} [1-9]/);
    // No advertiser id is a label (scope, and cardinality).
    expect(text).not.toMatch(/advertiser/i);
  }, 60_000);

  it('lets only admins change a condition (validated, audited, re-evaluated at once)', async () => {
    await bff.runtime.auth.users.create({
      email: 'approver-obs@recdesk.test',
      password: 'approver-obs-password',
      role: 'approver',
      allAdvertisers: true,
      advertiserIds: [],
    });
    const approver = await bff.signIn('approver-obs@recdesk.test', 'approver-obs-password');
    await approver.get('/api/alerts').expect(200);
    await approver.put('/api/alerts/conditions/queue-backlog').send({ threshold: 5 }).expect(403);
    await bff.anonymous.get('/api/alerts').expect(401);
    await bff.http.put('/api/alerts/conditions/queue-backlog').send({ threshold: 5, colour: 'red' }).expect(400);
    await bff.http.put('/api/alerts/conditions/queue-backlog').send({}).expect(400);
    await bff.http.put('/api/alerts/conditions/apply-failure-rate').send({ threshold: 20 }).expect(400);
    await bff.http.put('/api/alerts/conditions/no-such-condition').send({ threshold: 5 }).expect(404);
    await bff.http.get('/api/alerts?state=sometimes').expect(400);

    // A queued item older than the new threshold (no worker runs yet): the change opens the backlog alert at once.
    const [queued] = await seedKeywordBids(bff.runtime, 1);
    await bff.http
      .post('/api/apply')
      .send({ ids: [queued?.recommendationId] })
      .expect(202);
    clock = new Date(clock.getTime() + 10 * 60_000);
    const changed = await bff.http.put('/api/alerts/conditions/queue-backlog').send({ threshold: 5, severity: 'critical' }).expect(200);
    expect(changed.body).toMatchObject({ id: 'queue-backlog', threshold: 5, severity: 'critical', enabled: true });
    const backlog = (await alerts('open')).alerts.filter((a) => a.kind === 'queue_backlog');
    expect(backlog).toHaveLength(1);
    expect(backlog[0]).toMatchObject({ severity: 'critical', source: null });
    const audit = (await bff.http.get('/api/audit?action=alert_condition.changed').expect(200)).body.items;
    expect(audit[0]).toMatchObject({ targetId: 'queue-backlog', details: { before: { threshold: 30 }, after: { threshold: 5 } } });

    await bff.http.put('/api/alerts/conditions/queue-backlog').send({ enabled: false }).expect(200);
    expect((await alerts('open')).alerts.filter((a) => a.kind === 'queue_backlog')).toEqual([]);
  }, 60_000);

  it('answers readiness without a session and with nothing but ok and short details; health stays liveness', async () => {
    await bff.runtime.apply.startWorker({ sweepMs: 60_000 });
    const ready = await bff.anonymous.get('/api/ready').expect(200);
    const body = ReadinessSchema.parse(ready.body);
    expect(body.ready).toBe(true);
    expect(body.checks.map((c) => [c.name, c.ok])).toEqual([
      ['database', true],
      ['queue', true],
      ['upstream', true],
    ]);
    await bff.anonymous.get('/api/health').expect(200);

    // A failing upstream: not ready, and the detail names no host.
    const simulatorUrl = bff.runtime.simulator?.url ?? '';
    setFaults(state, { serverErrors: { share: 1, statuses: [503] } });
    try {
      const probe = new ReadinessProbe({
        db: bff.runtime.db,
        queue: { kind: 'in-process' },
        upstreamUrls: [`${simulatorUrl}/na`, `${simulatorUrl}/auth/o2/token`],
        upstreamCacheMs: 0,
      });
      const down = await probe.check();
      expect(down.ready).toBe(false);
      const upstream = down.checks.find((c) => c.name === 'upstream');
      expect(upstream).toMatchObject({ ok: false, detail: '2 of 2 Ads API endpoints not ok: answered 503' });
      expect(JSON.stringify(down)).not.toMatch(/127\.0\.0\.1|localhost|http/);
    } finally {
      setFaults(state, null);
    }
  }, 60_000);

  it('never opens the same alert twice when evaluators race (a second connection stands for a second process)', async () => {
    setFaults(state, { serverErrors: { share: 1, statuses: [503] }, paths: [BUDGET_PATH] });
    clock = new Date(clock.getTime() + 100 * HOUR);
    // PGlite lives in this process: the racing evaluators share its one connection; PostgreSQL gets a second pool.
    const second = target.kind === 'postgres' ? await openDatabase(target) : bff.runtime.db;
    try {
      const freshness = (db: typeof bff.runtime.db) =>
        readSourceFreshness(db, {
          schedules: [{ source: 'sp-budget', delivery: 'scheduled', pattern: '5 * * * *', enabled: true }],
          policyOf: (source) => bff.runtime.sourceStatus.policyOf(source),
          now: () => clock,
        });
      const evaluators = [bff.runtime.db, second, bff.runtime.db, second].map(
        (db) => new AlertEvaluator({ db, now: () => clock, log: bff.runtime.log, freshness }),
      );
      await Promise.all(evaluators.map((e) => e.evaluate()));
      const open = await bff.runtime.db
        .selectFrom('alerts')
        .select(['id'])
        .where('condition_id', '=', 'source-stale')
        .where('subject', '=', 'sp-budget')
        .where('resolved_at', 'is', null)
        .execute();
      expect(open).toHaveLength(1);
    } finally {
      setFaults(state, null);
      if (second !== bff.runtime.db) await second.destroy();
    }
  }, 60_000);
});

describe('observability on the shared simulated clock (PGlite)', () => {
  let bff: TestBff;
  beforeAll(async () => {
    bff = await startTestBff(pgliteTarget(), ENV);
  }, 60_000);
  afterAll(async () => {
    await bff?.close();
  });

  it('a stopped upstream and a clock advanced through the API past the policy raise the alert; a good sync clears it', async () => {
    const state = bff.runtime.simulator?.state as SimulatorState;
    expect((await bff.http.post('/api/sync?source=sp-budget').expect(200)).body.sources[0].status).toBe('succeeded');

    // The whole upstream stops answering: the sync cannot even list the profiles.
    setFaults(state, { serverErrors: { share: 1, statuses: [503] } });
    await bff.http.post('/api/simulator/clock').send({ advanceHours: 49 }).expect(200);
    // The sync answers 502 (no profiles), or 200 with the source failed when the profiles are still known.
    const failing = await bff.http.post('/api/sync?source=sp-budget');
    if (failing.status === 200) expect(failing.body.sources[0].status).toBe('failed');
    else expect(failing.status).toBe(502);

    const open = AlertsResponseSchema.parse((await bff.http.get('/api/alerts').expect(200)).body).alerts;
    expect(open.filter((a) => a.kind === 'source_stale').map((a) => a.source)).toEqual(['sp-budget']);
    const metrics = (await bff.anonymous.get('/metrics').expect(200)).text;
    expect(sample(metrics, 'recdesk_source_stale{source="sp-budget"}')).toBe(1);

    setFaults(state, null);
    await bff.http.post('/api/sync?source=sp-budget').expect(200);
    const after = AlertsResponseSchema.parse((await bff.http.get('/api/alerts?state=all').expect(200)).body).alerts;
    expect(after.filter((a) => a.kind === 'source_stale').map((a) => [a.source, a.resolvedAt !== null])).toEqual([['sp-budget', true]]);
  }, 120_000);
});
