/**
 * The BFF's whole configuration, read from the environment in this one module and validated by zod at start. A bad
 * or missing variable stops the process with a message naming each one, never a crash later in a request.
 */
import { RecommendationSourceSchema } from '@recdesk/shared-types';
import * as croner from 'croner';
import { z } from 'zod';

const REGIONS = ['NA', 'EU', 'FE'] as const;
export type AdsRegion = (typeof REGIONS)[number];

const optionalUrl = z.url({ protocol: /^https?$/ }).optional();
const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

/** An ingestion schedule: a cron pattern (UTC), or `off`. */
function isScheduleOrOff(value: string): boolean {
  if (value === 'off') return true;
  try {
    new croner.Cron(value, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}
const schedule = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .refine(isScheduleOrOff, { message: 'must be a cron pattern in UTC such as "0 5 * * *" (05:00 daily), or off' });

const HoursSchema = z
  .number()
  .positive()
  .max(24 * 365);
const FreshnessOverridesSchema = z.partialRecord(
  RecommendationSourceSchema,
  z.strictObject({
    freshForHours: HoursSchema.optional(),
    staleAfterHours: HoursSchema.optional(),
    expireAfterHours: HoursSchema.optional(),
  }),
);

const LIVE_REQUIRED = ['ADS_CLIENT_ID', 'ADS_CLIENT_SECRET', 'ADS_REFRESH_TOKEN', 'ADS_PARTNER_ACCOUNT_ID'] as const;

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // JSON lines (pino), or a short summary for people; `auto`: the summary on a terminal, JSON otherwise.
    LOG_FORMAT: z.enum(['auto', 'json', 'human']).default('auto'),
    DATABASE_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^postgres(ql)?$/ }).optional()),
    // Connections per process on a PostgreSQL server (fleet sizing: every bff and worker process holds its own pools).
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
    /** pg-boss's own pool in each process that queues or works apply jobs (PostgreSQL server only). */
    APPLY_QUEUE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(2),
    // A schema of its own on a shared server (created if missing); the apply queue (pg-boss) lives in it too.
    DATABASE_SCHEMA: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase SQL name')
        .optional(),
    ),
    // How long an apply worker holds a chunk without renewing (it renews at a third of this while working): the
    // delay before a killed worker's chunk is reconciled and taken up by another.
    APPLY_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
    // Whether the server runs an apply worker (issue 18, item 5). `false`: the server only queues batches, and
    // `worker:apply` processes apply them, so that in a fleet the API servers and the apply workers scale apart.
    APPLY_EMBEDDED: z
      .enum(['true', 'false'])
      .default('true')
      .transform((value) => value === 'true'),
    /** How long a SIGTERM'd process waits for work under way before it exits anyway (a second signal: at once). */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
    RECDESK_DATA_DIR: z.string().min(1).default('./.recdesk'),
    // Sign-in and protection (issue 8): see src/auth/auth.ts.
    /** Comma-separated: the first signs the session cookie, every one verifies it (rotation); unset: kept in the database. */
    SESSION_SECRET: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .transform((value) => value.split(',').map((secret) => secret.trim()))
        .pipe(z.array(z.string().min(32, 'each secret must be at least 32 characters')).min(1))
        .optional(),
    ),
    SESSION_IDLE_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(12),
    SESSION_MAX_AGE_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 365)
      .default(24 * 7),
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(1200),
    RECDESK_ADMIN_EMAIL: z.preprocess(emptyToUndefined, z.email().optional()),
    RECDESK_ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(12, 'must be at least 12 characters').optional()),
    /** Key-encryption key of credentials stored in the database: 32 bytes in base64 (src/auth/secret-box.ts). */
    RECDESK_SECRETS_KEY: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes in base64 (openssl rand -base64 32)')
        .optional(),
    ),
    /** `POST /api/stream/messages` needs it in `x-recdesk-stream-secret` (or as HTTP Basic's password); unset: closed. */
    STREAM_SHARED_SECRET: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
    // OpenID Connect sign-in (optional; all four or none): see src/auth/oidc-sign-in.ts.
    OIDC_ISSUER_URL: z.preprocess(emptyToUndefined, optionalUrl),
    OIDC_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
    OIDC_CLIENT_SECRET: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
    OIDC_REDIRECT_URL: z.preprocess(emptyToUndefined, optionalUrl),
    OIDC_PROVIDER_NAME: z.string().trim().min(1).max(60).default('your identity provider'),
    /** An unknown person signing in through the provider becomes a viewer of no advertiser (else: refused). */
    OIDC_AUTO_CREATE: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true'),
    /** Behind a reverse proxy that terminates TLS: how many proxies to trust for the client address and https. */
    TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
    /** `GET /metrics` needs `Authorization: Bearer <token>` when set; unset, it is open to a Prometheus scraper. */
    METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
    /** The workers (ingest, apply) serve their own `/metrics` on this port when set. */
    METRICS_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65_535).optional()),
    /** When the alert conditions are evaluated (cron, UTC), in the server and the ingest worker, or `off`. */
    ALERTS_EVALUATE_SCHEDULE: schedule('* * * * *'),
    ADS_API_MODE: z.enum(['simulated', 'live']).default('simulated'),
    ADS_API_BASE_URL: z.preprocess(emptyToUndefined, optionalUrl),
    /** Simulated mode only: a simulator already running elsewhere (the fleet shares one) instead of starting one here. */
    ADS_SIMULATOR_URL: z.preprocess(emptyToUndefined, optionalUrl),
    ADS_LWA_TOKEN_URL: z.preprocess(emptyToUndefined, optionalUrl),
    ADS_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
    ADS_CLIENT_SECRET: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
    ADS_REFRESH_TOKEN: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
    ADS_PARTNER_ACCOUNT_ID: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
    ADS_REGIONS: z
      .string()
      .default('NA,EU,FE')
      .transform((value) => value.split(',').map((region) => region.trim().toUpperCase()))
      .pipe(z.array(z.enum(REGIONS, { error: 'each region must be one of NA, EU, FE' })).min(1)),
    ADS_SIMULATOR_PORT: z.coerce.number().int().min(0).max(65_535).default(0),
    ADS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
    // Retry and rate limits of the Ads API client (ads-client/ads-client.ts, ads-client/rate-limiter.ts).
    ADS_RETRY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(10),
    ADS_RETRY_BASE_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
    ADS_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(60_000),
    // Unset: Amazon's pace against the live API (10 a second, 5 in flight); the embedded simulator answers in-process
    // and limits nothing, so it is called 5 times faster (a first start's sync in seconds, not half a minute).
    ADS_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().max(10_000).optional(),
    ADS_RATE_LIMIT_CONCURRENCY: z.coerce.number().int().min(1).max(100).optional(),
    /** Per endpoint group, e.g. `partnerOpportunities=5,sp=20` (calls per second); other groups use the default. */
    ADS_RATE_LIMITS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^\s*[A-Za-z]+\s*=\s*\d+(\.\d+)?\s*(,\s*[A-Za-z]+\s*=\s*\d+(\.\d+)?\s*)*$/, 'must read like partnerOpportunities=5,sp=20')
        .transform(
          (text) =>
            Object.fromEntries(
              text
                .split(',')
                .map((pair) => pair.split('=').map((part) => part.trim()))
                .map(([group, rate]) => [group, Number(rate)]),
            ) as Record<string, number>,
        )
        .optional(),
    ),
    SYNC_ON_START: z
      .enum(['true', 'false'])
      .default('true')
      .transform((value) => value === 'true'),
    // Ingestion (issue 3): see src/ingest/scheduler.ts. Unset, the scheduler runs inside the server in simulated mode.
    INGEST_EMBEDDED: z
      .enum(['true', 'false'])
      .optional()
      .transform((value) => (value === undefined ? undefined : value === 'true')),
    // A failed scheduled sync is tried again after this wait, doubled each time up to the cap; 0 turns it off.
    INGEST_RETRY_FIRST_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
    INGEST_RETRY_MAX_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(900_000),
    INGEST_SCHEDULE_PARTNER_OPPORTUNITIES: schedule('0 5 * * *'),
    INGEST_SCHEDULE_UNIFIED_RECOMMENDATIONS: schedule('15 5 * * *'),
    INGEST_SCHEDULE_SP_CONSOLIDATED: schedule('30 5 * * *'),
    INGEST_SCHEDULE_SP_BUDGET: schedule('5 * * * *'),
    INGEST_SCHEDULE_SP_THEME_BIDS: schedule('45 5 * * *'),
    INGEST_SCHEDULE_SP_TARGETING: schedule('0 6 * * 1'),
    INGEST_SCHEDULE_SB_RECOMMENDATIONS: schedule('50 5 * * *'),
    INGEST_SCHEDULE_SD_RECOMMENDATIONS: schedule('55 5 * * *'),
    INGEST_SCHEDULE_BRAND_METRICS: schedule('0 7 * * 1'),
    INGEST_SCHEDULE_AUDIENCE_INSIGHTS: schedule('30 7 * * 1'),
    INGEST_SCHEDULE_REACH_FORECASTING: schedule('50 5 * * *'),
    INGEST_SCHEDULE_PERSONA_BUILDER: schedule('40 7 * * 1'),
    INGEST_SCHEDULE_BRAND_BENCHMARKS: schedule('10 8 * * 1'),
    INGEST_SCHEDULE_HISTORIC_REACH: schedule('20 8 * * 1'),
    // Brand View Pro (Brand Benchmarks): its manager account when not the partner network's, and `accountId=code`
    // pairs where an advertiser's ABVP code is not its account id.
    BRAND_BENCHMARKS_MANAGER_ACCOUNT_ID: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
    BRAND_BENCHMARKS_ADVERTISER_CODES: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[^=,\s]+=[^=,\s]+(,[^=,\s]+=[^=,\s]+)*$/)
        .optional(),
    ),
    BRAND_METRICS_REPORT_FORMAT: z.enum(['JSON', 'CSV']).default('CSV'),
    BRAND_METRICS_POLL_INTERVAL_MS: z.coerce.number().int().min(1).max(60_000).default(2_000),
    // Performance data (issue 6): see src/performance/performance-ingest.ts.
    PERFORMANCE_SYNC_SCHEDULE: schedule('25 * * * *'),
    PERFORMANCE_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(95).default(60),
    // Unset: 5 s against Amazon, 250 ms against the simulator (its reports are ready on the third poll).
    PERFORMANCE_REPORT_POLL_INTERVAL_MS: z.coerce.number().int().min(1).max(60_000).optional(),
    PERFORMANCE_REPORT_MAX_WAIT_MS: z.coerce.number().int().min(1).max(3_600_000).default(900_000),
    // Marketing Stream from SQS (issue 17): see src/ingest/sqs-stream-consumer.ts and stream-queue-config.ts.
    /** The queue Stream delivers into (https://sqs.<region>.amazonaws.com/<account>/<name>); unset: no consumer (live). */
    STREAM_SQS_QUEUE_URL: z.preprocess(emptyToUndefined, optionalUrl),
    /** Unset: read from the queue URL's host (sqs.<region>.amazonaws.com), else us-east-1. */
    STREAM_SQS_REGION: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1')
        .optional(),
    ),
    /** An SQS-compatible endpoint instead of AWS's (a local emulator). */
    STREAM_SQS_ENDPOINT: z.preprocess(emptyToUndefined, optionalUrl),
    /** Static keys (both or neither); unset: the AWS SDK's default chain (environment, profile, instance role). */
    STREAM_SQS_ACCESS_KEY_ID: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
    STREAM_SQS_SECRET_ACCESS_KEY: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
    STREAM_SQS_CONSUMERS: z.coerce.number().int().min(1).max(16).default(1),
    STREAM_SQS_WAIT_SECONDS: z.coerce.number().int().min(0).max(20).default(20),
    STREAM_SQS_VISIBILITY_SECONDS: z.coerce.number().int().min(5).max(43_200).default(60),
    /** A message received more often than this without being stored is quarantined as poison and deleted. */
    STREAM_SQS_MAX_RECEIVES: z.coerce.number().int().min(1).max(1_000).default(5),
    /** Simulated mode: the simulator runs Marketing Stream into its SQS queue and this BFF reads it (default on). */
    STREAM_SIMULATED: z
      .enum(['true', 'false'])
      .default('true')
      .transform((value) => value === 'true'),
    /** How often (ms) the simulated Stream sends what became due on its clock. */
    STREAM_SIMULATED_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
    STREAM_BUDGET_USAGE_ALERT_PERCENT: z.coerce.number().positive().max(1_000).default(90),
    STREAM_BUDGET_RECOMMENDATION_VALID_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(24),
    // Lifecycle (issue 4): see src/lifecycle/lifecycle-config.ts for how these are read.
    REJECTION_QUIET_PERIOD_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 365)
      .default(24 * 7),
    EXPIRY_JOB_SCHEDULE: schedule('* * * * *'),
    GUARDRAIL_MAX_BID_CHANGE_PCT: z.coerce.number().positive().max(10_000).default(100),
    GUARDRAIL_MAX_BUDGET_CHANGE_PCT: z.coerce.number().positive().max(10_000).default(100),
    GUARDRAIL_MAX_BUDGET_CHANGE_PER_DAY: z.coerce.number().positive().default(1000),
    // Impact measurement (issue 6): see src/impact/impact-measurement.ts.
    IMPACT_WINDOW_DAYS: z.coerce.number().int().min(2).max(90).default(14),
    IMPACT_ATTRIBUTION_SETTLE_DAYS: z.coerce.number().int().min(0).max(30).default(3),
    IMPACT_JOB_SCHEDULE: schedule('20 * * * *'),
    /** JSON: per source `{freshForHours, staleAfterHours, expireAfterHours}`, each optional, over the defaults. */
    FRESHNESS_POLICIES: z.preprocess(emptyToUndefined, z.string().optional()).pipe(
      z
        .string()
        .transform((text, ctx) => {
          try {
            return JSON.parse(text) as unknown;
          } catch {
            ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
            return z.NEVER;
          }
        })
        .pipe(FreshnessOverridesSchema)
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    const oidc = ['OIDC_ISSUER_URL', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URL'] as const;
    if (oidc.some((name) => env[name]) && !oidc.every((name) => env[name])) {
      for (const name of oidc)
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when any OIDC_ variable is set' });
    }
    // On PGlite nothing else may open the directory while the server runs: without its own worker nothing would apply.
    if (!env.APPLY_EMBEDDED && !env.DATABASE_URL)
      ctx.addIssue({
        code: 'custom',
        path: ['APPLY_EMBEDDED'],
        message: 'may be false only with DATABASE_URL (a worker:apply process needs the database too)',
      });
    if (Boolean(env.STREAM_SQS_ACCESS_KEY_ID) !== Boolean(env.STREAM_SQS_SECRET_ACCESS_KEY)) {
      for (const name of ['STREAM_SQS_ACCESS_KEY_ID', 'STREAM_SQS_SECRET_ACCESS_KEY'] as const)
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when the other STREAM_SQS_ key is set' });
    }
    if (env.ADS_API_MODE !== 'live') return;
    if (env.ADS_SIMULATOR_URL)
      ctx.addIssue({ code: 'custom', path: ['ADS_SIMULATOR_URL'], message: 'is only read with ADS_API_MODE=simulated' });
    for (const name of LIVE_REQUIRED) {
      if (!env[name] && !storable(name, env.RECDESK_SECRETS_KEY))
        ctx.addIssue({ code: 'custom', path: [name], message: LIVE_REQUIRED_MESSAGE });
    }
  });

