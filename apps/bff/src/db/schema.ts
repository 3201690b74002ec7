/**
 * The tables as Kysely sees them. Row shapes here are storage, not domain: the store maps them to and from the
 * shared zod model, which stays the one definition of a Recommendation.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb is written as a JSON string (node-postgres would turn a JS array into a PostgreSQL array) and read parsed. */
type Json<T = unknown> = ColumnType<T, string, string>;

export interface RecommendationsTable {
  id: string;
  source: string;
  source_recommendation_id: string;
  source_type: string;
  kind: string;
  goal: string;
  title: string;
  description: string | null;
  advertiser_id: string;
  advertiser_name: string | null;
  profile_id: string | null;
  marketplace: string | null;
  campaign_id: string | null;
  entity: Json;
  action: Json;
  applicable: boolean;
  confidence: number | null;
  impact_score: number | null;
  estimated_impact: Json;
  generated_at: Timestamp;
  refreshed_at: Timestamp;
  expires_at: Timestamp | null;
  status: string;
  validation_issues: Json;
  version: Generated<number>;
  priority: number | null;
  /** Hash of the upstream facts: a re-sync that sees the same hash changes nothing. */
  content_hash: string;
  raw: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Lifecycle (migration 0004): when it was last rejected (the quiet period runs from here). */
  rejected_at: Timestamp | null;
  /** When upstream last sent it, changed or not: a stale item needs a recent sighting and a validation since. */
  last_seen_at: Timestamp | null;
  validated_at: Timestamp | null;
  /** The value the approver chose when it differs from the proposal. */
  approved_value: number | null;
  search_text: Generated<string>;
  /** Two-person rule (migration 0012): the first approval of `first_approval_version`, awaiting a second approver. */
  first_approver_id: Generated<string | null>;
  first_approved_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  first_approval_version: Generated<number | null>;
  first_approved_value: Generated<number | null>;
  /** Migration 0018: the live value read back after RecDesk applied (or undid) the change, and when. */
  live_value: Generated<Json | null>;
  live_value_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Migration 0024: the rule whose control group holds it back (and the day its measurement needs it until). */
  control_rule_id: Generated<string | null>;
  control_rule_name: Generated<string | null>;
  control_until: Generated<string | null>;
  /** When a person took it out of the control group by approving it anyway, and who. */
  control_left_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  control_left_by: Generated<string | null>;
}

export interface RecommendationEventsTable {
  id: Generated<string>;
  recommendation_id: string;
  at: Timestamp;
  actor_type: string;
  actor_id: string;
  from_status: string | null;
  to_status: string;
  reason: string | null;
  before: Json | null;
  after: Json | null;
  actor_version: number | null;
  note: string | null;
}

export interface IngestionRunsTable {
  id: string;
  trigger: string;
  source: string;
  status: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  fetched: number;
  stored: number;
  unchanged: number;
  quarantined: number;
  errors: Json<string[]>;
  /** Upstream cost of the run (migration 0002): attempts sent, answered 429, made again, failed; per endpoint. */
  upstream_calls: Generated<number>;
  throttled: Generated<number>;
  retried: Generated<number>;
  upstream_failed: Generated<number>;
  upstream_by_endpoint: ColumnType<
    Record<string, { calls: number; throttled: number; retried: number; failed: number }>,
    string | undefined,
    string
  >;
}

export interface QuarantineTable {
  id: string;
  source: string;
  run_id: string | null;
  /** Hash of source + location + raw payload, so that a re-sync does not quarantine the same item twice. */
  fingerprint: string;
  reason: string;
  location: string;
  raw: Json;
  quarantined_at: Timestamp;
  last_seen_at: Timestamp;
}

/** Brand Metrics per profile, brand and category node (migration 0003); rules read the two rates. */
export interface BrandMetricsTable {
  id: string;
  advertiser_id: string;
  advertiser_name: string | null;
  profile_id: string;
  marketplace: string | null;
  brand_name: string;
  category_tree_name: string;
  category_node_name: string;
  lookback_period: string;
  /** The report's metricsComputationDate (YYYY-MM-DD). */
  computed_on: ColumnType<string, string, string>;
  new_to_brand_customer_rate: number | null;
  new_to_brand_customer_rate_category_median: number | null;
  customer_conversion_rate: number | null;
  customer_conversion_rate_category_median: number | null;
  /** Every metric of the row, parsed to a number or null (`N/A`). */
  metrics: Json<Record<string, number | null>>;
  raw: Json;
  fetched_at: Timestamp;
}

