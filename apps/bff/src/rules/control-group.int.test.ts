/**
 * Controls stay controls (issue 19): what an active rule holds back is marked in the queue with the rule and the day
 * its measurement needs it untouched until; a person's approval of it is refused (409, refusal `control_group`, saying
 * what it breaks) unless it confirms leaving the control group, never in bulk; leaving is in the history and the audit
 * trail, and the measurement no longer counts the item as a control.
 */
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedKeywordBids } from '../apply/apply-test-helpers.ts';
import { addDays } from '../impact/impact-windows.ts';
import { FAST_CLIENT } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { holdoutPoint } from './rule-gate.ts';

describe.each(databaseTargets)('a rule control group on $name', ({ create }) => {
  let bff: TestBff;

  beforeAll(async () => {
    bff = await startTestBff(await create(), FAST_CLIENT);
  }, 120_000);
  afterAll(async () => {
    await bff?.close();
  });

  it('marks held items, refuses an unconfirmed or bulk approval, and records leaving the group', async () => {
    const runtime = bff.runtime;
    const state = runtime.simulator?.state as SimulatorState;
    const seeded = await seedKeywordBids(runtime, 12, { validated: true, confidence: 0.9, impactScore: 8, state });
    const held = seeded.filter((s) => holdoutPoint(s.recommendationId) < 0.5);
    expect(held.length).toBeGreaterThanOrEqual(2);
    const rule = (
      await bff.http
        .post('/api/rules')
        .send({ name: 'Bids with control', expression: 'confidence > 0.8 AND impactScore > 7', mode: 'on', holdoutShare: 0.5 })
        .expect(201)
    ).body;
    await runtime.rules.runAll('test');

    const get = async (id: string) => (await bff.http.get(`/api/recommendations/${id}`).expect(200)).body;
    // Window 14 days + 3 to settle after the day of the hold (the test runtime's defaults).
    const until = addDays(runtime.now().toISOString().slice(0, 10), 17);
    const [first, second] = held as [(typeof held)[number], (typeof held)[number]];
    const item = await get(first.recommendationId);
    expect(item).toMatchObject({ status: 'validated', controlGroup: { ruleId: rule.id, ruleName: 'Bids with control', until } });
    const page = (await bff.http.get('/api/recommendations?status=validated&limit=100').expect(200)).body;
    expect(page.items.find((i: { id: string }) => i.id === second.recommendationId)?.controlGroup?.ruleName).toBe('Bids with control');

    // No rule takes a held item while it is a control: not another rule, not this one's next version.
    await bff.http.post('/api/rules').send({ name: 'Everything', expression: 'confidence > 0.5', mode: 'on' }).expect(201);
    await runtime.rules.runAll('test');
    for (const h of held) expect((await get(h.recommendationId)).status).toBe('validated');
    // The gate refuses them, so a preview (and a backtest) never shows as taken what a run leaves alone.
    const preview = (await bff.http.post('/api/rules/preview').send({ expression: 'confidence > 0.5' }).expect(200)).body;
    for (const h of held)
      expect(preview.skipped.find((d: { recommendationId: string }) => d.recommendationId === h.recommendationId)?.trace).toMatch(
        `but held back as the control of rule "Bids with control" until ${until}`,
      );

    // Without the confirmation: 409, saying which rule, until when, and what approving breaks.
    const refused = await bff.http
      .post(`/api/recommendations/${first.recommendationId}/approve`)
      .send({ version: item.version })
      .expect(409);
    expect(refused.body.refusal).toBe('control_group');
    expect(refused.body.detail).toMatch(new RegExp(`Bids with control.*until ${until}.*takes it out of the control group`));
    expect((await get(first.recommendationId)).status).toBe('validated');
    // Bulk never confirms for the person.
    const bulk = (
      await bff.http
        .post('/api/recommendations/bulk')
        .send({ action: 'approve', ids: [second.recommendationId], versions: [(await get(second.recommendationId)).version] })
        .expect(200)
    ).body;
    expect(bulk.results[0]).toMatchObject({ outcome: 'refused', message: expect.stringMatching(/control group/) });

    const approved = (
      await bff.http
        .post(`/api/recommendations/${first.recommendationId}/approve`)
        .send({ version: item.version, leaveControlGroup: true })
        .expect(200)
    ).body;
    expect(approved).toMatchObject({ status: 'approved', controlGroup: null });
    const history = (await bff.http.get(`/api/recommendations/${first.recommendationId}/history`).expect(200)).body.events;
    expect(history.find((e: { reason: string }) => e.reason === 'left control group')).toMatchObject({
      from: 'approved',
      to: 'approved',
      note: expect.stringMatching(/control group of rule "Bids with control"/),
    });
    const audit = await bff.http.get('/api/audit?action=recommendation.control_group_left').expect(200);
    expect(audit.body.items.filter((e: { targetId: string }) => e.targetId === first.recommendationId)).toHaveLength(1);

    // The measurement no longer reads it as a control.
    await runtime.impact.measureNow();
    const impact = (await bff.http.get(`/api/impact/${first.recommendationId}`).expect(200)).body;
    expect(impact).toMatchObject({ cohort: 'control', state: 'insufficient_data' });
    expect(impact.note).toMatch(/took it out of the control group/);
  });
});