/** With RECDESK_SECRETS_KEY, an admin may store the LWA client id, secret and refresh token instead (encrypted). */
function storable(name: (typeof LIVE_REQUIRED)[number], secretsKey: string | undefined): boolean {
  return Boolean(secretsKey) && name !== 'ADS_PARTNER_ACCOUNT_ID';
}

const LIVE_REQUIRED_MESSAGE = 'is required when ADS_API_MODE=live';

export type Env = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const value = source[name];
    return `${name}: ${issue.message}${value === undefined ? ' (not set)' : ` (got ${JSON.stringify(redactIfSecret(name, value))})`}`;
  });
  // The live-mode check runs only on an otherwise valid environment; name its missing variables in the same message.
  if (source.ADS_API_MODE === 'live') {
    for (const name of LIVE_REQUIRED) {
      if (!source[name] && !storable(name, source.RECDESK_SECRETS_KEY) && !problems.some((p) => p.startsWith(`${name}:`)))
        problems.push(`${name}: ${LIVE_REQUIRED_MESSAGE} (not set)`);
    }
  }
  throw new ConfigError(problems);
}

function redactIfSecret(name: string, value: string): string {
  if (name === 'DATABASE_URL') return value.replace(/\/\/[^@/]*@/, '//***@');
  return /SECRET|TOKEN|PASSWORD/.test(name) && !name.endsWith('_URL') ? '***' : value;
}

/** The Ads API hosts per region (facts.md §0). `ADS_API_BASE_URL`, when set, replaces all of them. */
export const REGION_HOSTS: Readonly<Record<AdsRegion, string>> = {
  NA: 'https://advertising-api.amazon.com',
  EU: 'https://advertising-api-eu.amazon.com',
  FE: 'https://advertising-api-fe.amazon.com',
};

export const DEFAULT_LWA_TOKEN_URL = 'https://api.amazon.com/auth/o2/token';
