/**
 * The reporting ingest: for every advertiser profile, the report windows it needs today (report-windows.ts), each
 * requested once per profile, report type and day. The request is recorded in performance_reports BEFORE it is sent
 * (the table's unique key makes a second request of the same window the same day impossible, across processes too);
 * a 425 answer reuses the report id it names. A report is then polled with exponential backoff (never re-requested),
 * downloaded, gunzipped, every row validated with zod (a malformed row is quarantined under the source
 * `performance-reports` and counted on its report, never crashes the run), and upserted into performance_daily.
 * A report not ready within the wait stays `pending` and the next run polls the same id on.
 *
 * Runs one at a time per process (a call while one runs gets the same run), agency-wide (outside any user's scope);
 * listeners registered with `afterSync` run after a run that stored rows (impact measurement).
 */
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PerformanceSyncResult } from '@recdesk/shared-types';
import type { Logger } from 'pino';
import { AdsApiError, type AdsClient } from '../ads-client/ads-client.ts';
import { type AdsProfile, listProfiles } from '../ads-client/profiles.ts';
import { asSystem } from '../auth/scope.ts';
import type { Db } from '../db/database.ts';
import { type DailyRow, normaliseReportRow } from './report-rows.ts';
import { windowsFor } from './report-windows.ts';
import { createReport, downloadReport, getReport, type PerformanceReportType } from './reporting-api.ts';

export const QUARANTINE_SOURCE = 'performance-reports';
const REPORT_TYPES: readonly PerformanceReportType[] = ['spCampaigns', 'spTargeting'];
/** A request recorded but not sent for this long (its process died) may be sent again; a 425 then names the id. */
const ABANDONED_REQUEST_MS = 10 * 60_000;
const UPSERT_BATCH = 500;

export interface PerformanceIngestConfig {
  /** Days of history kept up to yesterday (at most 95, Reporting v3's look-back). */
  lookbackDays: number;
  /** First wait between polls of one report; doubled after each answer that is not final, up to `maxPollIntervalMs`. */
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  /** How long one run waits for a report before leaving it to the next run. */
  maxWaitMs: number;
  /** Profiles worked on side by side (the client's rate limiter still decides how fast calls go). */
  concurrency: number;
}

export interface PerformanceIngestDeps {
  db: Db;
  client: AdsClient;
  now: () => Date;
  log: Logger;
  config: PerformanceIngestConfig;
}

type ReportRow = {
  id: string;
  upstream_report_id: string | null;
  status: string;
  polls: number;
  updated_at: Date | string;
};

type Tally = Omit<PerformanceSyncResult, 'startedAt' | 'finishedAt' | 'profiles' | 'errors'>;

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

export class PerformanceIngest {
  private running: Promise<PerformanceSyncResult> | null = null;
  /** Aborted by `stop()`: a run under way ends at its next call or wait. */
  private readonly stopping = new AbortController();
  private readonly listeners: ((result: PerformanceSyncResult) => Promise<void> | void)[] = [];

  constructor(private readonly deps: PerformanceIngestDeps) {}

  /** Runs after every sync that stored rows (errors are logged, never fail the sync). */
  afterSync(listener: (result: PerformanceSyncResult) => Promise<void> | void): void {
    this.listeners.push(listener);
  }

