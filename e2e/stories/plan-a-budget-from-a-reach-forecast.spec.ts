import { expect, test } from '../fixtures.ts';
import { expectNoSeriousAxeViolations } from './support/accessibility.ts';
import { keepScreen } from './support/screens.ts';
import { syncSource } from './support/syncs-and-sign-ins.ts';

interface Plan {
  profiles: { profileId: string; forecast: { points: { spend: number }[] } | null }[];
}
interface Campaigns {
  profiles: {
    profileId: string;
    campaigns: { campaignId: string; name: string; adProduct: string; state: string; dailyBudget: number; portfolioId: string | null }[];
  }[];
}

test('the planner varies a reach forecast, drafts a budget change from it, approves and applies it', async ({ page, request }) => {
  test.setTimeout(420_000);
  // This week's audience overlaps, personas and reach forecasts are in.
  for (const source of ['audience-insights', 'persona-builder', 'reach-forecasting']) await syncSource(request, source);

  // An advertiser whose marketplace has a reach forecast and an enabled Sponsored Products campaign to plan on, one
  // whose budget nothing else in the queue is changing (so her plan contradicts no pending item).
  const busyOf = async (advertiserId: string) => {
    const page = (await (await request.get(`/api/recommendations?advertiserId=${advertiserId}&limit=500`)).json()) as {
      items: {
        status: string;
        entity: { level: string; campaignId: string | null; portfolioId: string | null };
        action: { type: string; direction: string };
      }[];
    };
    // Budget or state changes of the campaign itself would contradict a budget plan (bids on its keywords would not),
    // and so would a budget cut on another campaign of its portfolio.
    const open = page.items.filter(
      (i) => i.entity.level === 'campaign' && ['discovered', 'validated', 'drifted', 'approved'].includes(i.status),
    );
    const cutPortfolios = open
      .filter((i) => i.action.type === 'set-budget' && i.action.direction === 'decrease')
      .map((i) => i.entity.portfolioId);
    return { campaigns: new Set(open.map((i) => i.entity.campaignId)), portfolios: new Set(cutPortfolios.filter(Boolean)) };
  };
  const advertisers = (await (await request.get('/api/advertisers')).json()) as { items: { id: string; name: string | null }[] };
  let chosen: { advertiserId: string; profileId: string; campaign: Campaigns['profiles'][number]['campaigns'][number] } | null = null;
  for (const advertiser of advertisers.items) {
    const plan = (await (await request.get(`/api/advertisers/${advertiser.id}/plan`)).json()) as Plan;
    const forecasted = plan.profiles.find((p) => p.forecast !== null);
    if (!forecasted) continue;
    const campaigns = (await (await request.get(`/api/advertisers/${advertiser.id}/plan/campaigns`)).json()) as Campaigns;
    const busy = await busyOf(advertiser.id);
    const campaign = campaigns.profiles
      .find((p) => p.profileId === forecasted.profileId)
      ?.campaigns.find(
        (c) =>
          c.adProduct === 'SP' &&
          c.state === 'ENABLED' &&
          c.dailyBudget >= 5 &&
          !busy.campaigns.has(c.campaignId) &&
          !(c.portfolioId && busy.portfolios.has(c.portfolioId)),
      );
    if (campaign) {
      chosen = { advertiserId: advertiser.id, profileId: forecasted.profileId, campaign };
      break;
    }
  }
  if (!chosen) throw new Error('no advertiser with a reach forecast and an enabled SP campaign whose budget nothing else is changing');

  // She opens the Plan page and picks the advertiser.
  await page.goto('/plan');
  await page.getByRole('combobox', { name: 'Advertiser' }).selectOption(chosen.advertiserId);
  const forecast = page.getByRole('region', { name: 'Reach forecast' }).first();
  await expect(forecast).toBeVisible({ timeout: 60_000 });

  // More budget: the slider to the top of the curve, and the reach it buys is read out.
  const slider = forecast.getByRole('slider', { name: /Budget/ });
  const before = await forecast.getByRole('status').first().textContent();
  const max = Number(await slider.getAttribute('max'));
  await slider.fill(String(max));
  await expect(forecast.getByRole('status').first()).not.toHaveText(before ?? '');

  // She drafts a budget raise for one campaign from it: a fifth more per day, with a note.
  const form = forecast.getByRole('form', { name: 'Draft change' });
  await form.getByRole('combobox', { name: 'Campaign' }).selectOption(chosen.campaign.campaignId);
  const raised = Math.round(chosen.campaign.dailyBudget * 120) / 100;
  await form.getByRole('spinbutton', { name: /New daily budget/ }).fill(String(raised));
  await form.getByRole('textbox', { name: /Note/ }).fill('More reach for the holidays');
  await form.getByRole('button', { name: 'Draft change' }).click();
  const done = form.getByRole('status');
  // (On a retry of this story, the same draft is still pending and is answered instead of a second one.)
  await expect(done).toContainText(/(In|Already in) the queue: Plan: raise the daily budget of /, { timeout: 60_000 });
  await expect(page.getByRole('region', { name: 'Drafted plans' })).toContainText(chosen.campaign.name);

  await page.setViewportSize({ width: 1440, height: 900 });
  await form.scrollIntoViewIfNeeded();
  await keepScreen(page, 'plan-draft-1440');
  await page.setViewportSize({ width: 1024, height: 900 });
  await form.scrollIntoViewIfNeeded();
  await keepScreen(page, 'plan-draft-1024');
  await page.setViewportSize({ width: 1440, height: 900 });
  await expectNoSeriousAxeViolations(page);

  // In the queue it is an ordinary recommendation, planned by her with its forecast.
  await done.getByRole('link').click();
  const drawer = page.getByRole('dialog');
  await expect(drawer.getByRole('region', { name: 'Plan', exact: true })).toContainText('Planned by approver@recdesk.local', {
    timeout: 30_000,
  });
  await expect(drawer.getByRole('region', { name: 'Plan', exact: true })).toContainText('More reach for the holidays');
  await expect(drawer.getByRole('table', { name: 'Forecast' })).toContainText('With the plan');
  await keepScreen(page, 'plan-draft-drawer');

  // She approves it, applies it, and the batch finishes.
  await drawer.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(drawer.getByRole('button', { name: 'Apply', exact: true })).toBeEnabled({ timeout: 30_000 });
  await drawer.getByRole('button', { name: 'Apply', exact: true }).click();
  const progress = page.getByRole('dialog', { name: 'Apply batch progress' });
  await expect(progress.getByRole('status').first()).toHaveText('Finished: 1 applied, 0 failed.', { timeout: 90_000 });
  await keepScreen(page, 'plan-draft-applied');

  // The campaign has the planned budget now.
  const after = (await (await request.get(`/api/advertisers/${chosen.advertiserId}/plan/campaigns`)).json()) as Campaigns;
  const campaign = after.profiles
    .find((p) => p.profileId === chosen.profileId)
    ?.campaigns.find((c) => c.campaignId === chosen.campaign.campaignId);
  expect(campaign?.dailyBudget).toBe(raised);
});
