import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SAME_SIGNAL_WINDOW_MS, shutdownHandler } from './graceful-shutdown.ts';

const log = pino({ level: 'silent' });

describe('graceful shutdown', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('stops the work under way, then exits 0', async () => {
    const exit = vi.fn();
    let finish = () => {};
    const stop = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const onSignal = shutdownHandler({ log, timeoutMs: 1_000, stop, exit });
    onSignal('SIGTERM');
    expect(stop).toHaveBeenCalledWith('SIGTERM');
    await vi.advanceTimersByTimeAsync(500);
    expect(exit).not.toHaveBeenCalled();
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it('exits 1 at once on a second signal, and stops only once', async () => {
    const exit = vi.fn();
    const stop = vi.fn(() => new Promise<void>(() => {}));
    let at = 0;
    const onSignal = shutdownHandler({ log, timeoutMs: 60_000, stop, exit, now: () => at });
    onSignal('SIGTERM');
    at = SAME_SIGNAL_WINDOW_MS + 1;
    onSignal('SIGINT');
    expect(stop).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
  });

  it('takes copies of one Ctrl+C passed on by npm and pnpm for that one press, and exits 0 when done', async () => {
    const exit = vi.fn();
    let finish = () => {};
    const stop = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    let at = 0;
    const onSignal = shutdownHandler({ log, timeoutMs: 60_000, stop, exit, now: () => at });
    onSignal('SIGINT');
    at = 40;
    onSignal('SIGINT');
    at = SAME_SIGNAL_WINDOW_MS - 1;
    onSignal('SIGINT');
    expect(stop).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
  });

  it('exits 1 when stopping outlasts the timeout', async () => {
    const exit = vi.fn();
    const onSignal = shutdownHandler({ log, timeoutMs: 1_000, stop: () => new Promise<void>(() => {}), exit });
    onSignal('SIGTERM');
    await vi.advanceTimersByTimeAsync(999);
    expect(exit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
  });

  it('exits 1 when stopping fails', async () => {
    const exit = vi.fn();
    const onSignal = shutdownHandler({ log, timeoutMs: 1_000, stop: () => Promise.reject(new Error('pool would not close')), exit });
    onSignal('SIGTERM');
    await vi.advanceTimersByTimeAsync(0);
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
  });
});
