import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { settledAsCompleted } from './settled-as-completed.ts';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of iterable) all.push(item);
  return all;
}

describe('settledAsCompleted', () => {
  it('yields every outcome in the order the work finishes, failures included', async () => {
    const outcomes = await collect(
      settledAsCompleted([30, 10, 20, -1], 4, async (ms) => {
        if (ms < 0) throw new Error('no report');
        await sleep(ms);
        return ms;
      }),
    );
    expect(outcomes.map((o) => o.input)).toEqual([-1, 10, 20, 30]);
    expect(outcomes[0]?.result).toMatchObject({ status: 'rejected', reason: new Error('no report') });
    expect(outcomes[1]?.result).toEqual({ status: 'fulfilled', value: 10 });
  });

  it('never has more than the limit in flight, and starts the next as soon as one settles', async () => {
    let inFlight = 0;
    let most = 0;
    const outcomes = await collect(
      settledAsCompleted([5, 5, 5, 5, 5, 5, 5], 3, async (ms) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await sleep(ms);
        inFlight--;
        return ms;
      }),
    );
    expect(outcomes).toHaveLength(7);
    expect(most).toBe(3);
  });

  it('yields nothing for no inputs and refuses a limit below one', async () => {
    expect(await collect(settledAsCompleted([], 2, async () => 1))).toEqual([]);
    await expect(collect(settledAsCompleted([1], 0, async () => 1))).rejects.toThrow(RangeError);
  });
});
