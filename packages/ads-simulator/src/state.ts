/**
 * The simulator's mutable state: the seeded world, the partner opportunities, issued tokens, and a ledger of every
 * change an API client made. One state backs the msw handlers, whether they run inside a unit test or behind the
 * HTTP server, so a test can both drive the simulator and inspect what it received.
 */

import { AdvanceableClock } from './clock.ts';
import { createAudiences, type SimulatedAudience } from './data/audience-insights.ts';
import { type BrandMetricsRecord, createBrandMetrics } from './data/brand-metrics.ts';
import { createOpportunities, type Opportunity } from './data/partner-opportunities.ts';
import { createUnifiedRecommendations, type UnifiedRecommendation } from './data/recommendations-api.ts';
import { createSbsdWorld, type SbsdWorld } from './data/sbsd-world.ts';
import { createSpRecommendations, type SpRecommendations } from './data/sp-recommendations.ts';
import { createWorld, type World, type WorldOptions } from './data/world.ts';
import { createFaultState, type FaultState } from './faults.ts';
import { createReportingState, type ReportingState } from './handlers/reporting.ts';
import { createSettingsHistory, observeChanges, type SettingsHistory } from './performance/settings-history.ts';
import { QueueRegistry } from './stream/sqs-queue.ts';
import { createStreamProducerState, type StreamProducerState } from './stream/stream-producer.ts';

export interface SimulatorClock {
  now(): Date;
}

export interface SimulatorCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  partnerAccountId: string;
}

export const DEFAULT_CREDENTIALS: SimulatorCredentials = {
  clientId: 'amzn1.application-oa2-client.recdesksimulated',
  clientSecret: 'simulated-client-secret',
  refreshToken: 'Atzr|simulated-refresh-token',
  partnerAccountId: 'amzn1.ads1.ma1.recdesksimulated',
};

export interface LedgerEntry {
  at: string;
  api: string;
  /** What the change targets, e.g. a recommendation id or `campaign:123`. */
  key: string;
  body: unknown;
}

export interface ApplicationRecord {
  partnerOpportunityId: string;
  recommendationId: string;
  appliedAt: number;
}

export interface SimulatorState {
  clock: SimulatorClock;
  credentials: SimulatorCredentials;
  world: World;
  opportunities: Opportunity[];
  /** access token → expiry (epoch ms). */
  accessTokens: Map<string, number>;
  accessTokenLifetimeSeconds: number;
  /** Pre-signed file URLs live 15 minutes (facts.md §1.4). */
  fileUrlLifetimeMs: number;
  applications: Map<string, ApplicationRecord>;
  ledger: LedgerEntry[];
  /**
   * Applies refused because the item was applied already (PO_APPLY_ALREADY_APPLIED): upstream saved the day, but the
   * client sent a change twice. Kept apart from the ledger, which holds changes made.
   */
  refusedRepeats: LedgerEntry[];
  /** The unified Recommendations API's account-team recommendations (`/recommendations/list`). */
  unifiedRecommendations: UnifiedRecommendation[];
  /** Brand Metrics records, and the reports clients asked for (`/insights/brandMetrics/report`). */
  brandMetrics: BrandMetricsRecord[];
  brandMetricsReports: Map<string, BrandMetricsReport>;
  /** How many polls a new Brand Metrics report answers IN_PROGRESS before it is ready. */
  brandMetricsPendingPolls: number;
  /** Audiences discovery's catalogue and each advertiser's own audience (data/audience-insights.ts). */
  audiences: SimulatedAudience[];
  audiencesCreatedAt: Date;
  /** Sponsored Products recommendations derived from the world (data/sp-recommendations.ts). */
  sp: SpRecommendations;
  /** Sponsored Brands and Sponsored Display campaigns, beside the SP world (data/sbsd-world.ts). */
  sbsd: SbsdWorld;
  /** Every request received, for tests that check batching, headers and retry timing. */
  requestLog: RequestLogEntry[];
  /** Fault injection, off unless a test switches it on (faults.ts). */
  faults: FaultState;
  /** Performance (performance/): what each campaign ran with day by day, and the Reporting v3 reports asked for. */
  performance: { history: SettingsHistory; reporting: ReportingState };
  /** SQS queues served over the SQS JSON protocol (stream/sqs-protocol.ts). */
  queues: QueueRegistry;
  /** What the simulated Marketing Stream already sent (stream/stream-producer.ts). */
  stream: StreamProducerState;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  /** The query string with its `?`, or '' (tells pages and retries of one call apart). */
  search: string;
  headers: Record<string, string>;
  /** When the request arrived (epoch ms, wall clock), so tests can check that retries waited for Retry-After. */
  at: number;
  /** Set when fault injection answered this request itself. */
  fault?: { status: number; retryAfterSeconds: number | null };
  /** The JSON body, kept by the SB and SD endpoints so that tests can check requests against the published specs. */
  body?: unknown;
}

export interface BrandMetricsReport {
  reportId: string;
  profileId: number;
  format: 'JSON' | 'CSV';
  brandName: string | undefined;
  metrics: string[] | undefined;
  pollsLeft: number;
}

export interface SimulatorStateOptions extends WorldOptions {
  clock?: SimulatorClock;
  /** Extra Partner Opportunity rows in one more opportunity (benchmarks); the default data is unchanged. */
  bulkOpportunityRows?: number;
  /** Dense SP consolidated recommendations: this many actions across the world (benchmarks); default data unchanged. */
  spConsolidatedActions?: number;
  credentials?: Partial<SimulatorCredentials>;
}

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

export const systemClock: SimulatorClock = { now: () => new Date() };

export function createSimulatorState(options: SimulatorStateOptions = {}): SimulatorState {
  // Advanceable by default (real time plus an offset, `/_simulator/clock`); a host may pass its own clock.
  const clock = options.clock ?? new AdvanceableClock();
  const world = createWorld(options);
  const state: SimulatorState = {
    clock,
    credentials: { ...DEFAULT_CREDENTIALS, ...options.credentials },
    world,
    // Anchored to the start of the UTC day, like files regenerated daily: a restart the same day sees the same rows.
    opportunities: createOpportunities(world, { now: startOfUtcDay(clock.now()), bulkRows: options.bulkOpportunityRows }),
    accessTokens: new Map(),
    accessTokenLifetimeSeconds: 3600,
    fileUrlLifetimeMs: 15 * 60_000,
    applications: new Map(),
    ledger: [],
    refusedRepeats: [],
    unifiedRecommendations: createUnifiedRecommendations(world, startOfUtcDay(clock.now())),
    brandMetrics: createBrandMetrics(world, startOfUtcDay(clock.now())),
    brandMetricsReports: new Map(),
    brandMetricsPendingPolls: 1,
    audiences: createAudiences(world),
    audiencesCreatedAt: startOfUtcDay(new Date(Date.UTC(2026, 0, 5))),
    sp: createSpRecommendations(world, { now: clock.now(), consolidatedActions: options.spConsolidatedActions }),
    sbsd: createSbsdWorld(world),
    requestLog: [],
    faults: createFaultState(),
    performance: { history: createSettingsHistory(world), reporting: createReportingState() },
    queues: new QueueRegistry(),
    stream: createStreamProducerState(),
  };
  // Changes made before a jump of the clock are dated before it.
  if (clock instanceof AdvanceableClock) clock.onBeforeAdvance(() => observeChanges(state));
  return state;
}
