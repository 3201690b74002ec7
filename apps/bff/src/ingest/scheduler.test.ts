import type { SyncSummary } from '@recdesk/shared-types';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError, parseEnv } from '../config/env.ts';
import { embeddedIngestEnabled, IngestScheduler, nextRunAfter, runsBetween, schedulesOf } from './scheduler.ts';

const log = pino({ level: 'silent' });
const summary = (source: string): SyncSummary => ({
  runId: '00000000-0000-4000-8000-000000000000',
  startedAt: '2026-11-23T00:00:00.000Z',
  finishedAt: '2026-11-23T00:00:01.000Z',
  sources: [{ source: source as 'sp-budget', status: 'succeeded', fetched: 0, stored: 0, quarantined: 0, unchanged: 0, errors: [] }],
});

describe('schedules', () => {
  it('gives each registered pulled source its own cadence, and Marketing Stream none (it is pushed)', () => {
    const schedules = schedulesOf(parseEnv({}), ['partner-opportunities', 'sp-budget', 'unified-recommendations']);
    expect(schedules.find((s) => s.source === 'partner-opportunities')).toEqual({
      source: 'partner-opportunities',
      delivery: 'scheduled',
      pattern: '0 5 * * *',
      enabled: true,
    });
    expect(schedules.find((s) => s.source === 'sp-budget')).toMatchObject({ pattern: '5 * * * *', enabled: true });
    expect(schedules.find((s) => s.source === 'brand-metrics')).toMatchObject({ enabled: false, pattern: null });
    // Without STREAM_SHARED_SECRET every delivery is refused: the pushed source is not set up (not stale).
    expect(schedules.find((s) => s.source === 'marketing-stream')).toEqual({
      source: 'marketing-stream',
      delivery: 'push',
      pattern: null,
      enabled: false,
    });
    const withSecret = schedulesOf(parseEnv({ STREAM_SHARED_SECRET: 'a-shared-secret-of-16+' }), []);
    expect(withSecret.find((s) => s.source === 'marketing-stream')).toMatchObject({ delivery: 'push', enabled: true });
  });

  it('runs daily sources once a day and hourly ones every hour (UTC), checked without a clock', () => {
    const from = new Date('2026-11-23T00:00:00Z');
    const to = new Date('2026-11-24T00:00:00Z');
    expect(runsBetween('0 5 * * *', from, to).map((d) => d.toISOString())).toEqual(['2026-11-23T05:00:00.000Z']);
    const hourly = runsBetween('5 * * * *', from, to);
    expect(hourly).toHaveLength(24);
    expect(hourly[0]?.toISOString()).toBe('2026-11-23T00:05:00.000Z');
    // 2026-11-23 is a Monday: after its 07:00 run, the next weekly one is a week later.
    expect(nextRunAfter('0 7 * * 1', new Date('2026-11-23T08:00:00Z'))?.toISOString()).toBe('2026-11-30T07:00:00.000Z');
  });

  it('can switch a source off, and refuses a schedule that is not a cron pattern, naming the variable', () => {
    const schedules = schedulesOf(parseEnv({ INGEST_SCHEDULE_SP_BUDGET: 'off' }), ['sp-budget']);
    expect(schedules.find((s) => s.source === 'sp-budget')).toMatchObject({ enabled: false, pattern: null });
    expect(() => parseEnv({ INGEST_SCHEDULE_BRAND_METRICS: 'every monday' })).toThrow(ConfigError);
    expect(() => parseEnv({ INGEST_SCHEDULE_BRAND_METRICS: 'every monday' })).toThrow(
      /INGEST_SCHEDULE_BRAND_METRICS: must be a cron pattern/,
    );
  });

  it('runs embedded by default in simulated mode only, unless INGEST_EMBEDDED says otherwise', () => {
    expect(embeddedIngestEnabled(parseEnv({}))).toBe(true);
    expect(embeddedIngestEnabled(parseEnv({ INGEST_EMBEDDED: 'false' }))).toBe(false);
  });
});

