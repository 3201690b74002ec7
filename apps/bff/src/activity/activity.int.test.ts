/**
 * The activity log against the real apply pipeline and simulator, on PGlite and the PostgreSQL server: what a person
 * and a rule applied, what failed and what was undone, with who, when and the values before and after; its filters,
 * paging, CSV export (header, escaping, formula-safe cells) and the advertiser scope.
 */
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import { ACTIVITY_CSV_COLUMNS, type ActivityEntry } from '@recdesk/shared-types';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySeeded, seedKeywordBids } from '../apply/apply-test-helpers.ts';
import { FAST_CLIENT } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, TEST_ADMIN, type TestBff } from '../testing/test-runtime.ts';

/** Splits RFC 4180 text into rows of cells (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe.each(databaseTargets)('activity log on $name', ({ create }) => {
  let bff: TestBff;
  let advertiserId: string;
  let otherAdvertiserId: string;
  let personApplied: string[];
  let failedId: string;
  let undoneId: string;
  let ruleApplied: string[];

  const list = async (query: string): Promise<ActivityEntry[]> => (await bff.http.get(`/api/activity?${query}`).expect(200)).body.items;

  beforeAll(async () => {
    bff = await startTestBff(await create(), FAST_CLIENT);
    const { runtime } = bff;
    const state = runtime.simulator?.state as SimulatorState;
    const worker = runtime.apply.createWorker();

    // A person applies three bid changes, one of them on a keyword archived meanwhile (upstream refuses it).
    const seeded = await seedKeywordBids(runtime, 3);
    const archived = seeded[2];
    const keyword = state.world.keywords.find((k) => k.keywordId === archived?.keywordId);
    if (!keyword || !archived) throw new Error('seeded keyword missing');
    keyword.state = 'ARCHIVED';
    const title = '=HYPERLINK("http://evil.example","click"), then a comma';
    await sql`UPDATE recommendations SET title = ${title} WHERE id = ${seeded[0]?.recommendationId}`.execute(runtime.db);
    const batchId = await applySeeded(bff.http, seeded);
    await worker.sweep();
    expect((await bff.http.get(`/api/apply/${batchId}`).expect(200)).body.counts).toMatchObject({ applied: 2, failed: 1 });
    personApplied = seeded.slice(0, 2).map((s) => s.recommendationId);
    failedId = archived.recommendationId;
    advertiserId = (await bff.http.get(`/api/recommendations/${failedId}`).expect(200)).body.advertiserId;
    otherAdvertiserId = state.world.profiles.map((p) => p.advertiser.entityId).find((id) => id !== advertiserId) as string;
    expect(otherAdvertiserId).toBeDefined();

    // The person undoes one of them.
    undoneId = personApplied[1] as string;
    const undo = (
      await bff.http
        .post('/api/undo')
        .send({ ids: [undoneId] })
        .expect(202)
    ).body;
    expect(undo.queued).toBe(1);
    await worker.sweep();

    // A rule in mode `on` applies two more.
    const rule = (
      await bff.http
        .post('/api/rules')
        .send({ name: 'Easy wins', expression: 'confidence > 0.8 AND impactScore > 7', mode: 'on' })
        .expect(201)
    ).body;
    const forRule = await seedKeywordBids(runtime, 2, { validated: true, confidence: 0.9, impactScore: 8 });
    await runtime.rules.runAll('test');
    await worker.sweep();
    ruleApplied = forRule.map((s) => s.recommendationId);
    const decisions = (await bff.http.get(`/api/rules/${rule.id}/decisions`).expect(200)).body.items;
    expect(decisions.filter((d: { applied: boolean }) => d.applied)).toHaveLength(2);
  }, 120_000);

  afterAll(async () => {
    await bff?.close();
  });

  it('lists what was applied, failed and undone, by whom, with the values before and after, newest first', async () => {
    const items = await list('');
    expect(items).toHaveLength(6);
    const at = items.map((i) => i.at);
    expect([...at].sort().reverse()).toEqual(at);

    const byOutcome = (outcome: string) => items.filter((i) => i.outcome === outcome);
    expect(
      byOutcome('applied')
        .map((i) => i.recommendationId)
        .sort(),
    ).toEqual([...personApplied, ...ruleApplied].sort());
    expect(byOutcome('failed')).toEqual([
      expect.objectContaining({
        recommendationId: failedId,
        reasonCode: 'ARCHIVED_ENTITY_CANNOT_BE_MODIFIED',
        actor: expect.objectContaining({ type: 'user', label: TEST_ADMIN.email }),
      }),
    ]);
    expect(byOutcome('undone')).toEqual([
      expect.objectContaining({ recommendationId: undoneId, valueBefore: 1.25, valueAfter: 1, targetValue: 1 }),
    ]);

    const personEntry = items.find((i) => i.recommendationId === personApplied[0]);
    expect(personEntry).toMatchObject({
      outcome: 'applied',
      actor: { type: 'user', id: TEST_ADMIN.email, label: TEST_ADMIN.email },
      advertiserId,
      source: 'sp-consolidated',
      kind: 'bid',
      call: expect.stringMatching(/keywords/),
      valueBefore: 1,
      valueAfter: 1.25,
      targetValue: 1.25,
    });
    for (const id of ruleApplied) {
      expect(items.find((i) => i.recommendationId === id)?.actor).toMatchObject({
        type: 'rule',
        name: 'Easy wins',
        version: 1,
        label: 'rule:Easy wins v1',
      });
    }
  });

  it('filters by actor (person, any rule, a rule by name and version), outcome, kind, source, advertiser and date', async () => {
    expect(await list(`actor=${encodeURIComponent(TEST_ADMIN.email.toUpperCase())}`)).toHaveLength(4);
    expect(await list('actor=rule')).toHaveLength(2);
    expect(await list(`actor=${encodeURIComponent('rule:Easy wins v1')}`)).toHaveLength(2);
    expect(await list(`actor=${encodeURIComponent('rule:easy wins')}`)).toHaveLength(2);
    expect(await list(`actor=${encodeURIComponent('rule:Easy wins v2')}`)).toHaveLength(0);
    expect(await list(`actor=${encodeURIComponent('rule:Nobody')}`)).toHaveLength(0);
    expect((await list('outcome=failed')).map((i) => i.recommendationId)).toEqual([failedId]);
    expect((await list('outcome=undone')).map((i) => i.recommendationId)).toEqual([undoneId]);
    expect(await list('kind=bid')).toHaveLength(6);
    expect(await list('kind=budget')).toHaveLength(0);
    expect(await list('source=sp-consolidated')).toHaveLength(6);
    expect(await list('source=partner-opportunities')).toHaveLength(0);
    expect(await list(`advertiserId=${advertiserId}`)).toHaveLength(6);
    expect(await list(`advertiserId=${otherAdvertiserId}`)).toHaveLength(0);

    const today = bff.runtime.now().toISOString().slice(0, 10);
    expect(await list(`from=${today}&to=${today}`)).toHaveLength(6);
    expect(await list('to=2000-01-01')).toHaveLength(0);
    expect(await list('from=2999-01-01T00:00:00Z')).toHaveLength(0);
  });

  it('pages by cursor without repeating or losing an entry', async () => {
    const all = (await list('')).map((i) => i.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: { items: ActivityEntry[]; nextCursor: string | null } = (await bff.http.get(`/api/activity?${query}`).expect(200)).body;
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it('refuses unknown query fields, bad values and foreign cursors with 400, and answers 401 without a session', async () => {
    expect((await bff.http.get('/api/activity?advertiser=x').expect(400)).body.type).toMatch(/invalid-request$/);
    await bff.http.get('/api/activity?outcome=exploded').expect(400);
    await bff.http.get('/api/activity?from=yesterday').expect(400);
    await bff.http.get('/api/activity?limit=0').expect(400);
    await bff.http.get('/api/activity?cursor=bm90LWEtY3Vyc29y').expect(400);
    await bff.http.get('/api/activity.csv?cursor=x').expect(400);
    await bff.http.get('/api/activity.csv?nope=1').expect(400);
    await bff.anonymous.get('/api/activity').expect(401);
    await bff.anonymous.get('/api/activity.csv').expect(401);
    const doc = (await bff.http.get('/api/openapi.json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/activity', '/api/activity.csv']));
  });

  it('exports the same rows as CSV with a header row, quoting and formula-safe cells', async () => {
    const response = await bff.http.get('/api/activity.csv?outcome=applied').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toMatch(/attachment; filename="?recdesk-activity-\d{4}-\d{2}-\d{2}\.csv"?/);
    const rows = parseCsv(response.text);
    expect(rows[0]).toEqual([...ACTIVITY_CSV_COLUMNS]);
    expect(rows).toHaveLength(1 + 4);
    const column = (name: (typeof ACTIVITY_CSV_COLUMNS)[number]) => ACTIVITY_CSV_COLUMNS.indexOf(name);
    const injected = rows.find((row) => row[column('recommendationId')] === personApplied[0]);
    expect(injected?.[column('title')]).toBe(`'=HYPERLINK("http://evil.example","click"), then a comma`);
    expect(injected?.[column('valueBefore')]).toBe('1');
    expect(injected?.[column('valueAfter')]).toBe('1.25');
    expect(injected?.[column('actor')]).toBe(TEST_ADMIN.email);
    expect(rows.filter((row) => row[column('actor')] === 'rule:Easy wins v1')).toHaveLength(2);
    // Raw text: the quote inside the title is doubled inside a quoted cell.
    expect(response.text).toContain(`"'=HYPERLINK(""http://evil.example"",""click""), then a comma"`);
  });

  it('a user scoped to one advertiser sees nothing of another, in the list and in the export', async () => {
    const { users } = bff.runtime.auth;
    await users.create({
      email: 'other-advertiser@recdesk.test',
      password: 'other-advertiser-password',
      role: 'approver',
      allAdvertisers: false,
      advertiserIds: [otherAdvertiserId],
    });
    await users.create({
      email: 'this-advertiser@recdesk.test',
      password: 'this-advertiser-password',
      role: 'viewer',
      allAdvertisers: false,
      advertiserIds: [advertiserId],
    });
    const other = await bff.signIn('other-advertiser@recdesk.test', 'other-advertiser-password');
    expect((await other.get('/api/activity').expect(200)).body.items).toEqual([]);
    expect((await other.get(`/api/activity?advertiserId=${advertiserId}`).expect(200)).body.items).toEqual([]);
    const csv = parseCsv((await other.get('/api/activity.csv').expect(200)).text);
    expect(csv).toEqual([[...ACTIVITY_CSV_COLUMNS]]);

    const granted = await bff.signIn('this-advertiser@recdesk.test', 'this-advertiser-password');
    expect((await granted.get('/api/activity').expect(200)).body.items).toHaveLength(6);
  });
});
