/**
 * Allowed actions through HTTP: every list and detail answer carries them, for the person asking; and the mutation
 * paths refuse exactly what they refuse, with the same reason (the 409's `block`, a viewer's 403). Insights are
 * acknowledged or dismissed, audited, and never approved.
 */
import {
  type ActionableRecommendation,
  type NormalisedRecommendation,
  RecommendationDetailResponseSchema,
  RecommendationPageSchema,
} from '@recdesk/shared-types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { budgetChange, insight } from './recommendation-fixtures.ts';
import { recommendationIdOf } from './recommendation-store.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const VIEWER = { email: 'vera@agency.test', password: 'vera-password-1234' };

const strategyChange: NormalisedRecommendation = {
  ...budgetChange({ id: 'strategy', source: 'sp-consolidated', campaignId: 'C9', from: null, to: 1 }),
  kind: 'bid',
  title: 'Switch to dynamic bids (up and down)',
  action: {
    type: 'set-bidding-strategy',
    field: 'biddingStrategy',
    from: 'LEGACY_FOR_SALES',
    to: 'AUTO_FOR_SALES',
    unit: 'strategy',
    currency: null,
    direction: 'change',
  },
};
const brandInsight = (id: string): NormalisedRecommendation => ({
  ...insight({ id, source: 'brand-metrics', campaignId: `BI-${id}` }),
  applicable: false,
});

describe.each(databaseTargets)('allowed actions on $name', ({ create }) => {
  let bff: TestBff;
  const ids = {
    ok: recommendationIdOf('partner-opportunities', 'ok'),
    guardrail: recommendationIdOf('partner-opportunities', 'guard'),
    strategy: recommendationIdOf('sp-consolidated', 'strategy'),
    insight: recommendationIdOf('brand-metrics', 'bm1'),
    insight2: recommendationIdOf('brand-metrics', 'bm2'),
  };

  beforeAll(async () => {
    bff = await startTestBff(await create(), {}, { now: () => new Date('2026-06-01T12:00:00Z') });
    await bff.runtime.auth.users.create({ ...VIEWER, role: 'viewer', allAdvertisers: true, advertiserIds: [] });
    await bff.runtime.store.upsertMany([
      budgetChange({ id: 'ok', campaignId: 'C1', from: 100, to: 110 }),
      budgetChange({ id: 'guard', campaignId: 'C2', from: 100, to: 1000 }),
      strategyChange,
      brandInsight('bm1'),
      brandInsight('bm2'),
    ]);
    await bff.runtime.lifecycle.afterIngest();
  });
  afterAll(async () => {
    await bff?.close();
  });

  async function listAs(agent: TestBff['http']): Promise<Map<string, ActionableRecommendation>> {
    const page = RecommendationPageSchema.parse((await agent.get('/api/recommendations?limit=200').expect(200)).body);
    return new Map(page.items.map((item) => [item.id, item]));
  }

  it('answers each item with what the person may do, and the mutation paths refuse exactly that, with the same reason', async () => {
    const items = await listAs(bff.http);
    expect(items.get(ids.ok)?.actions.approve).toEqual({ allowed: true, reason: null, message: null, link: null });
    expect(items.get(ids.guardrail)?.actions.approve).toMatchObject({ allowed: false, reason: 'guardrail' });
    // Over the guardrail as proposed, but a smaller edit may still go through (the edit's own value is checked on send).
    expect(items.get(ids.guardrail)?.actions.edit).toMatchObject({ allowed: true });
    expect(items.get(ids.strategy)?.actions.approve).toMatchObject({
      allowed: false,
      reason: 'no_writer',
      link: expect.stringMatching(/^https:\/\/advertising\.amazon\.com\//),
    });
    expect(items.get(ids.insight)?.actions).toMatchObject({
      approve: { allowed: false, reason: 'insight' },
      edit: { allowed: false, reason: 'insight' },
      acknowledge: { allowed: true },
      dismiss: { allowed: true },
    });

    // The detail answer carries the same.
    const detail = RecommendationDetailResponseSchema.parse((await bff.http.get(`/api/recommendations/${ids.strategy}`).expect(200)).body);
    expect(detail.actions).toEqual(items.get(ids.strategy)?.actions);

    // Every refused approve is refused by the server with the reason the list gave.
    for (const id of [ids.guardrail, ids.strategy, ids.insight]) {
      const item = items.get(id) as ActionableRecommendation;
      const refused = await bff.http.post(`/api/recommendations/${id}/approve`).send({ version: item.version }).expect(409);
      expect(refused.body).toMatchObject({ block: item.actions.approve.reason, current: { id, version: item.version } });
    }
    const bulk = await bff.http
      .post('/api/recommendations/bulk')
      .send({ action: 'approve', ids: [ids.strategy, ids.ok], versions: [items.get(ids.strategy)?.version, items.get(ids.ok)?.version] })
      .expect(200);
    expect(bulk.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['refused', 'done']);
    expect(bulk.body.results[1].recommendation.actions).toMatchObject({
      approve: { allowed: false, reason: 'state' },
      apply: { allowed: true },
    });
  });

  it('shows a viewer nothing they may do, and refuses what they try', async () => {
    const viewer = await bff.signIn(VIEWER.email, VIEWER.password);
    const items = await listAs(viewer);
    expect(items.size).toBeGreaterThan(0);
    for (const item of items.values())
      for (const verdict of Object.values(item.actions)) expect(verdict).toMatchObject({ allowed: false, reason: 'role' });
    const item = items.get(ids.insight2) as ActionableRecommendation;
    await viewer.post(`/api/recommendations/${item.id}/acknowledge`).send({ version: item.version }).expect(403);
  });

  it('acknowledges and dismisses insights, audited, and never approves them', async () => {
    const items = await listAs(bff.http);
    const first = items.get(ids.insight) as ActionableRecommendation;
    const acknowledged = await bff.http.post(`/api/recommendations/${first.id}/acknowledge`).send({ version: first.version }).expect(200);
    expect(acknowledged.body).toMatchObject({ status: 'acknowledged', actions: { acknowledge: { allowed: false, reason: 'state' } } });
    const second = items.get(ids.insight2) as ActionableRecommendation;
    await bff.http.post(`/api/recommendations/${second.id}/dismiss`).send({ version: second.version, reason: 'other' }).expect(400);
    const dismissed = await bff.http
      .post(`/api/recommendations/${second.id}/dismiss`)
      .send({ version: second.version, reason: 'already_known' })
      .expect(200);
    expect(dismissed.body).toMatchObject({ status: 'dismissed' });
    // A change is not an insight.
    const ok = (await listAs(bff.http)).get(ids.guardrail) as ActionableRecommendation;
    expect(
      (await bff.http.post(`/api/recommendations/${ok.id}/dismiss`).send({ version: ok.version, reason: 'not_relevant' }).expect(409)).body,
    ).toMatchObject({
      block: 'not_insight',
    });
    const audit = await bff.http.get('/api/audit?limit=50').expect(200);
    const actions = audit.body.items.map((entry: { action: string }) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['recommendation.acknowledged', 'recommendation.dismissed']));
  });
});