describe('IngestScheduler', () => {
  it('runs a source through SyncService when its job fires, and knows its next run from the injected clock', async () => {
    const calls: { source?: string; trigger?: string }[] = [];
    const scheduler = new IngestScheduler({
      sync: {
        sync: async (options) => {
          calls.push(options ?? {});
          return summary(options?.source ?? 'sp-budget');
        },
      },
      schedules: schedulesOf(parseEnv({ INGEST_SCHEDULE_SP_BUDGET: '0 0 1 1 *' }), ['sp-budget']),
      log,
      now: () => new Date('2026-11-23T10:30:00Z'),
    });
    scheduler.start();
    try {
      expect(scheduler.nextRun('sp-budget')?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
      expect(scheduler.nextRun('brand-metrics')).toBeNull();
      await scheduler.trigger('sp-budget');
      expect(calls).toEqual([{ source: 'sp-budget', trigger: 'schedule' }]);
      await expect(scheduler.trigger('brand-metrics')).rejects.toThrow(/no running schedule/);
    } finally {
      await scheduler.stop();
    }
  });

  it('stops gracefully: the run under way finishes before stop() resolves', async () => {
    let finish: () => void = () => undefined;
    const events: string[] = [];
    const scheduler = new IngestScheduler({
      sync: {
        sync: () =>
          new Promise<SyncSummary>((resolve) => {
            finish = () => {
              events.push('run finished');
              resolve(summary('sp-budget'));
            };
          }),
      },
      schedules: schedulesOf(parseEnv({}), ['sp-budget']),
      log,
      now: () => new Date('2026-11-23T10:30:00Z'),
    });
    scheduler.start();
    const run = scheduler.run('sp-budget');
    const stopped = scheduler.stop().then(() => events.push('stopped'));
    finish();
    await Promise.all([run, stopped]);
    expect(events).toEqual(['run finished', 'stopped']);
    expect(scheduler.started).toBe(false);
  });

  it('logs a failed run instead of throwing, so one source never stops the schedule', async () => {
    const scheduler = new IngestScheduler({
      sync: { sync: async () => Promise.reject(new Error('upstream down')) },
      schedules: schedulesOf(parseEnv({}), ['sp-budget']),
      log,
      now: () => new Date(),
    });
    await expect(scheduler.run('sp-budget')).resolves.toBeUndefined();
  });

  it('catches up after a failed run: tried again after firstMs, then twice as long, until it succeeds', async () => {
    const calls: { trigger?: string; at: number }[] = [];
    const outcomes = ['failed', 'failed', 'succeeded'] as const;
    const started = Date.now();
    const scheduler = new IngestScheduler({
      sync: {
        sync: async (options) => {
          const status = outcomes[calls.length] ?? 'succeeded';
          calls.push({ trigger: options?.trigger, at: Date.now() - started });
          const result = summary('sp-budget');
          return { ...result, sources: result.sources.map((s) => ({ ...s, status })) };
        },
      },
      schedules: schedulesOf(parseEnv({}), ['sp-budget']),
      log,
      now: () => new Date(),
      retry: { firstMs: 20, maxMs: 1_000 },
    });
    try {
      await scheduler.run('sp-budget');
      await vi.waitFor(() => expect(calls).toHaveLength(3), { timeout: 5_000 });
      expect(calls.map((c) => c.trigger)).toEqual(['schedule', 'retry', 'retry']);
      // The second wait is twice the first.
      expect((calls[2]?.at ?? 0) - (calls[1]?.at ?? 0)).toBeGreaterThanOrEqual(35);
      // Succeeded: no more retries.
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(calls).toHaveLength(3);
    } finally {
      await scheduler.stop();
    }
  });

  it('never retries after stop(), and not at all with firstMs 0', async () => {
    let calls = 0;
    const failing = {
      sync: async () => {
        calls++;
        return Promise.reject(new Error('upstream down'));
      },
    };
    const stopping = new IngestScheduler({ sync: failing, schedules: [], log, now: () => new Date(), retry: { firstMs: 20, maxMs: 100 } });
    await stopping.run('sp-budget');
    await stopping.stop();
    const off = new IngestScheduler({ sync: failing, schedules: [], log, now: () => new Date(), retry: { firstMs: 0, maxMs: 100 } });
    await off.run('sp-budget');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(2);
  });
});
