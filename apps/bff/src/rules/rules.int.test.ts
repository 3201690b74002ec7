/**
 * Auto-apply rules against the simulator: `confidence > 0.8 AND impactScore > 7` applies exactly the fresh, valid,
 * conflict-free items that match and none other; in shadow mode it applies nothing and records the same decisions.
 */
import { randomUUID } from 'node:crypto';
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ledgerCounts, seedKeywordBids } from '../apply/apply-test-helpers.ts';
import { FAST_CLIENT } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { holdoutPoint } from './rule-gate.ts';

describe.each(databaseTargets)('auto-apply rules on $name', ({ create }) => {
  let bff: TestBff;
  let state: SimulatorState;

  // PGlite starts slowly on a loaded machine: a bound for hangs, not a speed check.
  beforeEach(async () => {
    bff = await startTestBff(await create(), FAST_CLIENT);
    state = bff.runtime.simulator?.state as SimulatorState;
  }, 120_000);
  afterEach(async () => {
    await bff.close();
  });

  it('takes exactly the fresh, valid, conflict-free matches; shadow records the same decisions and applies nothing', async () => {
    const runtime = bff.runtime;
    const now = runtime.now();
    const matching = await seedKeywordBids(runtime, 4, { validated: true, confidence: 0.86, impactScore: 8.1 });
    const lowConfidence = await seedKeywordBids(runtime, 2, { validated: true, confidence: 0.7, impactScore: 9 });
    const lowImpact = await seedKeywordBids(runtime, 1, { validated: true, confidence: 0.95, impactScore: 7 });
    const stale = await seedKeywordBids(runtime, 1, {
      validated: true,
      confidence: 0.9,
      impactScore: 9,
      refreshedAt: new Date(now.getTime() - 4 * 86_400_000).toISOString(),
    });
    const invalid = await seedKeywordBids(runtime, 1, { validated: true, confidence: 0.9, impactScore: 9 });
    await sql`UPDATE recommendations SET validation_issues = ${JSON.stringify([{ code: 'bid_out_of_range', message: 'too high' }])}::jsonb WHERE id = ${invalid[0]?.recommendationId}`.execute(
      runtime.db,
    );
    const conflicted = await seedKeywordBids(runtime, 1, { validated: true, confidence: 0.9, impactScore: 9 });
    const conflictId = randomUUID();
    await sql`INSERT INTO conflicts (id, advertiser_id, kind, entity_key, fingerprint, explanation, suggested_resolution, status, detected_at)
      VALUES (${conflictId}, 'A', 'opposite-directions', 'k', ${conflictId}, 'test', 'pick one', 'open', ${now})`.execute(runtime.db);
    await sql`INSERT INTO conflict_members (conflict_id, recommendation_id, open) VALUES (${conflictId}, ${conflicted[0]?.recommendationId}, true)`.execute(
      runtime.db,
    );
    const expired = await seedKeywordBids(runtime, 1, {
      validated: true,
      confidence: 0.9,
      impactScore: 9,
      expiresAt: new Date(now.getTime() - 60_000).toISOString(),
    });
    const blocked = [...stale, ...invalid, ...conflicted, ...expired];
    const all = [...matching, ...lowConfidence, ...lowImpact, ...blocked];

    const created = (
      await bff.http
        .post('/api/rules')
        .send({ name: 'Easy wins', expression: 'confidence > 0.8 AND impactScore > 7', mode: 'shadow' })
        .expect(201)
    ).body;
    expect(created).toMatchObject({ version: 1, expression: 'confidence > 0.8 AND impactScore > 7', mode: 'shadow' });

    await runtime.rules.runAll('test');
    const shadow = (await bff.http.get(`/api/rules/${created.id}/decisions`).expect(200)).body.items as {
      recommendationId: string;
      decision: string;
      trace: string;
      applied: boolean;
    }[];
    const shadowTaken = shadow
      .filter((d) => d.decision === 'take')
      .map((d) => d.recommendationId)
      .sort();
    expect(shadowTaken).toEqual(matching.map((s) => s.recommendationId).sort());
    expect(shadow.every((d) => !d.applied)).toBe(true);
    expect(shadow.find((d) => d.decision === 'take')?.trace).toMatch(
      /^rule v1 matched: confidence 0\.86 > 0\.8, impactScore 8\.1 > 7, fresh .* h, no conflict$/,
    );
    const traceOf = (id?: string) => shadow.find((d) => d.recommendationId === id)?.trace;
    expect(traceOf(stale[0]?.recommendationId)).toMatch(/but stale/);
    expect(traceOf(invalid[0]?.recommendationId)).toMatch(/but failing validation/);
    expect(traceOf(conflicted[0]?.recommendationId)).toMatch(/but in an unresolved conflict/);
    expect(traceOf(expired[0]?.recommendationId)).toMatch(/but expired/);
    expect(traceOf(lowImpact[0]?.recommendationId)).toMatch(/no match: .*impactScore 7 <= 7/);
    expect(state.ledger).toHaveLength(0);
    for (const s of all)
      expect((await bff.http.get(`/api/recommendations/${s.recommendationId}`).expect(200)).body.status).toBe('validated');

    const on = (
      await bff.http
        .put(`/api/rules/${created.id}`)
        .send({ name: 'Easy wins', expression: 'confidence > 0.8 AND impactScore > 7', mode: 'on' })
        .expect(200)
    ).body;
    expect(on.version).toBe(2);
    await runtime.rules.runAll('test');
    await runtime.apply.createWorker().sweep();
    const decisions = (await bff.http.get(`/api/rules/${created.id}/decisions`).expect(200)).body.items as {
      recommendationId: string;
      decision: string;
      ruleVersion: number;
      applied: boolean;
    }[];
    const onTaken = decisions
      .filter((d) => d.ruleVersion === 2 && d.decision === 'take')
      .map((d) => d.recommendationId)
      .sort();
    expect(onTaken).toEqual(shadowTaken);
    const counts = ledgerCounts(state);
    for (const s of matching) expect(counts.get(`keyword:${s.keywordId}`)).toBe(1);
    expect(state.ledger).toHaveLength(matching.length);
    for (const s of matching) {
      expect((await bff.http.get(`/api/recommendations/${s.recommendationId}`).expect(200)).body.status).toBe('applied');
      const history = (await bff.http.get(`/api/recommendations/${s.recommendationId}/history`).expect(200)).body.events;
      expect(history.find((e: { to: string }) => e.to === 'approved')).toMatchObject({
        actor: { type: 'rule', id: created.id, version: 2 },
      });
    }
  }, 120_000);

  it('holds back its control share (decision hold), skips drifted items and never applies above the two-person threshold', async () => {
    const runtime = bff.runtime;
    const world = state.world;
    const first = world.profiles.find((p) => p.marketplace.code === 'US') as (typeof world.profiles)[number];
    const otherIndex = world.profiles.findIndex((p) => p.marketplace.code === 'US' && p.advertiser.entityId !== first.advertiser.entityId);
    const guarded = world.profiles[otherIndex] as (typeof world.profiles)[number];
    const matching = await seedKeywordBids(runtime, 20, { validated: true, confidence: 0.9, impactScore: 8 });
    const twoPerson = await seedKeywordBids(runtime, 2, { validated: true, confidence: 0.9, impactScore: 8, profileIndex: otherIndex });
    const drifted = await seedKeywordBids(runtime, 1, { validated: true, confidence: 0.9, impactScore: 8 });
    await sql`UPDATE recommendations SET status = 'drifted' WHERE id = ${drifted[0]?.recommendationId}`.execute(runtime.db);
    // A bid of 1.25 is above 1: this advertiser wants two people for it, and a rule is at most one.
    await bff.http.put(`/api/advertisers/${guarded.advertiser.entityId}/approval-policy`).send({ secondApproverAbove: 1 }).expect(200);

    const rule = (
      await bff.http
        .post('/api/rules')
        .send({ name: 'Easy wins with control', expression: 'confidence > 0.8 AND impactScore > 7', mode: 'on', holdoutShare: 0.3 })
        .expect(201)
    ).body;
    expect(rule.holdoutShare).toBe(0.3);
    await runtime.rules.runAll('test');
    await runtime.apply.createWorker().sweep();

    type Recorded = { recommendationId: string; decision: string; trace: string; applied: boolean };
    const decisions: Recorded[] = (await bff.http.get(`/api/rules/${rule.id}/decisions`).expect(200)).body.items;
    const byId = new Map(decisions.map((d) => [d.recommendationId, d]));
    const expectedHeld = matching.filter((s) => holdoutPoint(s.recommendationId) < 0.3);
    expect(expectedHeld.length).toBeGreaterThan(0);
    expect(expectedHeld.length).toBeLessThan(matching.length);
    const counts = ledgerCounts(state);
    for (const s of matching) {
      const held = expectedHeld.includes(s);
      expect(byId.get(s.recommendationId)).toMatchObject({ decision: held ? 'hold' : 'take', applied: !held });
      if (held) expect(byId.get(s.recommendationId)?.trace).toMatch(/held back as control/);
      expect(counts.get(`keyword:${s.keywordId}`)).toBe(held ? undefined : 1);
      const status = (await bff.http.get(`/api/recommendations/${s.recommendationId}`).expect(200)).body.status;
      expect(status).toBe(held ? 'validated' : 'applied');
    }
    for (const s of twoPerson) {
      expect(byId.get(s.recommendationId)).toMatchObject({ decision: 'skip', applied: false });
      expect(byId.get(s.recommendationId)?.trace).toMatch(/needs a second approver: 1\.25 > 1/);
      expect(counts.get(`keyword:${s.keywordId}`)).toBeUndefined();
    }
    expect(byId.get(drifted[0]?.recommendationId as string)?.trace).toMatch(/but drifted/);
    expect(counts.get(`keyword:${drifted[0]?.keywordId}`)).toBeUndefined();

    // The control group is recorded once: a later run does not hold the same items again.
    await runtime.rules.runAll('test');
    const again: Recorded[] = (await bff.http.get(`/api/rules/${rule.id}/decisions`).expect(200)).body.items;
    expect(again.filter((d) => d.decision === 'hold')).toHaveLength(expectedHeld.length);
    expect(state.ledger).toHaveLength(matching.length - expectedHeld.length);
  }, 120_000);

  it('backtests through the same gate as the preview: no insight, nothing failing validation, nothing above the two-person threshold', async () => {
    const runtime = bff.runtime;
    const first = state.world.profiles.find((p) => p.marketplace.code === 'US') as (typeof state.world.profiles)[number];
    const otherIndex = state.world.profiles.findIndex(
      (p) => p.marketplace.code === 'US' && p.advertiser.entityId !== first.advertiser.entityId,
    );
    const guarded = state.world.profiles[otherIndex] as (typeof state.world.profiles)[number];
    const good = { validated: true, confidence: 0.9, impactScore: 8 };
    const matching = await seedKeywordBids(runtime, 3, good);
    // Already approved: it waited for approval as validated, so a rule could have taken it then.
    const approved = await seedKeywordBids(runtime, 2, { confidence: 0.9, impactScore: 8 });
    // Insights: nothing a rule (or anyone) can apply, however well they match.
    const insights = await seedKeywordBids(runtime, 4, good);
    await sql`UPDATE recommendations SET applicable = false WHERE id IN (${sql.join(insights.map((s) => s.recommendationId))})`.execute(
      runtime.db,
    );
    // Back to discovered by a failing validation (a never-validated item is the unit tests': ingest validates at once).
    const failing = await seedKeywordBids(runtime, 1, good);
    await sql`UPDATE recommendations SET status = 'discovered', validation_issues = ${JSON.stringify([{ code: 'bid_out_of_range', message: 'too high' }])}::jsonb
      WHERE id = ${failing[0]?.recommendationId}`.execute(runtime.db);
    const twoPerson = await seedKeywordBids(runtime, 2, { ...good, profileIndex: otherIndex });
    await bff.http.put(`/api/advertisers/${guarded.advertiser.entityId}/approval-policy`).send({ secondApproverAbove: 1 }).expect(200);

    const expression = 'confidence > 0.8 AND impactScore > 7';
    const preview = (await bff.http.post('/api/rules/preview').send({ expression }).expect(200)).body as {
      taken: { recommendationId: string }[];
      skipped: { recommendationId: string; trace: string }[];
    };
    expect(preview.taken.map((d) => d.recommendationId).sort()).toEqual(matching.map((s) => s.recommendationId).sort());
    const refused = [...insights, ...failing, ...twoPerson].map((s) => s.recommendationId);
    expect(preview.skipped.filter((d) => refused.includes(d.recommendationId))).toHaveLength(refused.length);

    const rule = (await bff.http.post('/api/rules').send({ name: 'Easy wins', expression, mode: 'shadow' }).expect(201)).body;
    const backtest = (await bff.http.post(`/api/rules/${rule.id}/backtest`).expect(200)).body;
    expect(backtest).toEqual({
      ruleId: rule.id,
      version: 1,
      considered: matching.length + approved.length + refused.length,
      wouldTake: matching.length + approved.length,
      outcomes: { validated: matching.length, approved: approved.length },
    });
  });

  it('refuses a condition comparing values of the wrong type wherever one is given; a saved one is not run', async () => {
    const runtime = bff.runtime;
    const wrong = await bff.http.post('/api/rules').send({ name: 'Bad', expression: 'audience.affinity >= "x"' }).expect(400);
    expect(wrong.body).toMatchObject({
      type: expect.stringMatching(/invalid-rule$/),
      title: 'The condition compares values of the wrong type',
      detail: 'audience.affinity is a number: >= compares it with a number, not the string "x" at column 22',
      position: 21,
    });
    const rule = (await bff.http.post('/api/rules').send({ name: 'Bids', expression: 'kind = "bid"', mode: 'shadow' }).expect(201)).body;
    const edit = await bff.http.put(`/api/rules/${rule.id}`).send({ name: 'Bids', expression: 'kind > "bid"' }).expect(400);
    expect(edit.body.detail).toMatch(/^kind is a string: > orders numbers only/);
    const preview = await bff.http.post('/api/rules/preview').send({ expression: 'confidence > 0.8 AND kind = 3' }).expect(400);
    expect(preview.body).toMatchObject({
      detail: expect.stringMatching(/^kind is a string: = compares it with a string, not the number 3/),
      position: 28,
    });

    // A rule saved before the check: its backtest says what is wrong, and runs skip it while the others run.
    const saved = (await bff.http.post('/api/rules').send({ name: 'Old', expression: 'confidence > 0.8', mode: 'shadow' }).expect(201))
      .body;
    await sql`UPDATE apply_rules SET expression = 'audience.affinity >= "x"' WHERE id = ${saved.id}`.execute(runtime.db);
    const backtest = await bff.http.post(`/api/rules/${saved.id}/backtest`).expect(400);
    expect(backtest.body.detail).toMatch(/^audience\.affinity is a number: >= compares it with a number/);
    expect(await runtime.rules.runAll('test')).toHaveLength(1);
  });

  it('refuses a condition that does not parse, pointing at the position', async () => {
    const response = await bff.http.post('/api/rules').send({ name: 'Bad', expression: 'confidence > AND impactScore > 7' }).expect(400);
    expect(response.body.position).toBe(13);
    expect(response.body.detail).toMatch(/column 14/);
  });

  it('previews a draft: the items it would take and skip, with reasons', async () => {
    const matching = await seedKeywordBids(bff.runtime, 2, { validated: true, confidence: 0.9, impactScore: 8 });
    const other = await seedKeywordBids(bff.runtime, 1, { validated: true, confidence: 0.5, impactScore: 8 });
    const preview = (await bff.http.post('/api/rules/preview').send({ expression: 'confidence > 0.8 AND impactScore > 7' }).expect(200))
      .body;
    expect(preview.taken.map((d: { recommendationId: string }) => d.recommendationId).sort()).toEqual(
      matching.map((s) => s.recommendationId).sort(),
    );
    expect(preview.skipped.find((d: { recommendationId: string }) => d.recommendationId === other[0]?.recommendationId)?.trace).toMatch(
      /confidence 0.5 <= 0.8/,
    );
    expect(state.ledger).toHaveLength(0);
  });
});
