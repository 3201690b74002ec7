/**
 * Wires the BFF from its configuration: the database (PGlite or PostgreSQL), the Ads API client (against Amazon, or
 * against the simulator started here in the embedded default), the stores and services. `main.ts` and the workers
 * start from this; tests build the same runtime with their own env.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningSimulator, startSimulator } from '@recdesk/ads-simulator/server';
import { DEFAULT_CREDENTIALS } from '@recdesk/ads-simulator/state';
import { type DestinationStream, type Logger, pino } from 'pino';
import { AdsClient } from './ads-client/ads-client.ts';
import { LwaTokenProvider } from './ads-client/lwa-token-provider.ts';
import type { RateLimitConfig } from './ads-client/rate-limiter.ts';
import { writerOf } from './apply/apply-plan.ts';
import { LocalApplyQueue, PgBossApplyQueue } from './apply/apply-queue.ts';
import { ApplyService } from './apply/apply-service.ts';
import { ProfileDirectory } from './apply/profile-directory.ts';
import { type Auth, bootstrapUsers, createAuth, type DEMO_USERS, ScopePlugin, TEST_COST } from './auth/auth.ts';
import { openCounterStore } from './auth/login-throttle.ts';
import { loadSessionSecrets } from './auth/session-secrets.ts';
import { type AdsRegion, DEFAULT_LWA_TOKEN_URL, type Env, REGION_HOSTS } from './config/env.ts';
import { ConflictService } from './conflicts/conflict-service.ts';
import { type DatabaseTarget, type Db, describeTarget, migrate, openDatabase, withPlugin } from './db/database.ts';
import { ConflictError } from './errors/domain-errors.ts';
import { ImpactService } from './impact/impact-service.ts';
import { PriorityFactors } from './impact/priority-factors.ts';
import { QuarantineStore } from './ingest/quarantine-store.ts';
import { embeddedIngestEnabled, IngestScheduler, schedulesOf } from './ingest/scheduler.ts';
import { SourceStatusService } from './ingest/source-status.ts';
import { SqsStreamConsumer } from './ingest/sqs-stream-consumer.ts';
import { StreamIngest } from './ingest/stream-ingest.ts';
import { streamQueueConfigOf } from './ingest/stream-queue-config.ts';
import { SyncService } from './ingest/sync-service.ts';
import { GuardrailStore } from './lifecycle/guardrail-store.ts';
import { type LifecycleConfig, lifecycleConfigOf } from './lifecycle/lifecycle-config.ts';
import { LifecycleService } from './lifecycle/lifecycle-service.ts';
import { RecommendationStore } from './lifecycle/recommendation-store.ts';
import { createConsolePrinter, isHumanConsole } from './observability/console-printer.ts';
import { correlatedQueue } from './observability/correlated-queue.ts';
import { correlationMixin, inJob } from './observability/correlation.ts';
import { Metrics } from './observability/metrics.ts';
import { createObservability, type Observability } from './observability/observability.ts';
import { StageEventsPlugin } from './observability/stage-events-plugin.ts';
import { upstreamObserver } from './observability/upstream-observer.ts';
import { createPerformance, simulatedClockFor } from './performance/performance-feature.ts';
import type { PerformanceFeature } from './performance/performance-routes.ts';
import { PlanDraftService } from './plan/plan-drafts.ts';
import { PlanService } from './plan/plan-service.ts';
import { surviveLostConnections } from './process/lost-connection-guard.ts';
import { categoryBenchmarksOf } from './rules/category-benchmarks.ts';
import { RuleService } from './rules/rule-service.ts';
import { audienceInsightsSource } from './sources/audience-insights/ai-source.ts';
import { advertiserCodesOf, brandBenchmarksSource } from './sources/brand-benchmarks/bb-source.ts';
import { brandMetricsSource } from './sources/brand-metrics/bm-source.ts';
import { BrandMetricsStore } from './sources/brand-metrics/brand-metrics-store.ts';
import { historicReachSource } from './sources/historic-reach/hr-source.ts';
import { partnerOpportunitiesSource } from './sources/partner-opportunities/po-source.ts';
import { personaBuilderSource } from './sources/persona-builder/pb-source.ts';
import { reachForecastingSource } from './sources/reach-forecasting/rf-source.ts';
import { sbRecommendationsSource } from './sources/sb-sd/sb-source.ts';
import { sdRecommendationsSource } from './sources/sb-sd/sd-source.ts';
import { spBudgetSource } from './sources/sp-budget/budget-source.ts';
import { spConsolidatedSource } from './sources/sp-consolidated/consolidated-source.ts';
import { spTargetingSource } from './sources/sp-targeting/targeting-source.ts';
import { spThemeBidsSource } from './sources/sp-theme-bids/theme-bids-source.ts';
import { firstSeenIn } from './sources/unified-recommendations/recs-first-seen.ts';
import { createUnifiedRecommendationsSource } from './sources/unified-recommendations/recs-source.ts';
import { StreamSubscriptionService } from './stream-subscriptions/subscription-service.ts';

export const VERSION = '0.1.0';

export interface Runtime {
  env: Env;
  log: Logger;
  db: Db;
  tokens: LwaTokenProvider;
  client: AdsClient;
  store: RecommendationStore;
  quarantine: QuarantineStore;
  sync: SyncService;
  /** Runs each source on its cadence; started by main.ts (embedded) or the ingest worker. */
  scheduler: IngestScheduler;
  sourceStatus: SourceStatusService;
  stream: StreamIngest;
  /** The Marketing Stream SQS consumer when a queue is configured (started where ingestion runs), else null. */
  streamQueue: SqsStreamConsumer | null;
  streamSubscriptions: StreamSubscriptionService;
  /** Brand Metrics per advertiser and brand: `latestFor(advertiserId, brandName?)` for rules. */
  brandMetrics: BrandMetricsStore;
  lifecycleConfig: LifecycleConfig;
  guardrails: GuardrailStore;
  lifecycle: LifecycleService;
  conflicts: ConflictService;
  /** Changes drafted from the Plan page (src/plan/plan-drafts.ts). */
  planDrafts: PlanDraftService;
  /** The apply pipeline (src/apply): batches, the worker, undo. */
  apply: ApplyService;
  /** Auto-apply rules (src/rules), run after every ingestion. */
  rules: RuleService;
  /** Impact measurement and the feedback loop (src/impact): `impact.measureNow()` after new performance data. */
  impact: ImpactService;
  priorityFactors: PriorityFactors;
  /** Sign-in, users, sessions, the audit log and the approval policies (src/auth). */
  auth: Auth;
  /** Metrics, alerts, readiness (src/observability). */
  observability: Observability;
  /** The demo users this start created (first run of the embedded default only), for the console. */
  createdDemoUsers: typeof DEMO_USERS;
  simulator: RunningSimulator | null;
  /**
   * Performance data (src/performance): `performance.store` reads it (`dailyFor`, `campaignsOf`, `series`), the
   * reporting ingest fills it, and in simulated mode `performance.clock` is the clock shared with the simulator.
   */
  performance: PerformanceFeature;
  now: () => Date;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  log?: Logger;
  /** Where the runtime's own logger writes (with its redaction), when no `log` is given: tests capture lines. */
  logDestination?: DestinationStream;
  database?: DatabaseTarget;
  now?: () => Date;
}

