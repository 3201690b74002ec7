/**
 * The urgent lane: a Marketing Stream delivery (a campaign out of budget, with Amazon's suggested budget) is
 * validated and run through the rules as it arrives, so an `on` rule over budget items applies it within seconds,
 * without any sync. On PGlite and the PostgreSQL server.
 */
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import { afterEach, describe, expect, it } from 'vitest';
import { FAST_CLIENT } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';

describe.each(databaseTargets)('urgent lane on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  });

  it('a Stream budget recommendation is applied by an on rule within seconds, with no sync', async () => {
    bff = await startTestBff(await create(), FAST_CLIENT);
    const runtime = bff.runtime;
    const state = runtime.simulator?.state as SimulatorState;
    // The server runs the apply worker; so does this test.
    await runtime.apply.startWorker({ sweepMs: 60_000 });
    const profile = state.world.profiles.find((p) => p.marketplace.code === 'US') as (typeof state.world.profiles)[number];
    const campaign = state.world.campaigns.find(
      (c) => c.profileId === profile.profileId && c.state === 'ENABLED',
    ) as (typeof state.world.campaigns)[number];
    const budget = campaign.dailyBudget;

    const rule = (
      await bff.http
        .post('/api/rules')
        .send({ name: 'Keep budgets running', expression: 'kind = "budget"', mode: 'on', scope: { sources: ['marketing-stream'] } })
        .expect(201)
    ).body;

    const now = runtime.now();
    const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
    const common = { advertiser_id: profile.advertiser.entityId, marketplace_id: profile.marketplace.marketplaceStringId };
    await bff.http
      .post('/api/stream/messages')
      .send({
        ...common,
        dataset_id: 'budget-usage',
        budget_scope_id: campaign.campaignId,
        budget_scope_type: 'CAMPAIGN',
        advertising_product_type: 'sp',
        budget,
        budget_usage_percentage: 96,
        usage_updated_timestamp: at(10),
      })
      .expect(200);
    const day = now.toISOString().slice(0, 10);
    const accepted = (
      await bff.http
        .post('/api/stream/messages')
        .send({
          ...common,
          dataset_id: 'sp-budget-recommendations',
          campaign_id: campaign.campaignId,
          recommendation_time: at(5),
          reason_for_suggestion: 'Out of budget on 3 of the last 7 days.',
          start_date: day,
          end_date: day,
          suggested_budget: budget + 15,
          estimated_missed_clicks_lower: 12,
          estimated_missed_clicks_upper: 40,
        })
        .expect(200)
    ).body;
    const recommendationId = accepted.outcomes[0]?.recommendationId as string;
    expect(recommendationId).toEqual(expect.any(String));

    const key = `campaign:${campaign.campaignId}`;
    const deadline = Date.now() + 30_000;
    while (!state.ledger.some((e) => e.key === key) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await runtime.stream.settled();
    expect(state.ledger.filter((e) => e.key === key)).toHaveLength(1);
    expect(campaign.dailyBudget).toBe(budget + 15);

    // No sync ran: only the Stream's own runs are recorded.
    const runs = await runtime.db.selectFrom('ingestion_runs').select('source').execute();
    expect(new Set(runs.map((r) => r.source))).toEqual(new Set(['marketing-stream']));
    let status = '';
    for (let i = 0; i < 100 && status !== 'applied'; i++) {
      status = (await bff.http.get(`/api/recommendations/${recommendationId}`).expect(200)).body.status;
      if (status !== 'applied') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('applied');
    const decisions = (await bff.http.get(`/api/rules/${rule.id}/decisions`).expect(200)).body.items as {
      recommendationId: string;
      decision: string;
      trace: string;
    }[];
    expect(decisions.find((d) => d.recommendationId === recommendationId)).toMatchObject({ decision: 'take' });
    // The usage alert itself is an insight: the rule looked at it and left it to people.
    expect(decisions.filter((d) => d.recommendationId !== recommendationId).map((d) => d.trace)).toEqual([
      expect.stringMatching(/not applicable upstream/),
    ]);
  }, 120_000);
});
