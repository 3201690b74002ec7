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
import { LocalApplyQueue, PgBossApplyQueue } from './apply/apply-queue.ts';
import { ApplyService } from './apply/apply-service.ts';
import { type Auth, bootstrapUsers, createAuth, type DEMO_USERS, ScopePlugin, TEST_COST } from './auth/auth.ts';
import { type AdsRegion, DEFAULT_LWA_TOKEN_URL, type Env, REGION_HOSTS } from './config/env.ts';
import { ConflictService } from './conflicts/conflict-service.ts';
import { type DatabaseTarget, type Db, describeTarget, migrate, openDatabase } from './db/database.ts';
import { QuarantineStore } from './ingest/quarantine-store.ts';
import { IngestScheduler, schedulesOf } from './ingest/scheduler.ts';
import { SourceStatusService } from './ingest/source-status.ts';
import { StreamIngest } from './ingest/stream-ingest.ts';
import { SyncService } from './ingest/sync-service.ts';
import { GuardrailStore } from './lifecycle/guardrail-store.ts';
import { type LifecycleConfig, lifecycleConfigOf } from './lifecycle/lifecycle-config.ts';
import { LifecycleService } from './lifecycle/lifecycle-service.ts';
import { RecommendationStore } from './lifecycle/recommendation-store.ts';
import { RuleService } from './rules/rule-service.ts';
import { brandMetricsSource } from './sources/brand-metrics/bm-source.ts';
import { BrandMetricsStore } from './sources/brand-metrics/brand-metrics-store.ts';
import { partnerOpportunitiesSource } from './sources/partner-opportunities/po-source.ts';
import { spBudgetSource } from './sources/sp-budget/budget-source.ts';
import { spConsolidatedSource } from './sources/sp-consolidated/consolidated-source.ts';
import { spTargetingSource } from './sources/sp-targeting/targeting-source.ts';
import { spThemeBidsSource } from './sources/sp-theme-bids/theme-bids-source.ts';
import { firstSeenIn } from './sources/unified-recommendations/recs-first-seen.ts';
import { createUnifiedRecommendationsSource } from './sources/unified-recommendations/recs-source.ts';

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
  /** Brand Metrics per advertiser and brand: `latestFor(advertiserId, brandName?)` for rules. */
  brandMetrics: BrandMetricsStore;
  lifecycleConfig: LifecycleConfig;
  guardrails: GuardrailStore;
  lifecycle: LifecycleService;
  conflicts: ConflictService;
  /** The apply pipeline (src/apply): batches, the worker, undo. */
  apply: ApplyService;
  /** Auto-apply rules (src/rules), run after every ingestion. */
  rules: RuleService;
  /** Sign-in, users, sessions, the audit log and the approval policies (src/auth). */
  auth: Auth;
  /** The demo users this start created (first run of the embedded default only), for the console. */
  createdDemoUsers: typeof DEMO_USERS;
  simulator: RunningSimulator | null;
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