/** Marketing Stream messages received, keyed for deduplication (migration 0003). */
export interface StreamMessagesTable {
  dedup_key: string;
  dataset_id: string;
  advertiser_id: string;
  marketplace_id: string;
  scope_id: string;
  event_at: Timestamp;
  payload: Json<Record<string, unknown>>;
  recommendation_id: string | null;
  /** When the message was claimed for processing (a claim older than the lease may be taken over). */
  received_at: Timestamp;
  /** Null while a consumer is processing it (0020). */
  processed_at: Timestamp | null;
}

export interface StreamSubscriptionsTable {
  id: string;
  advertiser_id: string;
  profile_id: string;
  region: string;
  data_set_id: string;
  destination_arn: string;
  notes: string | null;
  /** Amazon's status, or REQUESTED (sent, no answer yet) / FAILED (refused). */
  status: string;
  upstream_subscription_id: string | null;
  client_request_token: string;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_error: string | null;
}

export interface AdvertiserGuardrailsTable {
  advertiser_id: string;
  max_bid_change_pct: number | null;
  max_budget_change_pct: number | null;
  max_budget_change_per_day: number | null;
  updated_at: Timestamp;
}

export interface ConflictsTable {
  id: string;
  advertiser_id: string;
  kind: string;
  entity_key: string;
  fingerprint: string;
  explanation: string;
  suggested_resolution: string;
  primary_id: string | null;
  status: string;
  detected_at: Timestamp;
  resolved_at: Timestamp | null;
  resolution: string | null;
  choice: string | null;
}

export interface ConflictMembersTable {
  conflict_id: string;
  recommendation_id: string;
  open: boolean;
}

/** People who sign in (migration 0007): a role, and advertisers granted one by one or all. */
export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: string;
  all_advertisers: boolean;
  password_hash: string | null;
  oidc_subject: string | null;
  active: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_sign_in_at: Timestamp | null;
}

export interface UserAdvertisersTable {
  user_id: string;
  advertiser_id: string;
}

/** express-session's sessions (migration 0007), with the user pulled out so that an admin can revoke them. */
export interface SessionsTable {
  sid: string;
  user_id: string | null;
  data: Json<Record<string, unknown>>;
  expires_at: Timestamp;
  created_at: Timestamp;
}

/** Per advertiser: above this amount an approval needs a second approver (migration 0007). */
export interface ApprovalPoliciesTable {
  advertiser_id: string;
  second_approver_above: number | null;
  /** Above this percentage (a placement bid adjustment's new value, in percent) too (migration 0017). */
  second_approver_above_percent: number | null;
  updated_at: Timestamp;
}

/** The generated session-cookie secret, when SESSION_SECRET is not set (migration 0017; src/auth/session-secrets.ts). */
export interface SessionSecretsTable {
  name: string;
  secret: string;
  created_at: Timestamp;
}

/** Append-only (migration 0007): sign-ins, user changes and every lifecycle decision. */
export interface AuditLogTable {
  id: Generated<string>;
  at: Timestamp;
  actor: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  advertiser_id: string | null;
  ip: string | null;
  details: Json<Record<string, unknown>>;
}

/** Alert conditions as data (migration 0010), seeded with the defaults; admins edit threshold, severity, enabled. */
export interface AlertConditionsTable {
  id: string;
  kind: string;
  source: string | null;
  threshold: number;
  window_minutes: number | null;
  min_count: number | null;
  severity: string;
  enabled: boolean;
  description: string;
  updated_at: Timestamp;
  updated_by: string | null;
}

/** Alerts raised by the conditions (migration 0010): one open per condition and subject ('' or the source). */
export interface AlertsTable {
  id: string;
  condition_id: string;
  kind: string;
  severity: string;
  source: string | null;
  subject: string;
  message: string;
  opened_at: Timestamp;
  last_seen_at: Timestamp;
  resolved_at: Timestamp | null;
}

