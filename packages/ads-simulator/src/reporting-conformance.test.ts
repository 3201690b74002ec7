/**
 * Reporting v3 answers of the simulator, checked against Amazon's published OpenAPI document
 * (published-specs/reporting-v3.json, copied from shared/ads-api/specs) with ajv: the create answer, the poll lifecycle PENDING → PROCESSING →
 * COMPLETED, the gzipped JSON download, the 425 of a duplicate request with the existing id, errors; and the
 * simulated clock control: advancing it makes new days of performance exist, and applied changes move the numbers
 * from the next day.
 */
import { gunzipSync } from 'node:zlib';
import { Ajv, type AnySchema } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdvanceableClock } from './clock.ts';
import { addDays, dayOf } from './performance/days.ts';
import { type RunningSimulator, startSimulator } from './server.ts';
import { DEFAULT_CREDENTIALS } from './state.ts';
import { accessTokenOf } from './testing/access-token.ts';
import { loadPublishedSpec } from './testing/published-specs.ts';

const loadSpec = (file: string) => loadPublishedSpec(file) as AnySchema;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(loadSpec('reporting-v3.json'), 'rpt');

function expectValid(ref: string, body: unknown): void {
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`no schema ${ref}`);
  const valid = validate(body);
  expect(valid ? [] : ajv.errorsText(validate.errors, { separator: '\n' }).split('\n')).toEqual([]);
}

const CREATE = 'application/vnd.createasyncreportrequest.v3+json';
let simulator: RunningSimulator;
let clock: AdvanceableClock;
let headers: Record<string, string>;

async function signIn(): Promise<void> {
  const accessToken = await accessTokenOf(simulator.url);
  const profile = simulator.state.world.profiles[0];
  if (!profile) throw new Error('no profile');
  headers = {
    authorization: `Bearer ${accessToken}`,
    'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId,
    'amazon-advertising-api-scope': String(profile.profileId),
  };
}

beforeAll(async () => {
  clock = new AdvanceableClock(() => new Date('2026-11-20T10:00:00Z'));
  simulator = await startSimulator({ clock });
  await signIn();
});
afterAll(async () => {
  await simulator.close();
});

function requestBody(startDate: string, endDate: string, reportTypeId = 'spCampaigns') {
  return {
    name: `test ${reportTypeId} ${startDate}`,
    startDate,
    endDate,
    configuration: {
      adProduct: 'SPONSORED_PRODUCTS',
      reportTypeId,
      groupBy: [reportTypeId === 'spCampaigns' ? 'campaign' : 'targeting'],
      columns:
        reportTypeId === 'spCampaigns'
          ? [
              'date',
              'campaignId',
              'campaignBudgetAmount',
              'campaignBudgetCurrencyCode',
              'impressions',
              'clicks',
              'cost',
              'sales14d',
              'purchases14d',
            ]
          : ['date', 'campaignId', 'keywordId', 'keywordType', 'impressions', 'clicks', 'cost', 'sales14d', 'purchases14d'],
      timeUnit: 'DAILY',
      format: 'GZIP_JSON',
    },
  };
}

async function create(body: unknown): Promise<Response> {
  return fetch(`${simulator.url}/na/reporting/reports`, {
    method: 'POST',
    headers: { ...headers, 'content-type': CREATE, accept: 'application/vnd.createasyncreportresponse.v3+json' },
    body: JSON.stringify(body),
  });
}

async function poll(reportId: string) {
  const answer = await fetch(`${simulator.url}/na/reporting/reports/${reportId}`, { headers });
  expect(answer.status).toBe(200);
  const body = (await answer.json()) as { status: string; url?: string | null };
  expectValid('rpt#/components/schemas/AsyncReport', body);
  return body;
}

async function completedRows(body: unknown): Promise<Record<string, number | string>[]> {
  const answer = await create(body);
  // A request made before answers 425 naming its report: that one is read, as a client should.
  const reportId =
    answer.status === 425
      ? (/([0-9a-f-]{36})/.exec(((await answer.json()) as { detail: string }).detail)?.[1] ?? '')
      : ((await answer.json()) as { reportId: string }).reportId;
  let status = await poll(reportId);
  for (let i = 0; i < 5 && status.status !== 'COMPLETED'; i++) status = await poll(reportId);
  const file = await fetch(status.url ?? '');
  expect(file.status).toBe(200);
  return JSON.parse(gunzipSync(Buffer.from(await file.arrayBuffer())).toString('utf8')) as Record<string, number | string>[];
}

