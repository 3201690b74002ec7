/**
 * The audit trail beyond sign-ins: rule creation and changes (mode included, before and after), credentials, and the
 * log's own guarantees: append-only in the database itself, filtered and exported as CSV for admins only.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, TEST_ADMIN, type TestBff } from '../testing/test-runtime.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const VIEWER = { email: 'vik@agency.test', password: 'vik-password-1234' };

describe.each(databaseTargets)('audit trail on $name', ({ create }) => {
  let bff: TestBff;
  beforeAll(async () => {
    bff = await startTestBff(await create());
    await bff.runtime.auth.users.create({ ...VIEWER, role: 'viewer', allAdvertisers: true, advertiserIds: [] });
  });
  afterAll(async () => {
    await bff?.close();
  });

  it('records a rule created, edited and switched on, with its mode before and after', async () => {
    const rule = { name: 'Audit me', expression: 'confidence > 0.9', mode: 'shadow' };
    const created = (await bff.http.post('/api/rules').send(rule).expect(201)).body;
    await bff.http
      .put(`/api/rules/${created.id}`)
      .send({ ...rule, mode: 'on' })
      .expect(200);
    const page = await bff.http.get('/api/audit?action=rule.changed').expect(200);
    const entries = page.body.items.filter((e: { targetId: string }) => e.targetId === created.id);
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({
      actor: TEST_ADMIN.email,
      targetType: 'rule',
      details: { change: 'created', before: null, after: { version: 1, mode: 'shadow', expression: 'confidence > 0.9' } },
    });
    expect(entries[0]).toMatchObject({
      details: { change: 'mode', before: { version: 1, mode: 'shadow' }, after: { version: 2, mode: 'on' } },
    });
    // A refused change leaves no line.
    await bff.http
      .put(`/api/rules/${created.id}`)
      .send({ ...rule, expression: 'confidence >' })
      .expect(400);
    const after = await bff.http.get('/api/audit?action=rule.changed').expect(200);
    expect(after.body.items.filter((e: { targetId: string }) => e.targetId === created.id)).toHaveLength(2);
  });

  it('is append-only in the database itself', async () => {
    const db = bff.runtime.db;
    await expect(sql`update audit_log set actor = 'someone else'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only/);
  });

  it('is read and exported (CSV, filtered) by admins only', async () => {
    const csv = await bff.http.get('/api/audit?format=csv&action=rule.changed').expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,action,targetType,targetId,advertiserId,ip,details');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((line) => line.includes(',rule.changed,'))).toBe(true);
    const viewer = await bff.signIn(VIEWER.email, VIEWER.password);
    await viewer.get('/api/audit').expect(403);
    await viewer.get('/api/audit?format=csv').expect(403);
    await bff.http.get('/api/audit?action=not-an-action').expect(400);
  });
});
