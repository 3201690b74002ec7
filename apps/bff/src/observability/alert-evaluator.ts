/**
 * Evaluates every enabled alert condition and brings the alerts in line: an alert opens when its condition holds,
 * its `lastSeenAt` (and message) move on while it keeps holding, and it is resolved once it no longer holds (or its
 * condition was disabled). Idempotent, and safe with several processes: each evaluation runs in one transaction under
 * an advisory lock, and a partial unique index keeps one open alert per condition and subject.
 *
 * It runs on a schedule (ALERTS_EVALUATE_SCHEDULE, in the server and the ingest worker), after every ingestion, after
 * a condition changes, and before `GET /api/alerts` answers when the last evaluation is more than a moment old.
 */
import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { asSystem } from '../auth/scope.ts';
import type { Db } from '../db/database.ts';
import { check, type Holding } from './alert-checks.ts';
import { toCondition } from './alert-store.ts';
import { inJob } from './correlation.ts';
import type { SourceFreshness } from './source-freshness.ts';

/** pg_advisory_xact_lock key of the evaluation ("RDALRT" in ASCII, as a number). */
const LOCK_KEY = 0x5244414c5254;

export interface EvaluationResult {
  at: string;
  opened: number;
  resolved: number;
  open: number;
}

export interface AlertEvaluatorDeps {
  db: Db;
  now: () => Date;
  log: Logger;
  freshness: (db: Db) => Promise<SourceFreshness[]>;
}

const keyOf = (conditionId: string, subject: string) => `${conditionId}\u0000${subject}`;

export class AlertEvaluator {
  private chain: Promise<unknown> = Promise.resolve();
  private last: { wallMs: number; nowMs: number; result: EvaluationResult } | null = null;
  private job: Cron | null = null;
  private inFlight: Promise<EvaluationResult> | null = null;

  constructor(private readonly deps: AlertEvaluatorDeps) {}

  /** Evaluates now (after an evaluation already under way in this process). */
  evaluate(): Promise<EvaluationResult> {
    const run = this.chain.then(() => asSystem(() => this.run()));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Evaluates unless this process did within the last 2 s (of both the wall clock and the injected one). */
  refresh(): Promise<EvaluationResult> {
    const last = this.last;
    if (last && Date.now() - last.wallMs < 2_000 && Math.abs(this.deps.now().getTime() - last.nowMs) < 2_000) {
      return Promise.resolve(last.result);
    }
    this.inFlight ??= this.evaluate().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Evaluates on a cron pattern (UTC), each tick a job of its own; a tick still running skips the next. */
  start(pattern: string): void {
    if (this.job || pattern === 'off') return;
    this.job = new Cron(pattern, { name: 'alerts:evaluate', timezone: 'UTC', protect: true, unref: true }, async () => {
      await inJob('alert-evaluation', () => this.evaluate()).catch((error: unknown) =>
        this.deps.log.error({ err: error }, 'alert evaluation failed'),
      );
    });
  }

  async stop(): Promise<void> {
    this.job?.stop();
    this.job = null;
    await this.chain;
  }

  private async run(): Promise<EvaluationResult> {
    const { db, log } = this.deps;
    const at = this.deps.now();
    const result = await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx);
      const conditions = (await trx.selectFrom('alert_conditions').selectAll().where('enabled', '=', true).execute()).map(toCondition);
      let freshness: Promise<SourceFreshness[]> | null = null;
      const ctx = { db: trx, at, freshness: () => (freshness ??= this.deps.freshness(trx)) };
      const holdings: Holding[] = [];
      for (const condition of conditions) holdings.push(...(await check(condition, ctx)));

      const open = await trx.selectFrom('alerts').select(['id', 'condition_id', 'subject']).where('resolved_at', 'is', null).execute();
      const openKeys = new Set(open.map((a) => keyOf(a.condition_id, a.subject)));
      const holdingKeys = new Set(holdings.map((h) => keyOf(h.conditionId, h.source ?? '')));
      let opened = 0;
      for (const h of holdings) {
        const subject = h.source ?? '';
        await trx
          .insertInto('alerts')
          .values({
            id: randomUUID(),
            condition_id: h.conditionId,
            kind: h.kind,
            severity: h.severity,
            source: h.source,
            subject,
            message: h.message,
            opened_at: at,
            last_seen_at: at,
            resolved_at: null,
          })
          .onConflict((oc) =>
            oc
              .columns(['condition_id', 'subject'])
              .where('resolved_at', 'is', null)
              .doUpdateSet({ last_seen_at: at, message: h.message, severity: h.severity }),
          )
          .execute();
        if (!openKeys.has(keyOf(h.conditionId, subject))) {
          opened++;
          log.warn(
            { alert: { condition: h.conditionId, kind: h.kind, source: h.source, severity: h.severity }, message: h.message },
            'alert opened',
          );
        }
      }
      const clearing = open.filter((a) => !holdingKeys.has(keyOf(a.condition_id, a.subject)));
      if (clearing.length > 0) {
        await trx
          .updateTable('alerts')
          .set({ resolved_at: at })
          .where(
            'id',
            'in',
            clearing.map((a) => a.id),
          )
          .where('resolved_at', 'is', null)
          .execute();
        for (const a of clearing) log.info({ alert: { condition: a.condition_id, subject: a.subject } }, 'alert resolved');
      }
      return { at: at.toISOString(), opened, resolved: clearing.length, open: holdingKeys.size };
    });
    this.last = { wallMs: Date.now(), nowMs: at.getTime(), result };
    return result;
  }
}