describe('Reporting v3 answers as reporting-v3.json says', () => {
  it('creates a report, answers PENDING then PROCESSING then COMPLETED with a url, and serves a gzipped JSON array', async () => {
    const today = dayOf(clock.now());
    const answer = await create(requestBody(addDays(today, -7), addDays(today, -1)));
    expect(answer.status).toBe(200);
    const created = (await answer.json()) as { reportId: string; status: string };
    expectValid('rpt#/components/schemas/AsyncReport', created);
    expect(created.status).toBe('PENDING');

    const seen = [(await poll(created.reportId)).status, (await poll(created.reportId)).status];
    const done = await poll(created.reportId);
    expect([...seen, done.status]).toEqual(['PENDING', 'PROCESSING', 'COMPLETED']);
    expect(done.url).toMatch(/^http/);

    const file = await fetch(done.url ?? '');
    expect(file.status).toBe(200);
    const rows = JSON.parse(gunzipSync(Buffer.from(await file.arrayBuffer())).toString('utf8')) as Record<string, unknown>[];
    const campaigns = simulator.state.world.campaigns.filter((c) => String(c.profileId) === headers['amazon-advertising-api-scope']);
    expect(rows).toHaveLength(campaigns.length * 7);
    expect(Object.keys(rows[0] ?? {}).sort()).toEqual(requestBody('', '').configuration.columns.slice().sort());
    // The pre-signed URL refuses Amazon's headers, as S3 does.
    expect((await fetch(done.url ?? '', { headers: { authorization: 'Bearer x' } })).status).toBe(400);
  });

  it('answers a duplicate request 425 with the existing report id, and refuses more than 31 days', async () => {
    const today = dayOf(clock.now());
    const body = requestBody(addDays(today, -20), addDays(today, -10), 'spTargeting');
    const first = (await (await create(body)).json()) as { reportId: string };
    const again = await create(body);
    expect(again.status).toBe(425);
    const error = (await again.json()) as { code: string; detail: string };
    expectValid('rpt#/components/schemas/AsyncReportingError', error);
    expect(error.detail).toContain(first.reportId);

    const tooLong = await create(requestBody(addDays(today, -40), addDays(today, -1)));
    expect(tooLong.status).toBe(400);
    expectValid('rpt#/components/schemas/AsyncReportingError', await tooLong.json());
    const badColumn = await create({ ...body, configuration: { ...body.configuration, columns: ['date', 'notAColumn'] } });
    expect(badColumn.status).toBe(400);
    expect((await fetch(`${simulator.url}/na/reporting/reports/not-a-report`, { headers })).status).toBe(404);
  });

  it('keeps the numbers plausible: CTR, CPC and ACOS in range, budget-capped campaigns spend about their budget', async () => {
    const today = dayOf(clock.now());
    const rows = await completedRows(requestBody(addDays(today, -30), addDays(today, -1)));
    const enabled = rows.filter((r) => Number(r.clicks) > 0);
    const total = (field: string) => enabled.reduce((sum, r) => sum + Number(r[field]), 0);
    expect(total('clicks') / total('impressions')).toBeGreaterThan(0.003);
    expect(total('clicks') / total('impressions')).toBeLessThan(0.006);
    expect(total('cost') / total('clicks')).toBeGreaterThan(0.5);
    expect(total('cost') / total('clicks')).toBeLessThan(2);
    expect(total('cost') / total('sales14d')).toBeGreaterThan(0.15);
    expect(total('cost') / total('sales14d')).toBeLessThan(0.6);
    expect(enabled.some((r) => Number(r.cost) / Number(r.campaignBudgetAmount) > 0.95)).toBe(true);
  });
});

describe('the simulated clock', () => {
  it('advances through /_simulator/clock, and a budget raise lifts a capped campaign from the day after it was applied', async () => {
    const { world } = simulator.state;
    const before = (await (await fetch(`${simulator.url}/_simulator/clock`)).json()) as { now: string; offsetMs: number };
    const profileId = Number(headers['amazon-advertising-api-scope']);
    const today = dayOf(new Date(before.now));
    // The capped campaign of this profile that spends the most of its budget.
    const history = await completedRows(requestBody(addDays(today, -7), addDays(today, -1)));
    const utilisation = new Map<string, number>();
    for (const r of history) {
      const id = String(r.campaignId);
      utilisation.set(id, (utilisation.get(id) ?? 0) + Number(r.cost) / Number(r.campaignBudgetAmount) / 7);
    }
    const [cappedId] = [...utilisation].sort((a, b) => b[1] - a[1])[0] ?? [];
    const campaign = world.campaigns.find((c) => c.campaignId === cappedId && c.profileId === profileId);
    if (!campaign) throw new Error('no capped campaign');
    const oldBudget = campaign.dailyBudget;

    const raise = await fetch(`${simulator.url}/na/sp/campaigns`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/vnd.spCampaign.v3+json', accept: 'application/vnd.spCampaign.v3+json' },
      body: JSON.stringify({ campaigns: [{ campaignId: campaign.campaignId, budget: { budget: oldBudget * 2, budgetType: 'DAILY' } }] }),
    });
    expect(raise.status).toBe(207);

    const advanced = await fetch(`${simulator.url}/_simulator/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceDays: 8 }),
    });
    expect(advanced.status).toBe(200);
    const after = (await advanced.json()) as { now: string; offsetMs: number };
    expect(after.offsetMs - before.offsetMs).toBe(8 * 86_400_000);
    expect((await fetch(`${simulator.url}/_simulator/clock`, { method: 'POST', body: '{"advanceDays":-1}' })).status).toBe(400);
    // Eight days on, the access token has expired like a real one.
    await signIn();

    const rows = (await completedRows(requestBody(addDays(today, -7), addDays(today, 7)))).filter(
      (r) => String(r.campaignId) === campaign.campaignId,
    );
    const byDate = new Map(rows.map((r) => [String(r.date), r]));
    // New days exist, the applied day still ran on the old budget, the next days on the new one.
    expect(byDate.get(addDays(today, 7))).toBeDefined();
    expect(byDate.get(today)?.campaignBudgetAmount).toBe(oldBudget);
    expect(byDate.get(addDays(today, 1))?.campaignBudgetAmount).toBe(oldBudget * 2);
    const mean = (days: number[], field: string) =>
      days.reduce((sum, d) => sum + Number(byDate.get(addDays(today, d))?.[field]), 0) / days.length;
    const beforeDays = [-7, -6, -5, -4, -3, -2, -1];
    const afterDays = [1, 2, 3, 4, 5, 6, 7];
    expect(mean(afterDays, 'impressions')).toBeGreaterThan(mean(beforeDays, 'impressions') * 1.15);
    expect(mean(afterDays, 'cost')).toBeGreaterThan(mean(beforeDays, 'cost') * 1.15);
  });
});
