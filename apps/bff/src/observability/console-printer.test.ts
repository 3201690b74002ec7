import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createConsolePrinter, isHumanConsole, startupSummary } from './console-printer.ts';

/** A logger at debug writing through the printer, and what the printer printed. */
function printed(level: 'info' | 'debug') {
  const out: string[] = [];
  const log = pino({ level: 'debug' }, createConsolePrinter({ write: (text) => out.push(text), level, color: false }));
  return { log, out };
}

describe('the console for people', () => {
  it('prints each source’s sync and the warnings, and leaves routine lines (requests, upstream) out at info', () => {
    const { log, out } = printed('info');
    log.info({ req: { method: 'GET', url: '/api/recommendations' }, res: { statusCode: 200 } }, 'request completed');
    log.debug({ endpoint: 'sp.keywords.list' }, 'upstream call');
    log.debug({ source: 'partner-opportunities', status: 'succeeded', fetched: 48, stored: 47, quarantined: 1 }, 'source run finished');
    log.debug({ source: 'brand-metrics', status: 'failed', err: { message: 'report timed out' } }, 'source run finished');
    log.warn({ source: 'sp-budget' }, 'ingestion failed; it is tried again');
    log.warn({ message: 'SP budget has not synced for 3 h' }, 'alert opened');
    log.error({ err: new Error('connection refused') }, 'initial sync failed');
    expect(out.join('')).toBe(
      [
        '  ✓ Partner Opportunities: 48 items fetched, 47 new or changed, 1 row quarantined',
        '  ✗ Brand Metrics: sync failed: report timed out',
        'warning: ingestion failed; it is tried again (SP budget)',
        'warning: alert opened: SP budget has not synced for 3 h',
        'error: initial sync failed: connection refused',
        '',
      ].join('\n'),
    );
  });

  it('prints every line, compactly, at LOG_LEVEL=debug', () => {
    const { log, out } = printed('debug');
    log.info({ req: { method: 'GET' } }, 'request completed');
    log.debug('upstream call');
    expect(out).toEqual(['info  request completed\n', 'debug upstream call\n']);
  });

  it('is used on a terminal or when asked, JSON otherwise', () => {
    expect(isHumanConsole('auto', true)).toBe(true);
    expect(isHumanConsole('auto', false)).toBe(false);
    expect(isHumanConsole('json', true)).toBe(false);
    expect(isHumanConsole('human', false)).toBe(true);
  });

  it('opens with the address, the demo sign-ins and how to stop', () => {
    const text = startupSummary({
      url: 'http://localhost:3000',
      adsApiMode: 'simulated',
      demoUsers: [{ role: 'approver', email: 'approver@recdesk.local', password: 'demo-approver-password' }],
      demoUsersCreatedNow: true,
      streamConfigured: false,
      color: false,
    });
    expect(text).toContain('RecDesk is running at http://localhost:3000 (simulated Ads API)');
    expect(text).toContain('approver  approver@recdesk.local   demo-approver-password');
    expect(text).toContain('Marketing Stream is not configured');
    expect(text).toContain('Ctrl+C');
  });
});