/** `date` columns are read as 'YYYY-MM-DD' strings (database.ts keeps them as text). */
export interface PerformanceDailyTable {
  entity_key: string;
  date: ColumnType<string, string, string>;
  entity_level: 'campaign' | 'adGroup' | 'keyword' | 'target';
  advertiser_id: string;
  profile_id: string;
  campaign_id: string;
  entity_name: string | null;
  impressions: number;
  clicks: number;
  cost: number;
  sales: number;
  orders: number;
  budget: number | null;
  currency: string | null;
  report_id: string | null;
  updated_at: Timestamp;
}

export interface PerformanceReportsTable {
  id: string;
  profile_id: string;
  advertiser_id: string;
  report_type: string;
  start_date: ColumnType<string, string, string>;
  end_date: ColumnType<string, string, string>;
  requested_on: ColumnType<string, string, string>;
  upstream_report_id: string | null;
  status: 'requested' | 'pending' | 'completed' | 'stored' | 'failed';
  failure_reason: string | null;
  polls: Generated<number>;
  next_poll_at: Timestamp | null;
  rows_stored: Generated<number>;
  /** Migration 0016: report rows that failed validation (quarantined). */
  rows_quarantined: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Ads API credentials stored by an admin (migration 0012), sealed by secret-box.ts; never sent anywhere. */
export interface AdsCredentialsTable {
  name: 'client_id' | 'client_secret' | 'refresh_token';
  sealed: string;
  last4: string;
  updated_by: string;
  updated_at: Timestamp;
}

/** Impact measurement (migration 0011): one row per measured change; `date` columns read as 'YYYY-MM-DD'. */
export interface ImpactResultsTable {
  id: string;
  recommendation_id: string;
  advertiser_id: string;
  source: string;
  kind: string;
  entity: string | null;
  cohort: 'person' | 'rule' | 'control';
  applied_at: Timestamp;
  applied_by: string;
  state: 'measuring' | 'measured' | 'insufficient_data' | 'not_measurable';
  measuring_until: ColumnType<string, string, string>;
  window_days: number;
  before_from: ColumnType<string, string, string>;
  before_to: ColumnType<string, string, string>;
  after_from: ColumnType<string, string, string>;
  after_to: ColumnType<string, string, string>;
  target_metric: string;
  effects: Json;
  verdict: 'improved' | 'worsened' | 'no_change' | null;
  promised: Json;
  realised_total: number | null;
  promised_total: number | null;
  baseline_campaigns: number;
  note: string | null;
  measured_at: Timestamp | null;
  computed_at: Timestamp;
  /** Migration 0025: the currency of the campaign's amounts (null for rows measured before it, or without data). */
  currency: Generated<string | null>;
  /** Migration 0025: the level the change was measured at, and why (its keyword or target, or its campaign). */
  measured_level: Generated<'campaign' | 'keyword' | 'target' | null>;
  level_reason: Generated<string | null>;
}

/** Ads API credentials stored by an admin (migration 0012), sealed by secret-box.ts; never sent anywhere. */
export interface AdsCredentialsTable {
  name: 'client_id' | 'client_secret' | 'refresh_token';
  sealed: string;
  last4: string;
  updated_by: string;
  updated_at: Timestamp;
}

export interface Database {
  recommendations: RecommendationsTable;
  exchange_rates: ExchangeRatesTable;
  recommendation_events: RecommendationEventsTable;
  ingestion_runs: IngestionRunsTable;
  quarantine: QuarantineTable;
  advertiser_guardrails: AdvertiserGuardrailsTable;
  conflicts: ConflictsTable;
  conflict_members: ConflictMembersTable;
  brand_metrics: BrandMetricsTable;
  stream_messages: StreamMessagesTable;
  stream_subscriptions: StreamSubscriptionsTable;
  users: UsersTable;
  user_advertisers: UserAdvertisersTable;
  sessions: SessionsTable;
  session_secrets: SessionSecretsTable;
  approval_policies: ApprovalPoliciesTable;
  audit_log: AuditLogTable;
  alert_conditions: AlertConditionsTable;
  alerts: AlertsTable;
  performance_daily: PerformanceDailyTable;
  performance_reports: PerformanceReportsTable;
  impact_results: ImpactResultsTable;
  ads_credentials: AdsCredentialsTable;
}

/** Exchange rates an admin maintains (migration 0025): 1 `from_currency` = `rate` `to_currency`, as of `as_of`. */
export interface ExchangeRatesTable {
  from_currency: string;
  to_currency: string;
  rate: number;
  as_of: ColumnType<string, string, string>;
  updated_by: string;
  updated_at: Timestamp;
}
