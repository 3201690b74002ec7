/**
 * The strategic-planning services of the simulator checked against what Amazon publishes: Persona Builder's
 * demographics, top overlapping audiences and banded size, and the audiences taxonomy, against the OpenAPI documents
 * (persona-builder.json, audiences-discovery.json) with ajv; Brand Benchmarks (Brand View Pro) and Historic Reach,
 * which have no published spec here, against the shapes of the docs' samples. And the world's coherence: a brand's
 * Brand Metrics category median is the p50 of the brands its Brand Report lists; reach grows with the weeks, each week
 * adding fewer households than the one before; top overlapping audiences are Audience Insights' overlaps.
 */
import { inflateRawSync } from 'node:zlib';
import { Ajv, type AnySchema } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { overlapsOf } from './data/audience-insights.ts';
import { quantile } from './data/brand-benchmarks.ts';
import {
  BANDED_SIZE_INPUT,
  BANDED_SIZE_OUTPUT,
  DEMOGRAPHICS_INPUT,
  DEMOGRAPHICS_OUTPUT,
  TOP_OVERLAPPING_INPUT,
  TOP_OVERLAPPING_OUTPUT,
} from './handlers/persona-builder.ts';
import { type RunningSimulator, startSimulator } from './server.ts';
import { DEFAULT_CREDENTIALS } from './state.ts';
import { accessTokenOf } from './testing/access-token.ts';
import { loadPublishedSpec } from './testing/published-specs.ts';
import { planningRequestProblems } from './testing/sbsd-spec-check.ts';

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(loadPublishedSpec('persona-builder.json') as AnySchema, 'pb');
ajv.addSchema(loadPublishedSpec('audiences-discovery.json') as AnySchema, 'disc');

function expectValid(ref: string, body: unknown): void {
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`no schema ${ref}`);
  const valid = validate(body);
  expect(valid ? [] : ajv.errorsText(validate.errors, { separator: '\n' }).split('\n')).toEqual([]);
}

let simulator: RunningSimulator;
let auth: Record<string, string>;

