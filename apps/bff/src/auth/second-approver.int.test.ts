/**
 * The two-person rule through HTTP: above an advertiser's threshold, one approval keeps the item waiting for a second,
 * different approver of the same version, for single and bulk approve; the same person twice changes nothing. Money
 * and percentages (a placement bid adjustment) each have their threshold, and an edited value counts like a proposed one.
 */
import { type Recommendation, RecommendationHistorySchema } from '@recdesk/shared-types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bidChange, budgetChange } from '../lifecycle/recommendation-fixtures.ts';
import { recommendationIdOf } from '../lifecycle/recommendation-store.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const ANA = { email: 'ana@agency.test', password: 'ana-password-123' };
const BEN = { email: 'ben@agency.test', password: 'ben-password-123' };
const idOf = (sourceId: string) => recommendationIdOf('partner-opportunities', sourceId);

describe.each(databaseTargets)('two-person rule on $name', ({ create }) => {
  let bff: TestBff;
  beforeAll(async () => {
    // The fixtures are proposals of early June 2026: the clock stands there.
    bff = await startTestBff(await create(), {}, { now: () => new Date('2026-06-01T12:00:00Z') });
    for (const person of [ANA, BEN]) {
      await bff.runtime.auth.users.create({ ...person, role: 'approver', allAdvertisers: false, advertiserIds: ['ADV-A'] });
    }
    await bff.runtime.store.upsertMany([
      budgetChange({ id: 'big', advertiserId: 'ADV-A', campaignId: 'C1', from: 400, to: 600 }),
      budgetChange({ id: 'small', advertiserId: 'ADV-A', campaignId: 'C2', from: 100, to: 120 }),
      budgetChange({ id: 'bulk1', advertiserId: 'ADV-A', campaignId: 'C3', from: 500, to: 900 }),
      budgetChange({ id: 'bulk2', advertiserId: 'ADV-A', campaignId: 'C4', from: 500, to: 800 }),
      budgetChange({ id: 'withdrawn', advertiserId: 'ADV-A', campaignId: 'C9', from: 400, to: 700 }),
      budgetChange({ id: 'edited-budget', advertiserId: 'ADV-A', campaignId: 'C5', from: 400, to: 450 }),
      bidChange({ id: 'placement-big', advertiserId: 'ADV-A', campaignId: 'C6', level: 'placement', keywordId: 'P1', from: 10, to: 25 }),
      bidChange({ id: 'placement-small', advertiserId: 'ADV-A', campaignId: 'C7', level: 'placement', keywordId: 'P2', from: 10, to: 15 }),
      bidChange({ id: 'placement-edit', advertiserId: 'ADV-A', campaignId: 'C8', level: 'placement', keywordId: 'P3', from: 10, to: 15 }),
    ]);
    await bff.runtime.lifecycle.afterIngest();
  });
  afterAll(async () => {
    await bff?.close();
  });

  const get = async (sourceId: string): Promise<Recommendation> =>
    (await bff.http.get(`/api/recommendations/${idOf(sourceId)}`).expect(200)).body;

  it('an admin sets the threshold, and the change is audited', async () => {
    const agent = await bff.signIn(ANA.email, ANA.password);
    await agent.put('/api/advertisers/ADV-A/approval-policy').send({ secondApproverAbove: 500 }).expect(403);
    await bff.http.put('/api/advertisers/ADV-A/approval-policy').send({ secondApproverAbove: 500 }).expect(200);
    const audit = await bff.http.get('/api/audit?action=approval_policy.changed').expect(200);
    expect(audit.body.items[0]).toMatchObject({ advertiserId: 'ADV-A', details: { before: null, after: 500 } });
    // The percent threshold is its own field; leaving one out keeps the other.
    await agent.put('/api/advertisers/ADV-A/approval-policy').send({ secondApproverAbovePercent: 20 }).expect(403);
    const percent = await bff.http.put('/api/advertisers/ADV-A/approval-policy').send({ secondApproverAbovePercent: 20 }).expect(200);
    expect(percent.body).toEqual({ advertiserId: 'ADV-A', secondApproverAbove: 500, secondApproverAbovePercent: 20 });
    const latest = await bff.http.get('/api/audit?action=approval_policy.changed').expect(200);
    expect(latest.body.items[0]).toMatchObject({ details: { before: 500, after: 500, beforePercent: null, afterPercent: 20 } });
    await bff.http.put('/api/advertisers/ADV-A/approval-policy').send({}).expect(400);
    await bff.http.put('/api/advertisers/ADV-A/approval-policy').send({ secondApproverAbovePercent: -1 }).expect(400);
  });

  it('a percentage above the percent threshold needs two approvers; at or below it, one', async () => {
    const ana = await bff.signIn(ANA.email, ANA.password);
    const ben = await bff.signIn(BEN.email, BEN.password);
    const big = await get('placement-big');
    const first = await ana.post(`/api/recommendations/${big.id}/approve`).send({ version: big.version }).expect(200);
    expect(first.body).toMatchObject({ status: 'validated', awaitingSecondApprover: { approverId: ANA.email } });
    const second = await ben.post(`/api/recommendations/${big.id}/approve`).send({ version: big.version }).expect(200);
    expect(second.body).toMatchObject({ status: 'approved', awaitingSecondApprover: null });

    const small = await get('placement-small');
    const alone = await ana.post(`/api/recommendations/${small.id}/approve`).send({ version: small.version }).expect(200);
    expect(alone.body).toMatchObject({ status: 'approved', awaitingSecondApprover: null });
  });

  it('an edited value is measured like a proposed one, money and percentages alike', async () => {
    const ana = await bff.signIn(ANA.email, ANA.password);
    const ben = await bff.signIn(BEN.email, BEN.password);
    // 450 is under the money threshold; the approver's 520 is not.
    const budget = await get('edited-budget');
    const edited = await ana
      .post(`/api/recommendations/${budget.id}/approve`)
      .send({ version: budget.version, editedValue: 520 })
      .expect(200);
    expect(edited.body).toMatchObject({ status: 'validated', awaitingSecondApprover: { approverId: ANA.email } });
    // 15 % is under the percent threshold; the approver's 30 % is not.
    const placement = await get('placement-edit');
    const first = await ana
      .post(`/api/recommendations/${placement.id}/approve`)
      .send({ version: placement.version, editedValue: 30 })
      .expect(200);
    expect(first.body).toMatchObject({ status: 'validated', awaitingSecondApprover: { approverId: ANA.email } });
    const second = await ben
      .post(`/api/recommendations/${placement.id}/approve`)
      .send({ version: placement.version, editedValue: 30 })
      .expect(200);
    expect(second.body).toMatchObject({ status: 'approved', awaitingSecondApprover: null });
  });

  it('above the threshold one approval waits, the same approver again is refused and changes nothing, a second approver approves', async () => {
    const ana = await bff.signIn(ANA.email, ANA.password);
    const ben = await bff.signIn(BEN.email, BEN.password);
    const before = await get('big');
    expect(before).toMatchObject({ status: 'validated', awaitingSecondApprover: null });

    const first = await ana.post(`/api/recommendations/${before.id}/approve`).send({ version: before.version }).expect(200);
    expect(first.body).toMatchObject({ status: 'validated', version: before.version, awaitingSecondApprover: { approverId: ANA.email } });
    // The answer already tells Ana why she cannot approve again, and Ben that he can.
    expect(first.body.actions.approve).toMatchObject({ allowed: false, reason: 'already_approved' });
    expect((await ben.get(`/api/recommendations/${before.id}`).expect(200)).body.actions.approve).toMatchObject({ allowed: true });

    const again = await ana.post(`/api/recommendations/${before.id}/approve`).send({ version: before.version }).expect(409);
    expect(again.body).toMatchObject({ block: 'already_approved', current: { status: 'validated', version: before.version } });
    expect(await get('big')).toMatchObject({ awaitingSecondApprover: { approverId: ANA.email } });
    // Nothing reaches apply: it is not approved.
    expect((await get('big')).status).toBe('validated');

    const second = await ben.post(`/api/recommendations/${before.id}/approve`).send({ version: before.version }).expect(200);
    expect(second.body).toMatchObject({ status: 'approved', awaitingSecondApprover: null });

    const history = RecommendationHistorySchema.parse((await bff.http.get(`/api/recommendations/${before.id}/history`).expect(200)).body);
    const people = history.events.filter((e) => e.actor.type === 'user').map((e) => [e.actor.id, e.to, e.reason]);
    expect(people).toEqual([
      [ANA.email, 'validated', 'first approval: awaiting a second approver'],
      [BEN.email, 'approved', 'approved'],
    ]);
    const audit = await bff.http.get(`/api/audit?advertiserId=ADV-A`).expect(200);
    const actions = audit.body.items.filter((e: { targetId: string }) => e.targetId === before.id).map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['recommendation.approved', 'recommendation.changed']));
  });

  it('a first approval is withdrawn by its approver (not by the second), and the rule then starts afresh', async () => {
    const ana = await bff.signIn(ANA.email, ANA.password);
    const ben = await bff.signIn(BEN.email, BEN.password);
    const before = await get('withdrawn');
    const first = await ana.post(`/api/recommendations/${before.id}/approve`).send({ version: before.version }).expect(200);
    expect(first.body).toMatchObject({ awaitingSecondApprover: { approverId: ANA.email }, actions: { unapprove: { allowed: true } } });
    const bens = (await ben.get(`/api/recommendations/${before.id}`).expect(200)).body;
    expect(bens.actions.unapprove).toMatchObject({ allowed: false, reason: 'not_approved' });
    expect(
      (await ben.post(`/api/recommendations/${before.id}/unapprove`).send({ version: before.version }).expect(409)).body,
    ).toMatchObject({
      block: 'not_approved',
    });

    const withdrawn = await ana.post(`/api/recommendations/${before.id}/unapprove`).send({ version: before.version }).expect(200);
    expect(withdrawn.body).toMatchObject({
      status: 'validated',
      version: before.version + 1,
      awaitingSecondApprover: null,
      actions: { approve: { allowed: true }, unapprove: { allowed: false, reason: 'not_approved' } },
    });
    // Ben's approval is now a first approval again, not the second of Ana's withdrawn one.
    const bensFirst = await ben
      .post(`/api/recommendations/${before.id}/approve`)
      .send({ version: before.version + 1 })
      .expect(200);
    expect(bensFirst.body).toMatchObject({ status: 'validated', awaitingSecondApprover: { approverId: BEN.email } });

    const history = RecommendationHistorySchema.parse((await bff.http.get(`/api/recommendations/${before.id}/history`).expect(200)).body);
    expect(history.events.filter((e) => e.actor.type === 'user').map((e) => [e.actor.id, e.to, e.reason])).toEqual([
      [ANA.email, 'validated', 'first approval: awaiting a second approver'],
      [ANA.email, 'validated', 'approval withdrawn'],
      [BEN.email, 'validated', 'first approval: awaiting a second approver'],
    ]);
    const audit = await bff.http.get('/api/audit?action=recommendation.approval_withdrawn').expect(200);
    expect(audit.body.items.filter((e: { targetId: string }) => e.targetId === before.id)).toEqual([
      expect.objectContaining({
        actor: ANA.email,
        details: expect.objectContaining({ before: { firstApprover: ANA.email, dailyBudget: 700 } }),
      }),
    ]);
  });

  it('at or below the threshold one approval is enough', async () => {
    const ana = await bff.signIn(ANA.email, ANA.password);
    const item = await get('small');
    const approved = await ana.post(`/api/recommendations/${item.id}/approve`).send({ version: item.version }).expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', awaitingSecondApprover: null });
  });

  it('bulk approve follows the same rule', async () => {
    const ana = await bff.signIn(ANA.email, ANA.password);
    const ben = await bff.signIn(BEN.email, BEN.password);
    const items = [await get('bulk1'), await get('bulk2')];
    const body = { action: 'approve', ids: items.map((i) => i.id), versions: items.map((i) => i.version) };
    const first = await ana.post('/api/recommendations/bulk').send(body).expect(200);
    expect(first.body.results.map((r: { recommendation: Recommendation }) => r.recommendation.status)).toEqual(['validated', 'validated']);
    expect(first.body.results[0].message).toMatch(/awaiting a second approver/);
    const same = await ana.post('/api/recommendations/bulk').send(body).expect(200);
    expect(same.body.results.map((r: { recommendation: Recommendation }) => r.recommendation.status)).toEqual(['validated', 'validated']);
    const second = await ben.post('/api/recommendations/bulk').send(body).expect(200);
    expect(second.body.results.map((r: { recommendation: Recommendation }) => r.recommendation.status)).toEqual(['approved', 'approved']);
  });
});
