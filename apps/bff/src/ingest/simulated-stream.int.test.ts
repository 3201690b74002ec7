import type { SourcesResponse } from '@recdesk/shared-types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseRawDelivery } from '../sources/marketing-stream/stream-parse.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';

vi.setConfig({ testTimeout: 120_000 });

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 100));
}

// One database is enough: this is about the embedded default's wiring, the consumer's guarantees are tested elsewhere.
const [pglite] = databaseTargets;

describe('the embedded default reads the simulated Marketing Stream', () => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  });

  it('fills the urgent lane from the simulator queue and shows Marketing Stream fresh with its lag', async () => {
    if (!pglite) throw new Error('no database target');
    bff = await startTestBff(await pglite.create(), { STREAM_SIMULATED: 'true', STREAM_SIMULATED_INTERVAL_MS: '500' });
    const { runtime } = bff;
    const simulator = runtime.simulator;
    if (!simulator || !runtime.streamQueue) throw new Error('the embedded default must have the simulated Stream and its consumer');

    // What the simulator sends is what Amazon would: every message reads as a valid record of a dataset RecDesk knows.
    const sent = [...simulator.streamQueue.peekBodies()];
    expect(sent.length).toBeGreaterThan(0);
    const parsed = sent.map((body, index) => parseRawDelivery(body, index));
    expect(parsed.filter((p) => p.status === 'invalid')).toEqual([]);
    const datasets = new Set(parsed.map((p) => p.datasetId));
    expect(datasets).toContain('sp-budget-recommendations');
    expect(datasets).toContain('sponsored-ads-campaign-diagnostics-recommendations');

    runtime.streamQueue.start();
    await until(async () => {
      const items = await runtime.db.selectFrom('recommendations').select('id').where('source', '=', 'marketing-stream').execute();
      return items.length > 0 && simulator.streamQueue.size === 0;
    });
    const sources: SourcesResponse = (await bff.http.get('/api/sources').expect(200)).body;
    const stream = sources.sources.find((s) => s.source === 'marketing-stream');
    expect(stream).toMatchObject({
      enabled: true,
      freshness: 'fresh',
      queue: { consumers: 1, lagMs: expect.any(Number), perMinute: expect.any(Number) },
    });
    const metrics = (await bff.anonymous.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/recdesk_stream_queue_messages_total\{outcome="accepted"\} [1-9]/);
  });
});