beforeAll(async () => {
  simulator = await startSimulator();
  auth = { authorization: `Bearer ${await accessTokenOf(simulator.url)}`, 'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId };
});
afterAll(async () => {
  await simulator.close();
});

function firstProfile() {
  const profile = simulator.state.world.profiles[0];
  if (!profile) throw new Error('no profile');
  const own = simulator.state.audiences.find((a) => a.profileId === profile.profileId);
  if (!own) throw new Error('no own audience');
  return { profile, own };
}

async function persona(path: string, input: string, output: string, query = '') {
  const { profile, own } = firstProfile();
  const body = { audienceTargetingExpression: { audiences: [{ audienceId: own.audienceId, groupId: 'g1', negative: false }] } };
  const answer = await fetch(`${simulator.url}/na${path}?advertiserId=${profile.advertiser.entityId}${query}`, {
    method: 'POST',
    headers: { ...auth, 'amazon-advertising-api-scope': String(profile.profileId), 'content-type': input, accept: output },
    body: JSON.stringify(body),
  });
  return { status: answer.status, type: answer.headers.get('content-type'), body: (await answer.json()) as Record<string, unknown> };
}

describe('Persona Builder', () => {
  it('answers demographics as DemographicsResponseContent', async () => {
    const answer = await persona('/insights/demographics', DEMOGRAPHICS_INPUT, DEMOGRAPHICS_OUTPUT);
    expect(answer).toMatchObject({ status: 200, type: DEMOGRAPHICS_OUTPUT });
    expectValid('pb#/components/schemas/DemographicsResponseContent', answer.body);
  });

  it('answers top overlapping audiences as TopOverlappingAudiencesResponseContent, paged, the overlaps of Audience Insights', async () => {
    const first = await persona('/insights/topOverlappingAudiences', TOP_OVERLAPPING_INPUT, TOP_OVERLAPPING_OUTPUT, '&maxResults=5');
    expect(first).toMatchObject({ status: 200, type: TOP_OVERLAPPING_OUTPUT });
    expectValid('pb#/components/schemas/TopOverlappingAudiencesResponseContent', first.body);
    expect(first.body.nextToken).toEqual(expect.any(String));
    const { own } = firstProfile();
    const expected = overlapsOf(own, simulator.state.audiences, simulator.state.brandMetrics).slice(0, 5);
    expect(
      (first.body.audiences as { id: string; insightMetrics: { affinity: number } }[]).map((a) => [a.id, a.insightMetrics.affinity]),
    ).toEqual(expected.map((o) => [o.audience.audienceId, o.affinity]));
  });

  it('checks requests against the published spec: a body without the audience expression is named', () => {
    const entry = (body: unknown) => ({
      method: 'POST',
      path: '/na/insights/demographics',
      search: '',
      at: 0,
      headers: { accept: DEMOGRAPHICS_OUTPUT, 'content-type': DEMOGRAPHICS_INPUT },
      body,
    });
    const { own } = firstProfile();
    expect(
      planningRequestProblems([
        entry({ audienceTargetingExpression: { audiences: [{ audienceId: own.audienceId, groupId: 'g', negative: false }] } }),
      ]),
    ).toEqual([]);
    expect(planningRequestProblems([entry({})]).join('\n')).toMatch(/audienceTargetingExpression/);
  });

  it('answers the banded size as BandedSizeResponseContent, and refuses another resource’s media type', async () => {
    const answer = await persona('/insights/bandedSize', BANDED_SIZE_INPUT, BANDED_SIZE_OUTPUT);
    expect(answer.status).toBe(200);
    expectValid('pb#/components/schemas/BandedSizeResponseContent', answer.body);
    expect((await persona('/insights/bandedSize', DEMOGRAPHICS_INPUT, BANDED_SIZE_OUTPUT)).status).toBe(415);
  });
});

describe('audiences taxonomy', () => {
  it('answers FetchTaxonomyResponseV1: main categories, then the categories under a path', async () => {
    const { profile } = firstProfile();
    const list = async (body: unknown) => {
      const answer = await fetch(`${simulator.url}/na/audiences/taxonomy/list?maxResults=50`, {
        method: 'POST',
        headers: {
          ...auth,
          'amazon-advertising-api-scope': String(profile.profileId),
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(body),
      });
      expect(answer.status).toBe(200);
      return (await answer.json()) as { categories: { category: string; audienceCount: number }[] };
    };
    const top = await list({ adType: 'SD' });
    expectValid('disc#/components/schemas/FetchTaxonomyResponseV1', top);
    expect(top.categories.map((c) => c.category)).toEqual(expect.arrayContaining(['In-market', 'Lifestyle']));
    const inMarket = await list({ adType: 'SD', categoryPath: ['In-market'] });
    expectValid('disc#/components/schemas/FetchTaxonomyResponseV1', inMarket);
    expect(inMarket.categories.reduce((sum, c) => sum + c.audienceCount, 0)).toBe(
      top.categories.find((c) => c.category === 'In-market')?.audienceCount,
    );
  });
});

/** RFC 4180 rows (quoted fields, doubled quotes) keyed by the header: the simulator has no CSV parser of its own. */
function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n') {
      records.push([...record, field]);
      record = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field || record.length) records.push([...record, field]);
  const [header = [], ...rows] = records;
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ''])));
}

/** The only entry of a ZIP file (local header, then the deflated data). */
function unzipOnly(buffer: Buffer): string {
  expect(buffer.readUInt32LE(0)).toBe(0x04034b50);
  const size = buffer.readUInt32LE(18);
  const start = 30 + buffer.readUInt16LE(26) + buffer.readUInt16LE(28);
  return inflateRawSync(buffer.subarray(start, start + size)).toString('utf8');
}

