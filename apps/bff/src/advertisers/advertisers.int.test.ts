import { AdvertiserListSchema, RecommendationPageSchema } from '@recdesk/shared-types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

describe.each(databaseTargets)('GET /api/advertisers on $name', ({ create }) => {
  let bff: TestBff;

  beforeAll(async () => {
    bff = await startTestBff(await create());
    await bff.http.post('/api/sync?source=partner-opportunities').expect(200);
  });
  afterAll(async () => {
    await bff?.close();
  });

  it('lists every advertiser of the recommendations with its name and marketplaces, by name', async () => {
    const page = RecommendationPageSchema.parse((await bff.http.get('/api/recommendations?limit=500').expect(200)).body);
    const { items } = AdvertiserListSchema.parse((await bff.http.get('/api/advertisers').expect(200)).body);
    const expected = new Map<string, { name: string | null; marketplaces: Set<string> }>();
    for (const item of page.items) {
      const entry = expected.get(item.advertiserId) ?? { name: item.advertiserName, marketplaces: new Set<string>() };
      if (item.marketplace) entry.marketplaces.add(item.marketplace);
      expected.set(item.advertiserId, entry);
    }
    expect(items.map((a) => a.id).sort()).toEqual([...expected.keys()].sort());
    for (const advertiser of items) {
      const want = expected.get(advertiser.id);
      expect(advertiser.name, advertiser.id).toBe(want?.name);
      expect(advertiser.marketplaces, advertiser.id).toEqual([...(want?.marketplaces ?? [])].sort());
    }
    const names = items.map((a) => a.name ?? '');
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(items.every((a) => a.name)).toBe(true);
  });

  it('shows a person with a limited scope only their advertisers', async () => {
    const { items: all } = AdvertiserListSchema.parse((await bff.http.get('/api/advertisers').expect(200)).body);
    const [first] = all;
    if (!first) throw new Error('no advertisers');
    const person = { email: 'scoped-advertisers@agency.test', password: 'scoped-password-123' };
    await bff.http
      .post('/api/users')
      .send({ ...person, role: 'viewer', advertiserIds: [first.id] })
      .expect(201);
    const agent = await bff.signIn(person.email, person.password);
    const { items } = AdvertiserListSchema.parse((await agent.get('/api/advertisers').expect(200)).body);
    expect(items).toEqual([first]);
  });

  it('the queue search (q) finds an advertiser’s items by its name, in any case', async () => {
    const { items: advertisers } = AdvertiserListSchema.parse((await bff.http.get('/api/advertisers').expect(200)).body);
    const named = advertisers.find((a) => a.name);
    if (!named?.name) throw new Error('no named advertiser');
    const all = RecommendationPageSchema.parse((await bff.http.get('/api/recommendations?limit=500').expect(200)).body);
    const ofIt = all.items.filter((item) => item.advertiserId === named.id).map((item) => item.id);
    const q = encodeURIComponent(named.name.toUpperCase());
    const found = RecommendationPageSchema.parse((await bff.http.get(`/api/recommendations?limit=500&q=${q}`).expect(200)).body);
    expect(ofIt.length).toBeGreaterThan(0);
    expect(found.items.map((item) => item.id).sort()).toEqual(expect.arrayContaining(ofIt.sort()));
    expect(found.items.every((item) => item.advertiserName === named.name)).toBe(true);
  });

  it('refuses a query parameter', async () => {
    await bff.http.get('/api/advertisers?q=x').expect(400);
  });
});
