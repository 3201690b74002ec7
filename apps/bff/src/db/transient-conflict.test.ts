import { describe, expect, it } from 'vitest';
import { isTransientConflict, retryOnTransientConflict } from './transient-conflict.ts';

const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });

describe('running a transaction again after a transient conflict', () => {
  it('runs work the database aborted as a deadlock or serialization failure again, until it succeeds', async () => {
    let calls = 0;
    const result = await retryOnTransientConflict(async () => {
      calls++;
      if (calls === 1) throw deadlock;
      if (calls === 2) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
      return 'done';
    });
    expect({ result, calls }).toEqual({ result: 'done', calls: 3 });
  });

  it('does not run again on any other error, and gives up after the attempts with the last error', async () => {
    let calls = 0;
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    await expect(
      retryOnTransientConflict(async () => {
        calls++;
        throw unique;
      }),
    ).rejects.toBe(unique);
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      retryOnTransientConflict(
        async () => {
          calls++;
          throw deadlock;
        },
        { attempts: 3 },
      ),
    ).rejects.toBe(deadlock);
    expect(calls).toBe(3);
  });

  it('knows the two codes PostgreSQL asks to retry', () => {
    expect([deadlock, { code: '40001' }, { code: '23505' }, new Error('x'), null].map(isTransientConflict)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