const MetadataPage = z.strictObject({
  nextToken: z.string().nullable(),
  reportsMetadata: z.array(
    z.strictObject({
      advertiserId: z.string(),
      indexDate: z.iso.date(),
      obfuscatedMarketplaceId: z.string(),
      reportType: z.enum(['ZIP_ASIN', 'EXCEL', 'ZIP_BRAND']),
    }),
  ),
});

describe('Brand Benchmarks (Brand View Pro)', () => {
  it('lists report metadata page by page, links a ZIP_BRAND report, and its brands place the advertiser where Brand Metrics says', async () => {
    const { profile } = firstProfile();
    const code = profile.advertiser.entityId;
    const headers = { ...auth, 'amazon-advertising-api-manager-account': DEFAULT_CREDENTIALS.partnerAccountId, accept: 'application/json' };
    const metadata: z.infer<typeof MetadataPage>['reportsMetadata'] = [];
    let token: string | null = null;
    do {
      const answer = await fetch(
        `${simulator.url}/na/insights/brandBenchmarks/advertisers/${code}/allReportMetadata${token ? `?nextToken=${token}` : ''}`,
        { headers },
      );
      expect(answer.status).toBe(200);
      const page = MetadataPage.parse(await answer.json());
      metadata.push(...page.reportsMetadata);
      token = page.nextToken;
    } while (token);
    const latest = metadata.filter((m) => m.reportType === 'ZIP_BRAND').sort((a, b) => b.indexDate.localeCompare(a.indexDate))[0];
    expect(latest?.obfuscatedMarketplaceId).toBe(profile.marketplace.marketplaceStringId);
    // Without the manager account: refused.
    const { 'amazon-advertising-api-manager-account': _, ...noManager } = headers;
    expect(
      (await fetch(`${simulator.url}/na/insights/brandBenchmarks/advertisers/${code}/allReportMetadata`, { headers: noManager })).status,
    ).toBe(401);
    const link = await fetch(
      `${simulator.url}/na/insights/brandBenchmarks/advertisers/${code}/reports/ZIP_BRAND/indexDates/${latest?.indexDate}`,
      {
        headers,
      },
    );
    const { downloadLink } = z.strictObject({ downloadLink: z.url() }).parse(await link.json());
    const file = await fetch(downloadLink);
    expect(file.headers.get('content-type')).toBe('application/zip');
    const rows = parseCsv(unzipOnly(Buffer.from(await file.arrayBuffer())));
    const weekColumns = Object.keys(rows[0] ?? {}).filter((c) => c.startsWith('WE: '));
    expect(Object.keys(rows[0] ?? {}).slice(0, 11)).toEqual([
      'Root Browse Node',
      'Level 2 Browse Node',
      'Level 3 Browse Node',
      'Level 4 Browse Node',
      'Level 5 Browse Node',
      'Brand Name',
      'Brand Owner',
      'Metric Name',
      'Metric Type',
      'YTD',
      'TTM',
    ]);
    const lastWeek = weekColumns.at(-1) as string;
    for (const record of simulator.state.brandMetrics.filter((r) => r.profileId === profile.profileId)) {
      const ntb = rows.filter(
        (r) =>
          r['Root Browse Node'] === record.metadata.categoryNodeName &&
          r['Metric Name'] === 'New-to-Brand Customer Rate' &&
          r['Metric Type'] === 'Absolute',
      );
      const own = ntb.find((r) => r['Brand Owner'] === 'Own Brand');
      expect(own?.['Brand Name']).toBe(profile.advertiser.brand);
      expect(Number(own?.[lastWeek])).toBeCloseTo(Number(record.metrics.newToBrandCustomerRate), 4);
      const p50 = quantile(
        ntb.map((r) => Number(r[lastWeek])).sort((a, b) => a - b),
        0.5,
      );
      expect(Number(record.metrics.newToBrandCustomerRateCategoryMedian)).toBeCloseTo(p50, 4);
    }
  });
});

