/**
 * Withdrawing an approval through HTTP (issue 14, the approval toast's Undo): allowed while the item is approved and no
 * apply batch has claimed it, refused with the reason once it is queued for apply, at a stale version, for a viewer
 * (403) and outside the person's advertisers (404); each withdrawal is in the item's history and the audit trail.
 */
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import { type ActionableRecommendation, RecommendationHistorySchema } from '@recdesk/shared-types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { applySeeded, type SeededKeyword, seedKeywordBids } from '../apply/apply-test-helpers.ts';
import { FAST_CLIENT } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, TEST_ADMIN, type TestBff } from '../testing/test-runtime.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const VIEWER = { email: 'vera@agency.test', password: 'vera-password-1234' };
const OUTSIDER = { email: 'otto@agency.test', password: 'otto-password-1234' };

describe.each(databaseTargets)('withdrawing an approval on $name', ({ create }) => {
  let bff: TestBff;
  let seeded: SeededKeyword[];
  beforeAll(async () => {
    bff = await startTestBff(await create(), FAST_CLIENT);
    await bff.runtime.auth.users.create({ ...VIEWER, role: 'viewer', allAdvertisers: true, advertiserIds: [] });
    await bff.runtime.auth.users.create({ ...OUTSIDER, role: 'approver', allAdvertisers: false, advertiserIds: ['ADV-ELSEWHERE'] });
    // Validated bid changes on live keywords of the simulated world: approved below through HTTP, as a person would.
    seeded = await seedKeywordBids(bff.runtime, 10, { validated: true });
    (bff.runtime.simulator?.state as SimulatorState | undefined)?.requestLog.splice(0);
  });
  afterAll(async () => {
    await bff?.close();
  });

  const get = async (id: string): Promise<ActionableRecommendation> => (await bff.http.get(`/api/recommendations/${id}`).expect(200)).body;
  const approve = async (id: string): Promise<ActionableRecommendation> => {
    const item = await get(id);
    const answer = await bff.http.post(`/api/recommendations/${id}/approve`).send({ version: item.version }).expect(200);
    expect(answer.body).toMatchObject({ status: 'approved', actions: { unapprove: { allowed: true } } });
    return answer.body;
  };

  it('withdraws an approval before it is queued: validated again, in the history and the audit trail', async () => {
    const id = seeded[0]?.recommendationId as string;
    const approved = await approve(id);
    const answer = await bff.http.post(`/api/recommendations/${id}/unapprove`).send({ version: approved.version }).expect(200);
    expect(answer.body).toMatchObject({
      id,
      status: 'validated',
      version: approved.version + 1,
      awaitingSecondApprover: null,
      alsoChanged: [],
      actions: { approve: { allowed: true }, unapprove: { allowed: false, reason: 'not_approved' }, apply: { allowed: false } },
    });
    // Once withdrawn there is nothing left to withdraw, and an old version is refused with the current state.
    const again = await bff.http.post(`/api/recommendations/${id}/unapprove`).send({ version: answer.body.version }).expect(409);
    expect(again.body).toMatchObject({ block: 'not_approved', current: { status: 'validated' } });

    const history = RecommendationHistorySchema.parse((await bff.http.get(`/api/recommendations/${id}/history`).expect(200)).body);
    const withdrawal = history.events.at(-1);
    expect(withdrawal).toMatchObject({
      from: 'approved',
      to: 'validated',
      reason: 'approval withdrawn',
      actor: { type: 'user', id: TEST_ADMIN.email },
      before: { approved: true, bid: 1.25 },
      after: { approved: false },
    });
    const audit = await bff.http.get('/api/audit?action=recommendation.approval_withdrawn').expect(200);
    expect(audit.body.items.filter((e: { targetId: string }) => e.targetId === id)).toEqual([
      expect.objectContaining({ actor: TEST_ADMIN.email, details: expect.objectContaining({ from: 'approved', to: 'validated' }) }),
    ]);
    // It can be approved again, and apply then sends the change as usual.
    await approve(id);
  });

  it('refuses once an apply batch claimed the item, and never takes it out of the batch', async () => {
    const item = seeded[1] as SeededKeyword;
    const approved = await approve(item.recommendationId);
    await applySeeded(bff.http, [item]);
    const queued = await get(item.recommendationId);
    expect(queued).toMatchObject({ status: 'applying', actions: { unapprove: { allowed: false, reason: 'already_queued' } } });
    for (const version of [approved.version, queued.version]) {
      const refused = await bff.http.post(`/api/recommendations/${item.recommendationId}/unapprove`).send({ version }).expect(409);
      expect(refused.body).toMatchObject({ block: 'already_queued', current: { status: 'applying' } });
    }
    await bff.runtime.apply.createWorker().sweep();
    const applied = await get(item.recommendationId);
    expect(applied).toMatchObject({ status: 'applied', actions: { unapprove: { allowed: false, reason: 'already_queued' } } });
    await bff.http.post(`/api/recommendations/${item.recommendationId}/unapprove`).send({ version: applied.version }).expect(409);
  });

  it('an apply that lost the race to a withdrawal queues nothing', async () => {
    const item = seeded[2] as SeededKeyword;
    const approved = await approve(item.recommendationId);
    await bff.http.post(`/api/recommendations/${item.recommendationId}/unapprove`).send({ version: approved.version }).expect(200);
    const refused = await bff.http
      .post('/api/apply')
      .send({ ids: [item.recommendationId] })
      .expect(409);
    expect(refused.body.refused).toEqual([expect.objectContaining({ id: item.recommendationId, code: 'not_approved' })]);
    // And a withdrawal at the version seen before someone else's change is refused as stale.
    const again = await approve(item.recommendationId);
    const stale = await bff.http
      .post(`/api/recommendations/${item.recommendationId}/unapprove`)
      .send({ version: approved.version })
      .expect(409);
    expect(stale.body).toMatchObject({ block: 'stale_version', current: { status: 'approved', version: again.version } });
  });

  it('a withdrawal and an apply sent at once never both win', async () => {
    const racing = seeded.slice(4, 10);
    const approved = await Promise.all(racing.map((item) => approve(item.recommendationId)));
    const outcomes = await Promise.all(
      racing.map(async (item, index) => {
        const [withdrawal, apply] = await Promise.all([
          bff.http.post(`/api/recommendations/${item.recommendationId}/unapprove`).send({ version: approved[index]?.version }),
          bff.http.post('/api/apply').send({ ids: [item.recommendationId] }),
        ]);
        return { id: item.recommendationId, withdrawal: withdrawal.status, apply: apply.status, block: withdrawal.body.block };
      }),
    );
    for (const outcome of outcomes) {
      const item = await get(outcome.id);
      const history = RecommendationHistorySchema.parse(
        (await bff.http.get(`/api/recommendations/${outcome.id}/history`).expect(200)).body,
      );
      const withdrawn = history.events.some((e) => e.reason === 'approval withdrawn');
      const queued = history.events.some((e) => e.to === 'applying');
      // Exactly one of them happened, and the answers say which.
      expect(withdrawn !== queued).toBe(true);
      if (withdrawn) expect([outcome.withdrawal, outcome.apply, item.status]).toEqual([200, 409, 'validated']);
      else {
        expect([outcome.withdrawal, outcome.apply, outcome.block]).toEqual([409, 202, 'already_queued']);
        expect(['applying', 'applied']).toContain(item.status);
      }
    }
  });

  it('refuses a viewer (403) and a person outside the advertiser (404), and changes nothing', async () => {
    const id = seeded[3]?.recommendationId as string;
    const approved = await approve(id);
    const viewer = await bff.signIn(VIEWER.email, VIEWER.password);
    const seen = (await viewer.get(`/api/recommendations/${id}`).expect(200)).body as ActionableRecommendation;
    expect(seen.actions.unapprove).toMatchObject({ allowed: false, reason: 'role' });
    await viewer.post(`/api/recommendations/${id}/unapprove`).send({ version: approved.version }).expect(403);
    const outsider = await bff.signIn(OUTSIDER.email, OUTSIDER.password);
    await outsider.post(`/api/recommendations/${id}/unapprove`).send({ version: approved.version }).expect(404);
    await bff.http.post(`/api/recommendations/${id}/unapprove`).send({}).expect(400);
    expect(await get(id)).toMatchObject({ status: 'approved', version: approved.version });
  });
});
