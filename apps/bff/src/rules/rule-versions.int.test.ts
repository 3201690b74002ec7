/** The versions of a rule over HTTP, on PGlite and the PostgreSQL server: each edit is a version, all are listed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, TEST_ADMIN, type TestBff } from '../testing/test-runtime.ts';

describe.each(databaseTargets)('rule versions on $name', ({ create }) => {
  let bff: TestBff;
  // Starting a BFF on PGlite takes long on a busy machine.
  beforeAll(async () => {
    bff = await startTestBff(await create());
  }, 120_000);
  afterAll(async () => {
    await bff?.close();
  });

  it('lists every version of a rule, newest first, and answers 404 for an unknown rule', async () => {
    const created = (
      await bff.http.post('/api/rules').send({ name: 'Easy wins', expression: 'confidence > 0.8', mode: 'shadow' }).expect(201)
    ).body;
    await bff.http
      .put(`/api/rules/${created.id}`)
      .send({ name: 'Easy wins', expression: 'confidence > 0.9', mode: 'on', limits: { maxItemsPerRun: 5 } })
      .expect(200);
    const { items } = (await bff.http.get(`/api/rules/${created.id}/versions`).expect(200)).body;
    expect(items.map((r: { version: number; expression: string; mode: string }) => [r.version, r.expression, r.mode])).toEqual([
      [2, 'confidence > 0.9', 'on'],
      [1, 'confidence > 0.8', 'shadow'],
    ]);
    expect(items[0]).toMatchObject({ createdBy: TEST_ADMIN.email, limits: { maxItemsPerRun: 5 } });
    await bff.http.get('/api/rules/00000000-0000-4000-8000-000000000001/versions').expect(404);
    await bff.http.get('/api/rules/not-a-uuid/versions').expect(400);
    const doc = (await bff.http.get('/api/openapi.json').expect(200)).body;
    expect(doc.paths['/api/rules/{id}/versions']).toBeDefined();
  });
});