const CurvePage = z.strictObject({
  totalResults: z.number(),
  nextToken: z.string().optional(),
  dataPoints: z.array(
    z.strictObject({
      supplyPackage: z.string(),
      demographic: z.string(),
      startDate: z.iso.date(),
      endDate: z.iso.date(),
      impressions: z.number(),
      totalReach: z.number(),
      frequencyThresholdReach: z.array(z.strictObject({ frequencyThreshold: z.number(), reach: z.number() })),
      geography: z.string(),
      reachType: z.enum(['INDIVIDUALS', 'HOUSEHOLDS']),
    }),
  ),
});

describe('Historic Reach', () => {
  it('creates a curve, reports PENDING, PROCESSING then COMPLETED, and pages weekly points with diminishing returns', async () => {
    const { profile, own } = firstProfile();
    const headers = {
      ...auth,
      'amazon-advertising-api-scope': String(profile.profileId),
      'amazon-ads-accountid': profile.advertiser.entityId,
      'content-type': 'application/json',
      accept: 'application/json',
    };
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const end = simulator.state.clock.now().getTime() - 8 * 86_400_000;
    const body = {
      startDate: day(end - 83 * 86_400_000),
      endDate: day(end),
      targeting: [
        { dimensionName: 'geography', dimensionType: 'SINGLE', dimensionValue: 'US' },
        { dimensionName: 'supplyPackage', dimensionType: 'SINGLE', dimensionValue: 'STV' },
        { dimensionName: 'reachType', dimensionType: 'SINGLE', dimensionValue: 'HOUSEHOLDS' },
        { dimensionName: 'frequencyThreshold', dimensionType: 'MULTIPLE', dimensionValues: ['1', '2', '3'] },
        { dimensionName: 'audienceId', dimensionType: 'MULTIPLE', interOperator: 'OR', dimensionValues: [own.audienceId] },
      ],
    };
    const base = `${simulator.url}/na/mediaPlan/v2/historicalReachCurves`;
    const created = await fetch(base, { method: 'POST', headers, body: JSON.stringify(body) });
    const { reportId, status } = z
      .strictObject({ status: z.string(), reportId: z.string(), message: z.string() })
      .parse(await created.json());
    expect(status).toBe('PROCESSING');
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push(((await (await fetch(`${base}/${reportId}/status`, { headers })).json()) as { status: string }).status);
    expect(statuses).toEqual(['PENDING', 'PROCESSING', 'COMPLETED']);
    const points: z.infer<typeof CurvePage>['dataPoints'] = [];
    let token: string | undefined;
    do {
      const page = CurvePage.parse(await (await fetch(`${base}/${reportId}${token ? `?nextToken=${token}` : ''}`, { headers })).json());
      points.push(...page.dataPoints);
      token = page.nextToken;
    } while (token);
    expect(points).toHaveLength(12);
    const gains = points.map((p, i) => p.totalReach - (points[i - 1]?.totalReach ?? 0));
    for (let i = 1; i < gains.length; i++) expect(gains[i]).toBeLessThan(gains[i - 1] as number);
    for (const point of points) {
      const reach = point.frequencyThresholdReach.map((f) => f.reach);
      expect(reach).toEqual([...reach].sort((a, b) => b - a));
      expect(reach[0]).toBe(point.totalReach);
    }
    // Documented limits: an end date within the last 7 days, or no Amazon-Ads-AccountId, is refused.
    expect((await fetch(base, { method: 'POST', headers, body: JSON.stringify({ ...body, endDate: day(Date.now()) }) })).status).toBe(400);
    const { 'amazon-ads-accountid': _, ...noAccount } = headers;
    expect((await fetch(base, { method: 'POST', headers: noAccount, body: JSON.stringify(body) })).status).toBe(403);
  });
});