  sync(options: { trigger: string; signal?: AbortSignal }): Promise<PerformanceSyncResult> {
    if (this.running) return this.running;
    if (this.stopping.signal.aborted) return Promise.reject(new Error('the performance ingest has stopped'));
    const signal = options.signal ? AbortSignal.any([options.signal, this.stopping.signal]) : this.stopping.signal;
    const run = asSystem(() => this.run({ trigger: options.trigger, signal })).finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  /** Ends a run under way (at its next upstream call or wait) and refuses new ones: the process is closing. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running?.catch(() => undefined);
  }

  private async run(options: { trigger: string; signal?: AbortSignal }): Promise<PerformanceSyncResult> {
    const startedAt = this.deps.now();
    const tally: Tally = {
      reportsRequested: 0,
      reportsReused: 0,
      reportsStored: 0,
      reportsPending: 0,
      reportsFailed: 0,
      rowsStored: 0,
      rowsQuarantined: 0,
    };
    const errors: string[] = [];
    const { profiles, malformed } = await listProfiles(this.deps.client, options.signal);
    for (const bad of malformed) errors.push(`profile ${bad.index} in ${bad.region}: ${bad.reason}`);
    const queue = [...profiles];
    const worker = async () => {
      for (let profile = queue.shift(); profile; profile = queue.shift()) {
        try {
          await this.syncProfile(profile, tally, options.signal);
        } catch (error) {
          if (options.signal?.aborted) throw error;
          this.deps.log.warn({ err: error, profileId: profile.profileId }, 'performance reports could not be read for a profile');
          errors.push(`profile ${profile.profileId}: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.deps.config.concurrency) }, worker));
    const result: PerformanceSyncResult = {
      startedAt: startedAt.toISOString(),
      finishedAt: this.deps.now().toISOString(),
      profiles: profiles.length,
      ...tally,
      errors,
    };
    this.deps.log.info({ trigger: options.trigger, ...result, errors: errors.length }, 'performance sync finished');
    if (result.rowsStored > 0) {
      for (const listener of this.listeners) {
        try {
          await listener(result);
        } catch (error) {
          this.deps.log.error({ err: error }, 'a listener after the performance sync failed');
        }
      }
    }
    return result;
  }

  private async syncProfile(profile: AdsProfile, tally: Tally, signal?: AbortSignal): Promise<void> {
    const today = dayOf(this.deps.now());
    for (const type of REPORT_TYPES) {
      const stored = await this.deps.db
        .selectFrom('performance_reports')
        .select(['start_date as startDate', 'end_date as endDate'])
        .where('profile_id', '=', profile.profileId)
        .where('report_type', '=', type)
        .where('status', '=', 'stored')
        .execute();
      for (const window of windowsFor(today, this.deps.config.lookbackDays, stored)) {
        await this.syncWindow(profile, type, window, today, tally, signal);
      }
    }
  }

  /** Claims today's request of this window: the row is written before anything is sent upstream. */
  private async claim(profile: AdsProfile, type: PerformanceReportType, window: { startDate: string; endDate: string }, today: string) {
    const now = this.deps.now();
    const inserted = await this.deps.db
      .insertInto('performance_reports')
      .values({
        id: randomUUID(),
        profile_id: profile.profileId,
        advertiser_id: profile.accountId,
        report_type: type,
        start_date: window.startDate,
        end_date: window.endDate,
        requested_on: today,
        status: 'requested',
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.constraint('performance_reports_once').doNothing())
      .returning(['id', 'upstream_report_id', 'status', 'polls', 'updated_at'])
      .executeTakeFirst();
    if (inserted) return { row: inserted as ReportRow, mustRequest: true };
    const row = (await this.deps.db
      .selectFrom('performance_reports')
      .select(['id', 'upstream_report_id', 'status', 'polls', 'updated_at'])
      .where('profile_id', '=', profile.profileId)
      .where('report_type', '=', type)
      .where('start_date', '=', window.startDate)
      .where('end_date', '=', window.endDate)
      .where('requested_on', '=', today)
      .executeTakeFirstOrThrow()) as ReportRow;
    if (row.upstream_report_id || row.status !== 'requested') return { row, mustRequest: false };
    // Recorded but never answered: another process is sending it now, or died doing so.
    const since = new Date(row.updated_at).getTime();
    if (now.getTime() - since < ABANDONED_REQUEST_MS) return { row, mustRequest: false };
    const taken = await this.deps.db
      .updateTable('performance_reports')
      .set({ updated_at: now })
      .where('id', '=', row.id)
      .where('upstream_report_id', 'is', null)
      .where('updated_at', '=', new Date(row.updated_at))
      .executeTakeFirst();
    return { row, mustRequest: Number(taken.numUpdatedRows) === 1 };
  }

  private async update(id: string, values: Record<string, unknown>): Promise<void> {
    await this.deps.db
      .updateTable('performance_reports')
      .set({ ...values, updated_at: this.deps.now() })
      .where('id', '=', id)
      .execute();
  }

  private async syncWindow(
    profile: AdsProfile,
    type: PerformanceReportType,
    window: { startDate: string; endDate: string },
    today: string,
    tally: Tally,
    signal?: AbortSignal,
  ): Promise<void> {
    const { row, mustRequest } = await this.claim(profile, type, window, today);
    if (row.status === 'stored' || row.status === 'failed') return;
    let reportId = row.upstream_report_id;
    if (mustRequest) {
      try {
        const created = await createReport(this.deps.client, profile, type, window, signal);
        reportId = created.reportId;
        if (created.reused) tally.reportsReused++;
        else tally.reportsRequested++;
        await this.update(row.id, { upstream_report_id: reportId, status: 'pending', failure_reason: null });
      } catch (error) {
        // A refusal (4xx) is final for today; anything else leaves the claim for a later run (a 425 then names the id).
        const final = error instanceof AdsApiError && error.status >= 400 && error.status < 500 && error.status !== 429;
        await this.update(row.id, { status: final ? 'failed' : 'requested', failure_reason: (error as Error).message });
        if (final) tally.reportsFailed++;
        throw error;
      }
    }
    if (!reportId) return;
    await this.pollAndStore(profile, type, row, reportId, tally, signal);
  }

  private async pollAndStore(
    profile: AdsProfile,
    type: PerformanceReportType,
    row: ReportRow,
    reportId: string,
    tally: Tally,
    signal?: AbortSignal,
  ): Promise<void> {
    const { config } = this.deps;
    const started = Date.now();
    let interval = config.pollIntervalMs;
    let polls = row.polls;
    for (;;) {
      const status = await getReport(this.deps.client, profile, reportId, signal);
      polls++;
      if (status.status === 'COMPLETED' && status.url) {
        await this.update(row.id, { status: 'completed', polls, next_poll_at: null });
        await this.store(profile, type, row.id, reportId, status.url, tally, signal);
        return;
      }
      if (status.status === 'FAILED') {
        await this.update(row.id, {
          status: 'failed',
          polls,
          next_poll_at: null,
          failure_reason: status.failureReason ?? 'the report failed',
        });
        tally.reportsFailed++;
        return;
      }
      const waited = Date.now() - started;
      if (waited + interval > config.maxWaitMs) {
        await this.update(row.id, { status: 'pending', polls, next_poll_at: new Date(this.deps.now().getTime() + interval) });
        tally.reportsPending++;
        return;
      }
      await this.update(row.id, { status: 'pending', polls, next_poll_at: new Date(this.deps.now().getTime() + interval) });
      await sleep(interval, undefined, { signal });
      interval = Math.min(config.maxPollIntervalMs, interval * 2);
    }
  }

  private async store(
    profile: AdsProfile,
    type: PerformanceReportType,
    id: string,
    reportId: string,
    url: string,
    tally: Tally,
    signal?: AbortSignal,
  ): Promise<void> {
    const file = await downloadReport(this.deps.client, url, signal);
    if (!file.ok) {
      await this.quarantine([{ reason: file.reason, location: `report ${reportId}`, raw: null }]);
      await this.update(id, { status: 'failed', failure_reason: file.reason, rows_quarantined: 1 });
      tally.reportsFailed++;
      tally.rowsQuarantined++;
      return;
    }
    const rows: DailyRow[] = [];
    const bad: { reason: string; location: string; raw: unknown }[] = [];
    file.rows.forEach((raw, index) => {
      const result = normaliseReportRow(type, raw);
      if (result.ok) rows.push(result.row);
      else bad.push({ reason: result.reason, location: `profile ${profile.profileId} report ${reportId} row ${index}`, raw });
    });
    await this.upsert(profile, reportId, rows);
    await this.quarantine(bad);
    await this.update(id, { status: 'stored', rows_stored: rows.length, rows_quarantined: bad.length, failure_reason: null });
    tally.reportsStored++;
    tally.rowsStored += rows.length;
    tally.rowsQuarantined += bad.length;
  }

  private async upsert(profile: AdsProfile, reportId: string, rows: readonly DailyRow[]): Promise<void> {
    const now = this.deps.now();
    // One row per entity and day: a report never lists a day twice, but a malformed upstream might.
    const unique = [...new Map(rows.map((r) => [`${r.entity_key}|${r.date}`, r])).values()];
    for (let start = 0; start < unique.length; start += UPSERT_BATCH) {
      await this.deps.db
        .insertInto('performance_daily')
        .values(
          unique.slice(start, start + UPSERT_BATCH).map((r) => ({
            ...r,
            advertiser_id: profile.accountId,
            profile_id: profile.profileId,
            currency: r.currency ?? profile.currencyCode,
            report_id: reportId,
            updated_at: now,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['entity_key', 'date']).doUpdateSet((eb) => ({
            advertiser_id: eb.ref('excluded.advertiser_id'),
            profile_id: eb.ref('excluded.profile_id'),
            campaign_id: eb.ref('excluded.campaign_id'),
            entity_name: eb.ref('excluded.entity_name'),
            impressions: eb.ref('excluded.impressions'),
            clicks: eb.ref('excluded.clicks'),
            cost: eb.ref('excluded.cost'),
            sales: eb.ref('excluded.sales'),
            orders: eb.ref('excluded.orders'),
            budget: eb.ref('excluded.budget'),
            currency: eb.ref('excluded.currency'),
            report_id: eb.ref('excluded.report_id'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  }

  private async quarantine(entries: readonly { reason: string; location: string; raw: unknown }[]): Promise<void> {
    if (entries.length === 0) return;
    const now = this.deps.now();
    const rows = new Map(
      entries.map((entry) => {
        const fingerprint = createHash('sha256')
          .update(JSON.stringify([QUARANTINE_SOURCE, entry.location, entry.raw]))
          .digest('hex');
        return [
          fingerprint,
          {
            id: randomUUID(),
            source: QUARANTINE_SOURCE,
            run_id: null,
            fingerprint,
            reason: entry.reason,
            location: entry.location,
            raw: JSON.stringify(entry.raw ?? null),
            quarantined_at: now,
            last_seen_at: now,
          },
        ];
      }),
    );
    await this.deps.db
      .insertInto('quarantine')
      .values([...rows.values()])
      .onConflict((oc) => oc.column('fingerprint').doUpdateSet((eb) => ({ last_seen_at: eb.ref('excluded.last_seen_at') })))
      .execute();
  }
}