function regionUrls(regions: readonly AdsRegion[], perRegion: (region: AdsRegion) => string): Record<AdsRegion, string> {
  return Object.fromEntries(regions.map((region) => [region, perRegion(region)])) as Record<AdsRegion, string>;
}

/** The client's pace when not configured: Amazon's against the live API, five times that against the simulator. */
const DEFAULT_PACE = { live: { ratePerSecond: 10, maxConcurrent: 5 }, simulated: { ratePerSecond: 50, maxConcurrent: 10 } };

function rateLimitsOf(env: Env): RateLimitConfig {
  const pace = DEFAULT_PACE[env.ADS_API_MODE === 'simulated' ? 'simulated' : 'live'];
  const maxConcurrent = env.ADS_RATE_LIMIT_CONCURRENCY ?? pace.maxConcurrent;
  const perGroup = (ratePerSecond: number) => ({ ratePerSecond, maxConcurrent });
  return {
    default: perGroup(env.ADS_RATE_LIMIT_PER_SECOND ?? pace.ratePerSecond),
    groups: Object.fromEntries(Object.entries(env.ADS_RATE_LIMITS ?? {}).map(([group, rate]) => [group, perGroup(rate)])),
  };
}

/** Secrets never reach a log line, whatever object a caller logs: tokens, passwords, cookies, CSRF tokens. */
export const LOG_REDACT_PATHS = [
  '*.authorization',
  '*.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.headers["set-cookie"]',
  '*.headers["x-csrf-token"]',
  '*.headers["x-recdesk-stream-secret"]',
  '*.client_secret',
  '*.refresh_token',
  '*.access_token',
  '*.clientSecret',
  '*.refreshToken',
  '*.password',
  '*.passwordHash',
  '*.password_hash',
  '*.csrfToken',
  '*.cookie',
  // Sealed credentials, OpenID Connect sign-in (PKCE verifier, tokens) and the key and secrets of the configuration.
  '*.sealed',
  '*.codeVerifier',
  '*.code_verifier',
  '*.id_token',
  '*.idToken',
  '*.oidcPending',
  '*.secretsKey',
  '*.sessionSecrets',
  '*.sid',
];

