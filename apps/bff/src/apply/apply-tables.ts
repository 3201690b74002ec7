/**
 * The apply tables (migration 0008) as Kysely sees them; the apply component reads them through
 * `db.withTables<ApplyTables>()`, so the shared schema file does not grow with every component's tables.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export type ApplyTables = {
  apply_batches: {
    id: string;
    kind: string;
    actor_type: string;
    actor_id: string;
    actor_version: number | null;
    created_at: Timestamp;
    finished_at: Timestamp | null;
  };
  apply_chunks: {
    id: string;
    batch_id: string;
    call: string;
    group_key: string;
    done: Generated<boolean>;
    lease_owner: string | null;
    lease_until: Timestamp | null;
    created_at: Timestamp;
  };
  apply_items: {
    id: string;
    batch_id: string;
    chunk_id: string;
    recommendation_id: string;
    advertiser_id: string;
    state: string;
    call: string;
    plan: Json;
    expected_value: Json | null;
    target_value: Json | null;
    value_before: Json | null;
    value_after: Json | null;
    reason_code: string | null;
    reason: string | null;
    undo_of: string | null;
    attempts: Generated<number>;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  apply_attempts: {
    id: Generated<string>;
    item_id: string;
    idempotency_key: string;
    worker: string;
    call: string;
    request: Json | null;
    intent_at: Timestamp;
    outcome: string | null;
    outcome_at: Timestamp | null;
    response: Json | null;
  };
};
