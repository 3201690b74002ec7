/**
 * The console for people (LOG_FORMAT=human, or `auto` on a terminal): pino still writes its JSON lines, and this
 * destination turns them into a short summary a person reads at a glance: where to open RecDesk, how each source's
 * sync went, and warnings and errors in a line each. Request, upstream and every other routine line stays out unless
 * LOG_LEVEL is `debug` or `trace`, when each is printed as one compact line. Off a terminal (or LOG_FORMAT=json) the
 * JSON lines go out unchanged and this module is not used.
 */
import { RECOMMENDATION_SOURCES, type RecommendationSource, SOURCE_LABELS } from '@recdesk/shared-types';
import type { DestinationStream } from 'pino';
import { z } from 'zod';

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Number.POSITIVE_INFINITY } as const;
export type ConsoleLevel = keyof typeof LEVELS;

/** The fields of a log line the summary reads; anything else is passed over. */
const LineSchema = z.looseObject({
  level: z.number(),
  msg: z.string().optional(),
  /** What an alert says, on `alert opened` lines. */
  message: z.string().optional(),
  source: z.string().optional(),
  status: z.string().optional(),
  fetched: z.number().optional(),
  stored: z.number().optional(),
  quarantined: z.number().optional(),
  err: z.looseObject({ message: z.string().optional() }).optional(),
});
type Line = z.infer<typeof LineSchema>;

export interface ConsolePrinterOptions {
  /** Where the summary goes (process.stdout). */
  write: (text: string) => void;
  /** LOG_LEVEL: at `debug` or `trace` every line is printed too, compactly. */
  level: ConsoleLevel;
  /** ANSI colours (a terminal that has them). */
  color: boolean;
}

const sourceLabel = (source: string | undefined) =>
  source && (RECOMMENDATION_SOURCES as readonly string[]).includes(source) ? SOURCE_LABELS[source as RecommendationSource] : (source ?? '');

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** One line of the summary for a log line, or null when the line is not for people. */
export function summaryOf(line: Line): string | null {
  switch (line.msg) {
    case 'source run finished': {
      const counts = `${plural(line.fetched ?? 0, 'item')} fetched, ${(line.stored ?? 0).toLocaleString('en-US')} new or changed${
        line.quarantined ? `, ${plural(line.quarantined, 'row')} quarantined` : ''
      }`;
      if (line.status === 'succeeded') return `  ✓ ${sourceLabel(line.source)}: ${counts}`;
      if (line.status === 'partial') return `  ! ${sourceLabel(line.source)}: partly synced (${counts})`;
      return `  ✗ ${sourceLabel(line.source)}: sync failed${line.err?.message ? `: ${line.err.message}` : ''}`;
    }
    case 'sync started':
      return `Syncing the sources${line.source ? ` (${sourceLabel(line.source)})` : ''}…`;
    case 'shutting down: no new work, waiting for the work under way':
      return 'Stopping: finishing the work under way (Ctrl+C again stops at once)…';
    case 'shut down':
      return 'Stopped.';
    case 'performance sync finished':
      return '  ✓ Performance reports read';
    default:
      return null;
  }
}

export function createConsolePrinter(options: ConsolePrinterOptions): DestinationStream {
  const paint = (code: number, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const verbose = LEVELS[options.level] <= LEVELS.debug;
  return {
    write(chunk: string) {
      for (const text of chunk.split('\n')) {
        if (!text.trim()) continue;
        let parsed: Line;
        try {
          const result = LineSchema.safeParse(JSON.parse(text));
          if (!result.success) continue;
          parsed = result.data;
        } catch {
          options.write(`${text}\n`);
          continue;
        }
        if (parsed.level < LEVELS[options.level] && summaryOf(parsed) === null) continue;
        const summary = summaryOf(parsed);
        if (summary !== null) {
          options.write(`${summary.startsWith('  ✗') ? paint(31, summary) : summary}\n`);
        } else if (parsed.level >= LEVELS.error) {
          options.write(`${paint(31, `error: ${parsed.msg ?? ''}${parsed.err?.message ? `: ${parsed.err.message}` : ''}`)}\n`);
        } else if (parsed.level >= LEVELS.warn) {
          const what = `${parsed.msg ?? ''}${parsed.message ? `: ${parsed.message}` : ''}${parsed.source ? ` (${sourceLabel(parsed.source)})` : ''}`;
          options.write(`${paint(33, `warning: ${what}`)}\n`);
        } else if (verbose) {
          options.write(`${paint(2, `${parsed.level <= LEVELS.debug ? 'debug' : 'info '} ${parsed.msg ?? ''}`)}\n`);
        }
      }
    },
  };
}

/** Whether the console is for people: LOG_FORMAT=human, or `auto` when stdout is a terminal. */
export function isHumanConsole(format: 'auto' | 'json' | 'human', stdoutIsTty: boolean): boolean {
  return format === 'human' || (format === 'auto' && stdoutIsTty);
}

/** The first lines a person sees: where to open RecDesk, how to sign in, how to stop it. */
export function startupSummary(options: {
  url: string;
  adsApiMode: 'simulated' | 'live';
  /** Demo users created just now (with their passwords), or the demo emails that exist from an earlier run. */
  demoUsers: ReadonlyArray<{ email: string; password: string; role: string }>;
  demoUsersCreatedNow: boolean;
  streamConfigured: boolean;
  color: boolean;
}): string {
  const bold = (text: string) => (options.color ? `\u001b[1m${text}\u001b[0m` : text);
  const lines = [
    '',
    `${bold('RecDesk')} is running at ${bold(options.url)} (${options.adsApiMode === 'simulated' ? 'simulated Ads API' : 'live Ads API'})`,
  ];
  if (options.adsApiMode === 'simulated') {
    lines.push(
      options.demoUsersCreatedNow ? 'Sign in with a demo user (created just now):' : 'Sign in with a demo user (README "Signing in"):',
      ...options.demoUsers.map((u) => `  ${u.role.padEnd(9)} ${u.email.padEnd(24)} ${u.password}`),
    );
  }
  if (!options.streamConfigured) lines.push('Marketing Stream is not configured (STREAM_SHARED_SECRET unset): its deliveries are refused.');
  lines.push('Press Ctrl+C to stop. LOG_LEVEL=debug shows every request; LOG_FORMAT=json prints JSON lines.', '');
  return lines.join('\n');
}