export function createLogger(level: Env['LOG_LEVEL'], destination?: DestinationStream): Logger {
  // Every line carries the correlation id of the request or job it was written in (src/observability/correlation.ts).
  const options = { level, redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' }, mixin: correlationMixin };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * The process's logger as LOG_FORMAT asks: JSON lines on stdout, or (a terminal, or `human`) the console for people,
 * which reads the debug-level progress lines too (the sync of each source) and shows only what a person needs.
 */
export function createProcessLogger(env: Pick<Env, 'LOG_LEVEL' | 'LOG_FORMAT'>, stdout: NodeJS.WriteStream = process.stdout): Logger {
  if (!isHumanConsole(env.LOG_FORMAT, Boolean(stdout.isTTY)) || env.LOG_LEVEL === 'silent') return createLogger(env.LOG_LEVEL);
  const printer = createConsolePrinter({
    write: (text) => stdout.write(text),
    level: env.LOG_LEVEL,
    color: Boolean(stdout.isTTY && stdout.hasColors?.()),
  });
  const verbose = env.LOG_LEVEL === 'trace' ? 'trace' : 'debug';
  return createLogger(verbose, printer);
}

/** Simulated mode uses the simulator's credentials; live mode whichever ADS_ variables are set. */
function credentialsFromEnvironment(env: Env): Set<'client_id' | 'client_secret' | 'refresh_token'> {
  if (env.ADS_API_MODE === 'simulated') return new Set(['client_id', 'client_secret', 'refresh_token']);
  const names = new Set<'client_id' | 'client_secret' | 'refresh_token'>();
  if (env.ADS_CLIENT_ID) names.add('client_id');
  if (env.ADS_CLIENT_SECRET) names.add('client_secret');
  if (env.ADS_REFRESH_TOKEN) names.add('refresh_token');
  return names;
}

/**
 * Live mode: a credential the environment does not set comes from the ones an admin stored (encrypted), now and after
 * every change (the token provider reads them at its next refresh). The client id is read by the Ads client at start:
 * a stored client id that changes takes effect at the next start.
 */
async function useStoredCredentials(
  auth: Auth,
  credentials: { clientId: string; clientSecret: string; refreshToken: string },
  log: Logger,
): Promise<void> {
  const apply = (stored: Partial<Record<'client_id' | 'client_secret' | 'refresh_token', string>>) => {
    if (!credentials.clientId && stored.client_id) credentials.clientId = stored.client_id;
    if (stored.client_secret && !auth.adsCredentials.fromEnvironmentHas('client_secret')) credentials.clientSecret = stored.client_secret;
    if (stored.refresh_token && !auth.adsCredentials.fromEnvironmentHas('refresh_token')) credentials.refreshToken = stored.refresh_token;
  };
  apply(await auth.adsCredentials.current());
  auth.adsCredentials.onChange(apply);
  if (!credentials.clientSecret || !credentials.refreshToken) {
    log.warn(
      'Ads API credentials are incomplete: set ADS_CLIENT_SECRET and ADS_REFRESH_TOKEN, or store them (PUT /api/admin/ads-credentials)',
    );
  }
}

export async function createRuntime(env: Env, options: RuntimeOptions = {}): Promise<Runtime> {
  const log = options.log ?? (options.logDestination ? createLogger(env.LOG_LEVEL, options.logDestination) : createProcessLogger(env));
  const baseNow = options.now ?? (() => new Date());
  // Simulated mode: the simulator and the BFF run on one advanceable clock (src/performance/simulated-clock.ts).
  const simulatedClock = await simulatedClockFor(env, baseNow, log);
  const now = simulatedClock ? () => simulatedClock.control.now() : baseNow;

  let simulator: RunningSimulator | null = null;
  let simulatorOrigin: string | null = null;
  let baseUrls: Record<AdsRegion, string>;
  let credentials: { tokenUrl: string; clientId: string; clientSecret: string; refreshToken: string; partnerAccountId: string | undefined };
  if (env.ADS_API_MODE === 'simulated' && env.ADS_SIMULATOR_URL) {
    // A fleet's processes share one simulator (its ledger is the one truth of what was applied): none starts here.
    const origin = env.ADS_SIMULATOR_URL.replace(/\/$/, '');
    simulatorOrigin = origin;
    baseUrls = regionUrls(env.ADS_REGIONS, (region) => env.ADS_API_BASE_URL ?? `${origin}/${region.toLowerCase()}`);
    credentials = { tokenUrl: env.ADS_LWA_TOKEN_URL ?? `${origin}/auth/o2/token`, ...DEFAULT_CREDENTIALS };
    log.info({ url: origin }, 'using the simulated Amazon Ads API at ADS_SIMULATOR_URL');
  } else if (env.ADS_API_MODE === 'simulated') {
    simulator = await startSimulator({
      port: env.ADS_SIMULATOR_PORT,
      clock: simulatedClock?.clock,
      // The simulated Marketing Stream fills the simulator's SQS queue where this process reads it.
      stream: env.STREAM_SIMULATED && embeddedIngestEnabled(env) ? { intervalMs: env.STREAM_SIMULATED_INTERVAL_MS } : undefined,
    });
    simulatorOrigin = simulator.url;
    const simulatorUrl = env.ADS_API_BASE_URL ?? simulator.url;
    baseUrls = regionUrls(env.ADS_REGIONS, (region) => (env.ADS_API_BASE_URL ? simulatorUrl : `${simulatorUrl}/${region.toLowerCase()}`));
    credentials = { tokenUrl: env.ADS_LWA_TOKEN_URL ?? `${simulator.url}/auth/o2/token`, ...DEFAULT_CREDENTIALS };
    log.info({ url: simulator.url }, 'simulated Amazon Ads API started');
  } else {
    baseUrls = regionUrls(env.ADS_REGIONS, (region) => env.ADS_API_BASE_URL ?? REGION_HOSTS[region]);
    credentials = {
      tokenUrl: env.ADS_LWA_TOKEN_URL ?? DEFAULT_LWA_TOKEN_URL,
      clientId: env.ADS_CLIENT_ID ?? '',
      clientSecret: env.ADS_CLIENT_SECRET ?? '',
      refreshToken: env.ADS_REFRESH_TOKEN ?? '',
      partnerAccountId: env.ADS_PARTNER_ACCOUNT_ID,
    };
  }

  const target: DatabaseTarget =
    options.database ??
    (env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE, schema: env.DATABASE_SCHEMA }
      : { kind: 'pglite', dataDir: path.join(env.RECDESK_DATA_DIR, 'pglite') });
  // A PostgreSQL restart must not end the process (src/process/lost-connection-guard.ts).
  if (target.kind === 'postgres') surviveLostConnections(log);
  // Every store's queries are filtered by the advertiser scope of the request they serve (src/auth/scope.ts).
  const metrics = new Metrics();
  // Stage transitions and quarantined items are counted as they are written (src/observability/stage-events-plugin.ts).
  const db = withPlugin(withPlugin(await openDatabase(target), new ScopePlugin()), new StageEventsPlugin(metrics));
  await migrate(db, target.kind === 'postgres' ? target.schema : undefined);
  // Sign-in throttle and API rate limits count in PostgreSQL, shared by every process; on PGlite in memory.
  const counterStore = target.kind === 'postgres' ? await openCounterStore(target.url, target.schema) : undefined;
  const auth = createAuth({
    db,
    log,
    // Sessions and sign-in throttling run on real time: advancing the simulated clock signs nobody out.
    now: baseNow,
    config: {
      sessionSecrets: await loadSessionSecrets(db, baseNow, env.SESSION_SECRET),
      sessionIdleHours: env.SESSION_IDLE_HOURS,
      sessionMaxAgeHours: env.SESSION_MAX_AGE_HOURS,
      apiRateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
      streamSharedSecret: env.STREAM_SHARED_SECRET,
      passwordCost: env.NODE_ENV === 'test' ? TEST_COST : undefined,
      trustProxy: env.TRUST_PROXY,
      counterStore,
      secretsKey: env.RECDESK_SECRETS_KEY,
      credentialsFromEnvironment: credentialsFromEnvironment(env),
      oidc:
        env.OIDC_ISSUER_URL && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET && env.OIDC_REDIRECT_URL
          ? {
              issuerUrl: env.OIDC_ISSUER_URL,
              clientId: env.OIDC_CLIENT_ID,
              clientSecret: env.OIDC_CLIENT_SECRET,
              redirectUrl: env.OIDC_REDIRECT_URL,
              autoCreate: env.OIDC_AUTO_CREATE,
              providerName: env.OIDC_PROVIDER_NAME,
            }
          : undefined,
    },
  });
  const bootstrap = () =>
    bootstrapUsers(
      auth.users,
      { adsApiMode: env.ADS_API_MODE, adminEmail: env.RECDESK_ADMIN_EMAIL, adminPassword: env.RECDESK_ADMIN_PASSWORD },
      log,
    );
  // Fleet processes starting together race to create the first users: the loser of a unique email looks again,
  // finds them made, and creates none.
  const createdDemoUsers = await bootstrap().catch((error: unknown) => {
    if (error instanceof ConflictError || (error as { code?: unknown } | null)?.code === '23505') return bootstrap();
    throw error;
  });
  log.info({ database: describeTarget(target) }, 'database ready');
  if (env.ADS_API_MODE === 'live') await useStoredCredentials(auth, credentials, log);

  const retry = {
    maxAttempts: env.ADS_RETRY_MAX_ATTEMPTS,
    baseDelayMs: env.ADS_RETRY_BASE_DELAY_MS,
    maxDelayMs: env.ADS_RETRY_MAX_DELAY_MS,
  };
  const tokens = new LwaTokenProvider(credentials, () => now().getTime(), undefined, retry);
  if (env.ADS_API_MODE === 'live') auth.adsCredentials.onChange(() => tokens.credentialsChanged());
  const client = new AdsClient({
    baseUrls,
    clientId: credentials.clientId,
    partnerAccountId: credentials.partnerAccountId,
    tokens,
    timeoutMs: env.ADS_REQUEST_TIMEOUT_MS,
    retry,
    rateLimits: rateLimitsOf(env),
    observer: upstreamObserver(metrics, log.child({ component: 'ads-client' })),
  });
  const lifecycleConfig = lifecycleConfigOf(env);
  // The feedback loop: measured effectiveness per source and kind multiplies into every new item's priority.
  const priorityFactors = new PriorityFactors({ db, log: log.child({ component: 'impact' }), now });
  await priorityFactors.reload({ reprioritise: false });
  priorityFactors.startReloading(5 * 60_000);
  const store = new RecommendationStore(db, now, {
    policies: lifecycleConfig.policies,
    rejectionQuietPeriodMs: lifecycleConfig.rejectionQuietPeriodMs,
    effectiveness: priorityFactors.effectiveness,
    onEvents: (events) => metrics.stageEvents(events),
  });
  const quarantine = new QuarantineStore(db, now);
  const brandMetrics = new BrandMetricsStore(db, now);
  const brandMetricsAdapter = brandMetricsSource({
    metrics: brandMetrics,
    format: env.BRAND_METRICS_REPORT_FORMAT,
    pollIntervalMs: env.BRAND_METRICS_POLL_INTERVAL_MS,
  });
  const sync = new SyncService({
    db,
    client,
    store,
    quarantine,
    sources: [
      // First: its reports take the longest to be ready, and it spends that time waiting in one of the sync's lanes
      // (sources run a few at a time) while the others go on. Last, it was the end of every full sync.
      brandMetricsAdapter,
      partnerOpportunitiesSource,
      createUnifiedRecommendationsSource(firstSeenIn(db)),
      spConsolidatedSource,
      spBudgetSource,
      spThemeBidsSource,
      spTargetingSource,
      sbRecommendationsSource,
      sdRecommendationsSource,
      // Insights after the SP (and SB/SD) sources: their items are never approved, so nothing in the queue waits for them.
      audienceInsightsSource,
      reachForecastingSource,
      personaBuilderSource,
      brandBenchmarksSource({
        managerAccountId: env.BRAND_BENCHMARKS_MANAGER_ACCOUNT_ID,
        advertiserCodes: advertiserCodesOf(env.BRAND_BENCHMARKS_ADVERTISER_CODES),
      }),
      historicReachSource({ pollIntervalMs: env.PERFORMANCE_REPORT_POLL_INTERVAL_MS ?? (env.ADS_API_MODE === 'simulated' ? 250 : 5_000) }),
    ],
    now,
    log,
    onSourceRun: (run) => {
      metrics.sourceRun(run);
      // Where ingestion runs in this process, any failed run (scheduled, at start, or asked for by a person) is
      // caught up once upstream is back, and a good run cancels a pending catch-up.
      if (embeddedIngestEnabled(env)) scheduler.sourceRan(run.source, run.status);
    },
  });

  const streamQueueConfig = streamQueueConfigOf(env, simulatorOrigin);
  const schedules = schedulesOf(env, sync.sources, streamQueueConfig !== null);
  // Each scheduler tick is a job of its own in the logs.
  const tickSync = { sync: (options: Parameters<SyncService['sync']>[0]) => inJob('ingest-tick', () => sync.sync(options)) };
  const scheduler = new IngestScheduler({
    sync: tickSync,
    schedules,
    log: log.child({ component: 'ingest-scheduler' }),
    now,
    retry: { firstMs: env.INGEST_RETRY_FIRST_MS, maxMs: env.INGEST_RETRY_MAX_MS },
  });
  // Freshness is judged by the same per-source policies (FRESHNESS_POLICIES) the store uses.
  const sourceStatus = new SourceStatusService({
    db,
    quarantine,
    schedules,
    now,
    policies: lifecycleConfig.policies,
    streamQueue: () => streamQueue?.status() ?? null,
  });
  const stream = new StreamIngest({
    db,
    store,
    quarantine,
    now,
    log: log.child({ component: 'marketing-stream' }),
    options: {
      budgetUsageAlertPercent: env.STREAM_BUDGET_USAGE_ALERT_PERCENT,
      budgetRecommendationValidForMs: env.STREAM_BUDGET_RECOMMENDATION_VALID_HOURS * 3_600_000,
      // The consumer keeps claims fresh with the visibility: a dead consumer's claim lapses as its messages reappear.
      claimLeaseMs: env.STREAM_SQS_VISIBILITY_SECONDS * 1000,
    },
  });

  const streamQueue = streamQueueConfig
    ? new SqsStreamConsumer({
        stream,
        quarantine,
        metrics,
        log: log.child({ component: 'marketing-stream-sqs' }),
        config: streamQueueConfig,
      })
    : null;

  const streamSubscriptions = new StreamSubscriptionService({
    db,
    client,
    profiles: new ProfileDirectory(client),
    now,
    log: log.child({ component: 'stream-subscriptions' }),
  });

  const guardrails = new GuardrailStore(db, lifecycleConfig.guardrails, now);
  const lifecycle = new LifecycleService({
    db,
    store,
    guardrails,
    now,
    log,
    resync: async (source) => {
      await sync.sync({ source, trigger: 'revalidate' });
    },
    approvalPolicies: auth.policies,
    writers: writerOf,
  });
  const conflicts = new ConflictService({ db, store, lifecycle, now, log });
  lifecycle.attachConflicts(conflicts);
  store.attachAdmission(lifecycle.admission());
  const applyQueue =
    target.kind === 'postgres'
      ? new PgBossApplyQueue({ connectionString: target.url, schema: target.schema ?? 'pgboss', poolSize: env.APPLY_QUEUE_POOL_SIZE }, log)
      : new LocalApplyQueue(log);
  const apply = new ApplyService({
    db,
    client,
    store,
    lifecycle,
    queue: correlatedQueue(applyQueue),
    log: log.child({ component: 'apply' }),
    now,
    leaseMs: env.APPLY_LEASE_MS,
  });
  const rules = new RuleService({
    db,
    measurementWindows: { windowDays: env.IMPACT_WINDOW_DAYS, settleDays: env.IMPACT_ATTRIBUTION_SETTLE_DAYS },
    store,
    lifecycle,
    apply,
    log: log.child({ component: 'rules' }),
    now,
    brandSignals: async (advertiserId) => {
      const [latest] = await brandMetrics.latestFor(advertiserId);
      return latest
        ? {
            newToBrandCustomerRate: latest.newToBrandCustomerRate,
            customerConversionRate: latest.customerConversionRate,
            category: await categoryBenchmarksOf(db, advertiserId, latest.profileId, latest.categoryNodeName),
          }
        : null;
    },
  });
  const observability = createObservability({
    db,
    log,
    now,
    metrics,
    schedules,
    policyOf: (source) => sourceStatus.policyOf(source),
    audit: auth.audit,
    readiness: {
      queue: target.kind === 'postgres' ? { kind: 'pg-boss', schema: target.schema ?? 'pgboss' } : { kind: 'in-process' },
      upstreamUrls: [...Object.values(baseUrls), credentials.tokenUrl],
    },
    metricsToken: env.METRICS_TOKEN,
    alertSchedule: env.ALERTS_EVALUATE_SCHEDULE,
  });
  const impact = new ImpactService({
    db,
    now,
    log: log.child({ component: 'impact' }),
    config: { windowDays: env.IMPACT_WINDOW_DAYS, settleDays: env.IMPACT_ATTRIBUTION_SETTLE_DAYS },
    factors: priorityFactors,
  });
  const plans = new PlanService(db);
  const planDrafts = new PlanDraftService({
    db,
    store,
    lifecycle,
    client,
    profiles: new ProfileDirectory(client),
    planOf: (advertiserId) => plans.forAdvertiser(advertiserId),
    impact,
    audit: (entry) => auth.audit.record(entry),
    now,
    log: log.child({ component: 'plan-drafts' }),
  });
  // The embedded default converts its world's three currencies out of the box; a live installation's admin enters rates.
  if (env.ADS_API_MODE === 'simulated') await impact.rates.seedDefaults();
  // A source's items are validated (and their conflicts found) as soon as it is in; the rules wait for the whole sync,
  // so that an item is never auto-applied before a later source's contradiction of it has been seen.
  sync.afterSource(async () => {
    await stream.nameFromPulls();
    await lifecycle.afterIngest();
  });
  sync.afterIngest(async () => {
    try {
      await lifecycle.afterIngest();
      await inJob('rules', () => rules.runAll('ingest'));
    } finally {
      // Alerts follow every ingestion, also one whose validation or rules failed.
      await observability.afterIngest();
    }
  });
  // The urgent lane: Stream items are validated and run through the rules as they arrive, not at the next sync.
  stream.afterIngest(async (ids) => {
    await lifecycle.afterIngest();
    await inJob('rules', () => rules.runFor(ids, 'stream'));
  });

  const performance = createPerformance({
    db,
    client,
    now,
    log,
    env,
    clock: simulatedClock?.control ?? null,
    expireDue: () => lifecycle.expireDue(),
  });
  // New performance days are what impact measurement waits for.
  performance.ingest.afterSync(async () => {
    await impact.measureNow();
  });

  return {
    env,
    log,
    db,
    tokens,
    client,
    store,
    quarantine,
    sync,
    scheduler,
    sourceStatus,
    stream,
    streamQueue,
    streamSubscriptions,
    brandMetrics,
    lifecycleConfig,
    guardrails,
    lifecycle,
    conflicts,
    planDrafts,
    apply,
    rules,
    impact,
    priorityFactors,
    auth,
    observability,
    createdDemoUsers,
    simulator,
    performance,
    now,
    async close() {
      priorityFactors.stop();
      performance.clock?.stop();
      // Its batch under way is stored and deleted before the database closes.
      await streamQueue?.stop();
      // The urgent lane of what was stored last (validation, rules) finishes before the database closes.
      await stream.settled();
      await performance.ingest.stop();
      await scheduler.stop();
      await observability.stop();
      await apply.stop();
      await client.close();
      await counterStore?.close();
      await db.destroy();
      await simulator?.close();
    },
  };
}

export const WEB_DIST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');