function rateLimitsOf(env: Env): RateLimitConfig {
  const perGroup = (ratePerSecond: number) => ({ ratePerSecond, maxConcurrent: env.ADS_RATE_LIMIT_CONCURRENCY });
  return {
    default: perGroup(env.ADS_RATE_LIMIT_PER_SECOND),
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
];

export function createLogger(level: Env['LOG_LEVEL'], destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

export async function createRuntime(env: Env, options: RuntimeOptions = {}): Promise<Runtime> {
  const log = options.log ?? createLogger(env.LOG_LEVEL, options.logDestination);
  const now = options.now ?? (() => new Date());

  let simulator: RunningSimulator | null = null;
  let baseUrls: Record<AdsRegion, string>;
  let credentials: { tokenUrl: string; clientId: string; clientSecret: string; refreshToken: string; partnerAccountId: string | undefined };
  if (env.ADS_API_MODE === 'simulated') {
    simulator = await startSimulator({ port: env.ADS_SIMULATOR_PORT });
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
      ? { kind: 'postgres', url: env.DATABASE_URL }
      : { kind: 'pglite', dataDir: path.join(env.RECDESK_DATA_DIR, 'pglite') });
  // Every store's queries are filtered by the advertiser scope of the request they serve (src/auth/scope.ts).
  const db = (await openDatabase(target)).withPlugin(new ScopePlugin());
  await migrate(db, target.kind === 'postgres' ? target.schema : undefined);
  const auth = createAuth({
    db,
    log,
    now,
    config: {
      sessionSecret: env.SESSION_SECRET,
      sessionIdleHours: env.SESSION_IDLE_HOURS,
      sessionMaxAgeHours: env.SESSION_MAX_AGE_HOURS,
      apiRateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
      streamSharedSecret: env.STREAM_SHARED_SECRET,
      passwordCost: env.NODE_ENV === 'test' ? TEST_COST : undefined,
      trustProxy: env.TRUST_PROXY,
    },
  });
  const createdDemoUsers = await bootstrapUsers(
    auth.users,
    { adsApiMode: env.ADS_API_MODE, adminEmail: env.RECDESK_ADMIN_EMAIL, adminPassword: env.RECDESK_ADMIN_PASSWORD },
    log,
  );
  log.info({ database: describeTarget(target) }, 'database ready');

  const retry = {
    maxAttempts: env.ADS_RETRY_MAX_ATTEMPTS,
    baseDelayMs: env.ADS_RETRY_BASE_DELAY_MS,
    maxDelayMs: env.ADS_RETRY_MAX_DELAY_MS,
  };
  const tokens = new LwaTokenProvider(credentials, () => now().getTime(), undefined, retry);
  const client = new AdsClient({
    baseUrls,
    clientId: credentials.clientId,
    partnerAccountId: credentials.partnerAccountId,
    tokens,
    timeoutMs: env.ADS_REQUEST_TIMEOUT_MS,
    retry,
    rateLimits: rateLimitsOf(env),
  });
  const lifecycleConfig = lifecycleConfigOf(env);
  const store = new RecommendationStore(db, now, {
    policies: lifecycleConfig.policies,
    rejectionQuietPeriodMs: lifecycleConfig.rejectionQuietPeriodMs,
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
      partnerOpportunitiesSource,
      createUnifiedRecommendationsSource(firstSeenIn(db)),
      brandMetricsAdapter,
      spConsolidatedSource,
      spBudgetSource,
      spThemeBidsSource,
      spTargetingSource,
    ],
    now,
    log,
  });

  const schedules = schedulesOf(env, sync.sources);
  const scheduler = new IngestScheduler({ sync, schedules, log: log.child({ component: 'ingest-scheduler' }), now });
  // Freshness is judged by the same per-source policies (FRESHNESS_POLICIES) the store uses.
  const sourceStatus = new SourceStatusService({ db, quarantine, schedules, now, policies: lifecycleConfig.policies });
  const stream = new StreamIngest({
    db,
    store,
    quarantine,
    now,
    log: log.child({ component: 'marketing-stream' }),
    options: {
      budgetUsageAlertPercent: env.STREAM_BUDGET_USAGE_ALERT_PERCENT,
      budgetRecommendationValidForMs: env.STREAM_BUDGET_RECOMMENDATION_VALID_HOURS * 3_600_000,
    },
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
  });
  const conflicts = new ConflictService({ db, store, lifecycle, now, log });
  lifecycle.attachConflicts(conflicts);
  const applyQueue =
    target.kind === 'postgres'
      ? new PgBossApplyQueue({ connectionString: target.url, schema: target.schema ?? 'pgboss' }, log)
      : new LocalApplyQueue(log);
  const apply = new ApplyService({ db, client, store, lifecycle, queue: applyQueue, log: log.child({ component: 'apply' }), now });
  const rules = new RuleService({
    db,
    store,
    lifecycle,
    apply,
    log: log.child({ component: 'rules' }),
    now,
    brandSignals: async (advertiserId) => {
      const [latest] = await brandMetrics.latestFor(advertiserId);
      return latest
        ? { newToBrandCustomerRate: latest.newToBrandCustomerRate, customerConversionRate: latest.customerConversionRate }
        : null;
    },
  });
  sync.afterIngest(async () => {
    await lifecycle.afterIngest();
    await rules.runAll('ingest');
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
    brandMetrics,
    lifecycleConfig,
    guardrails,
    lifecycle,
    conflicts,
    apply,
    rules,
    auth,
    createdDemoUsers,
    simulator,
    now,
    async close() {
      await scheduler.stop();
      await apply.stop();
      await client.close();
      await db.destroy();
      await simulator?.close();
    },
  };
}

export const WEB_DIST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');
