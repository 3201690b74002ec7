/**
 * The lifecycle's shell: approve, reject, bulk actions, history, validation, expiry. Each action reads the item,
 * asks the pure machine (lifecycle-machine.ts) and validator whether it may happen, and writes the change with a
 * conditional UPDATE (`WHERE version = $seen AND status = $from`) and its event in one transaction, so two people
 * acting at once cannot both win and no change goes unrecorded. The database's transition trigger is the backstop
 * for any writer that bypasses this module.
 *
 * Conflicts are a later stage of the journey (src/conflicts); they plug in through the ConflictGate interface so that
 * this module never imports them.
 */

import {
  type AcknowledgeBody,
  type ActionableRecommendation,
  type ActionVerdict,
  type Actor,
  type ApproveBody,
  type BulkActionBody,
  type BulkActionResult,
  type BulkItemResult,
  type DismissBody,
  type EntityRef,
  type ItemAction,
  type ItemActionAnswer,
  type LifecycleStatus,
  type Recommendation,
  type RecommendationEvent,
  type RecommendationHistory,
  RecommendationSourceSchema,
  type RejectBody,
  type UnapproveBody,
  type ValidationIssue,
} from '@recdesk/shared-types';
import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import { type ApprovalThresholds, secondApproverNeeded, stakeOf } from '../auth/approval-policy.ts';
import type { Db } from '../db/database.ts';
import { CONTROL_GROUP_LEFT_REASON } from '../db/migrations/0024-measured-and-controls.ts';
import { lockRecommendationsInIdOrder } from '../db/row-locks.ts';
import type { Database } from '../db/schema.ts';
import { retryOnTransientConflict } from '../db/transient-conflict.ts';
import { ConflictError, DomainError, NotAllowedError, NotFoundError } from '../errors/domain-errors.ts';
import { type AdmissionCheck, LIVE_STATUSES, ValidationAdmission, validationReasonOf } from './admission.ts';
import {
  type ActionFacts,
  type ActionRequest,
  allowedActions,
  decideAction,
  type Person,
  SYSTEM_PERSON,
  type WriterVerdict,
} from './allowed-actions.ts';
import { changesOf, type TouchedAdvertiser } from './change-tracker.ts';
import { entityKeyOf } from './entity-keys.ts';
import type { GuardrailStore } from './guardrail-store.ts';
import type { GuardrailLimits } from './lifecycle-config.ts';
import {
  type ActionSubject,
  type Decision,
  decideApply,
  decideTransition,
  type OpenConflictRef,
  type Refusal,
  type RefusalCode,
} from './lifecycle-machine.ts';
import { readNeighbourhood } from './neighbourhood.ts';
import {
  controlGroupOf,
  insertEvents,
  LEAN_COLUMNS,
  type LeanRecommendationRow,
  type RecommendationRow,
  type RecommendationStore,
} from './recommendation-store.ts';
import {
  type KnownEntityState,
  type KnownStateSubject,
  type KnownStates,
  knownStatesFromRecommendations,
  statusAfterValidation,
  VALIDATABLE_STATUSES,
  validateRecommendation,
  valueIssuesOf,
} from './recommendation-validator.ts';

type Executor = Kysely<Database>;

/** What the conflicts component offers the lifecycle (implemented in src/conflicts/conflict-service.ts). */
export interface ConflictGate {
  openConflictsOf(db: Executor, ids: readonly string[]): Promise<Map<string, (OpenConflictRef & { memberIds: string[] })[]>>;
  /** Marks conflicts resolved by a person's explicit choice, so that the engine does not raise them again. */
  resolveByChoice(
    db: Executor,
    conflictIds: readonly string[],
    choice: 'reject_others' | 'keep_others',
    resolution: string,
    now: Date,
  ): Promise<void>;
  /** Re-runs detection over these advertisers' whole queues (explicit re-validation). */
  redetect(advertiserIds: readonly string[]): Promise<void>;
  /** Re-runs detection over the neighbourhoods of these changes only (after an ingest or a decision). */
  redetectChanged(changes: readonly TouchedAdvertiser[]): Promise<void>;
}

/**
 * Known entity state beyond what the recommendations themselves report: the SP list endpoints' current bids, budgets
 * and states (src/sources/shared/entity-catalog.ts) plug in here. The default knows nothing more. Asked once per page
 * of the advertiser's live items (their entities and actions), so that no caller holds them all at once.
 */
export interface EntityStateProvider {
  statesFor(advertiserId: string, items: readonly KnownStateSubject[]): Promise<KnownStates>;
}

export class LifecycleRefusedError extends ConflictError {
  constructor(refusal: Refusal, current: Recommendation, conflictIds?: readonly string[], block?: ActionVerdict['reason']) {
    super(refusal.message, {
      currentStatus: current.status,
      currentVersion: current.version,
      current,
      refusal: refusal.code,
      ...(block ? { block } : {}),
      ...(conflictIds ? { conflictIds } : {}),
    });
  }
}

/** The 409's `refusal` (the older, coarser codes screens already read) of an allowed-actions block. */
function refusalCodeOf(block: NonNullable<ActionVerdict['reason']>): RefusalCode {
  switch (block) {
    case 'stale_version':
    case 'expired':
    case 'stale':
    case 'conflict':
    case 'validation':
      return block;
    case 'guardrail':
      return 'validation';
    default:
      return 'not_allowed';
  }
}

/** The person an actor stands for when a caller names none: a user acting is an approver (the auth guard let them), anything else the system. */
function personOfActor(actor: Actor): Person {
  return actor.type === 'user' ? { role: 'approver', id: actor.id, advertiserIds: 'all' } : SYSTEM_PERSON;
}

/** Without a writer catalogue (tests of the lifecycle alone), anything applicable counts as writable. */
function defaultWriter(recommendation: Pick<Recommendation, 'applicable'>): WriterVerdict {
  return recommendation.applicable
    ? { ok: true, undoable: true }
    : { ok: false, code: 'insight', message: 'This recommendation is an insight: nothing can be applied upstream.', link: null };
}

export interface LifecycleDeps {
  db: Db;
  store: RecommendationStore;
  guardrails: GuardrailStore;
  now: () => Date;
  log: Logger;
  entityStates?: EntityStateProvider;
  /** Re-syncs one source (the ingest component), for a re-validation against fresh upstream data. */
  resync?: (source: Recommendation['source']) => Promise<void>;
  /** The two-person rule (src/auth/approval-policy.ts): each advertiser's amount and percentage above which one approval is not enough. */
  approvalPolicies?: ApprovalPolicies;
  /** Whether RecDesk can write an item's change (src/apply's writerOf, handed in: the lifecycle never imports apply). */
  writers?: (recommendation: Recommendation) => WriterVerdict;
}

/** What the lifecycle needs of the approval policies (implemented by src/auth's ApprovalPolicyStore). */
export interface ApprovalPolicies {
  thresholdsOf(advertiserId: string, db: Executor): Promise<ApprovalThresholds>;
}

/** Who approved, as the two-person rule compares them: a person by their email, anything else by type and id. */
function approverIdOf(actor: Actor): string {
  return actor.type === 'user' ? actor.id : `${actor.type}:${actor.id}`;
}

const SYSTEM = (id: string): Actor => ({ type: 'system', id, version: null });
/**
 * The validation mark as part of another UPDATE of the row: the same rule as the pass that marks the rest (only rows
 * seen upstream since their last validation), so a row is written once, not twice.
 */
function validatedAtMark(at: Date) {
  return sql`CASE WHEN r.validated_at IS NULL OR r.validated_at < r.last_seen_at THEN ${at}::timestamptz ELSE r.validated_at END`;
}

/** Rows read per page when validating or deriving known state: memory per advertiser stays bounded. */
const PAGE_SIZE = 1000;

interface ValidationUpdate {
  row: LeanRecommendationRow;
  to: LifecycleStatus;
  issues: ValidationIssue[];
}

/** The reason of a withdrawal's event: migration 0019's audit trigger records it as `recommendation.approval_withdrawn`. */
const APPROVAL_WITHDRAWN = 'approval withdrawn';

/** A withdrawal leaves no first approval of the two-person rule behind: the next approval starts the rule afresh. */
const NO_FIRST_APPROVAL = {
  first_approver_id: null,
  first_approved_at: null,
  first_approval_version: null,
  first_approved_value: null,
} as const;

function isTransitionViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'RD409';
}

export class LifecycleService {
  private conflicts: ConflictGate | null = null;

  constructor(private readonly deps: LifecycleDeps) {}

  attachConflicts(gate: ConflictGate): void {
    this.conflicts = gate;
  }

  /** Validation as the store asks it of a batch before merging it (admission.ts), from the same known state. */
  admission(): AdmissionCheck {
    const { db, guardrails, entityStates } = this.deps;
    return new ValidationAdmission({ db, guardrails, entityStates });
  }

  private subjectOf(row: LeanRecommendationRow): ActionSubject {
    const source = RecommendationSourceSchema.parse(row.source);
    return {
      id: row.id,
      status: row.status as LifecycleStatus,
      version: row.version,
      expiresAt: row.expires_at ? new Date(row.expires_at) : null,
      freshness: this.deps.store.freshnessOfRow(row),
      lastSeenAt: row.last_seen_at ? new Date(row.last_seen_at) : null,
      validatedAt: row.validated_at ? new Date(row.validated_at) : null,
      freshForMs: this.deps.store.policies[source].freshForMs,
      validationIssues: row.validation_issues as ValidationIssue[],
      source,
    };
  }

  private async currentOf(id: string, db: Executor = this.deps.db): Promise<Recommendation> {
    const current = await this.deps.store.get(id, db);
    if (!current) throw new NotFoundError('Recommendation', id);
    const { raw: _raw, ...recommendation } = current;
    return recommendation;
  }

  /** What allowed-actions needs of one item, read with its row (which holds what the model does not: sightings). */
  private factsOf(row: LeanRecommendationRow, conflicts: readonly OpenConflictRef[], person: Person): ActionFacts {
    const recommendation = this.deps.store.toRecommendation(row);
    return {
      subject: this.subjectOf(row),
      item: recommendation,
      conflicts,
      writer: (this.deps.writers ?? defaultWriter)(recommendation),
      person,
      now: this.deps.now(),
    };
  }

  /** Refuses unless allowed-actions allows `action` for this request: the one rule the screens were shown. */
  private async enforce(
    action: ItemAction,
    row: LeanRecommendationRow,
    conflicts: readonly (OpenConflictRef & { memberIds?: string[] })[],
    person: Person,
    request: ActionRequest,
    db: Executor,
  ): Promise<void> {
    const verdict = decideAction(action, this.factsOf(row, conflicts, person), request);
    if (verdict.allowed || verdict.reason === null) return;
    if (verdict.reason === 'role') throw new NotAllowedError(verdict.message ?? 'Not allowed for your role.');
    if (verdict.reason === 'scope') throw new NotFoundError('Recommendation', row.id);
    const conflictIds = verdict.reason === 'conflict' ? conflicts.filter((c) => c.blocking).map((c) => c.id) : undefined;
    throw new LifecycleRefusedError(
      { code: refusalCodeOf(verdict.reason), message: verdict.message ?? 'Not allowed.' },
      await this.currentOf(row.id, db),
      conflictIds,
      verdict.reason,
    );
  }

  /**
   * Items as answered to a person: each with the actions they may take on it now (allowed-actions.ts). Reads the rows
   * (for sightings and validation marks) and the open conflicts of the page in two queries.
   */
  async withActions(items: readonly Recommendation[], person: Person, db: Executor = this.deps.db): Promise<ActionableRecommendation[]> {
    if (items.length === 0) return [];
    const ids = items.map((item) => item.id);
    const [rows, conflicts] = await Promise.all([
      db.selectFrom('recommendations').select(LEAN_COLUMNS).where('id', 'in', ids).execute(),
      this.conflicts ? this.conflicts.openConflictsOf(db, ids) : Promise.resolve(new Map<string, OpenConflictRef[]>()),
    ]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return items.map((item) => {
      const row = byId.get(item.id);
      if (!row) return { ...item, actions: allowedActions({ ...this.missingFacts(item), person }) };
      return { ...item, actions: allowedActions(this.factsOf(row, conflicts.get(item.id) ?? [], person)) };
    });
  }

  /**
   * Rows a list or detail read already holds, answered with the actions the person may take: no second read of the
   * rows, only of their open conflicts (as refs for the decision, as ids for the answer, concurrently).
   */
  async rowsWithActions(
    rows: readonly LeanRecommendationRow[],
    person: Person,
    db: Executor = this.deps.db,
  ): Promise<ActionableRecommendation[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    // One read of the page's open conflicts: the refs the verdicts need, and the ids the items carry (sorted, as
    // openConflictIdsOf answers them).
    const conflicts: Map<string, OpenConflictRef[]> = this.conflicts ? await this.conflicts.openConflictsOf(db, ids) : new Map();
    const conflictIds = this.conflicts
      ? new Map([...conflicts].map(([id, refs]) => [id, refs.map((ref) => ref.id).sort()]))
      : await this.deps.store.openConflictIdsOf(ids, db);
    return rows.map((row) => ({
      ...this.deps.store.toRecommendation(row, conflictIds.get(row.id)),
      actions: allowedActions(this.factsOf(row, conflicts.get(row.id) ?? [], person)),
    }));
  }

  /** An item that vanished between the read and the decoration: nothing may be done with it. */
  private missingFacts(item: Recommendation): Omit<ActionFacts, 'person'> {
    return {
      subject: {
        id: item.id,
        status: 'expired',
        version: item.version,
        expiresAt: null,
        freshness: item.freshness,
        lastSeenAt: null,
        validatedAt: null,
        freshForMs: 0,
        validationIssues: item.validationIssues,
        source: item.source,
      },
      item,
      conflicts: [],
      writer: (this.deps.writers ?? defaultWriter)(item),
      now: this.deps.now(),
    };
  }

  /**
   * Allowed-actions' verdict on one action for each of these rows (the apply path asks it for 'apply' before it plans
   * anything), reading their open conflicts in one query.
   */
  async verdicts(action: ItemAction, rows: readonly LeanRecommendationRow[], person: Person): Promise<Map<string, ActionVerdict>> {
    const conflicts = this.conflicts
      ? await this.conflicts.openConflictsOf(
          this.deps.db,
          rows.map((row) => row.id),
        )
      : new Map<string, OpenConflictRef[]>();
    return new Map(rows.map((row) => [row.id, decideAction(action, this.factsOf(row, conflicts.get(row.id) ?? [], person))]));
  }

  /** One item's answer to a person: the item now, with its actions, and the other items the action changed. */
  async answer(id: string, person: Person, alsoChangedIds: readonly string[] = []): Promise<ItemActionAnswer> {
    const items = await this.deps.store.getMany([id, ...alsoChangedIds.filter((other) => other !== id)]);
    const decorated = await this.withActions(items, person);
    const main = decorated.find((item) => item.id === id);
    if (!main) throw new NotFoundError('Recommendation', id);
    return { ...main, alsoChanged: decorated.filter((item) => item.id !== id) };
  }

  private async staleVersion(id: string, seen: number): Promise<never> {
    const current = await this.currentOf(id);
    throw new LifecycleRefusedError(
      {
        code: 'stale_version',
        message: `Someone or something changed the recommendation while you acted (you saw version ${seen}, it is now version ${current.version}, status '${current.status}'). Review it again.`,
      },
      current,
    );
  }

  /**
   * Known state of an advertiser's entities: what its live items report, overlaid by the provider's facts. Read a
   * page at a time and only the columns the state is derived from, so memory holds one entry per entity, not the
   * advertiser's items.
   */
  async knownStatesOf(advertiserId: string, db: Executor = this.deps.db): Promise<KnownStates> {
    const known = new Map<string, KnownEntityState>();
    // The provider's facts win over anything the items report, whichever page reported it.
    const provided = new Map<string, KnownEntityState>();
    let after: string | null = null;
    for (;;) {
      let query = db
        .selectFrom('recommendations')
        .select(['id', 'source', 'entity', 'action', 'refreshed_at'])
        .where('advertiser_id', '=', advertiserId)
        .where('status', 'in', LIVE_STATUSES)
        .orderBy('id')
        .limit(PAGE_SIZE);
      if (after !== null) query = query.where('id', '>', after);
      const rows = await query.execute();
      const subjects: KnownStateSubject[] = rows.map((row) => ({
        source: RecommendationSourceSchema.parse(row.source),
        entity: row.entity as Recommendation['entity'],
        action: row.action as Recommendation['action'],
        refreshedAt: new Date(row.refreshed_at).toISOString(),
      }));
      knownStatesFromRecommendations(subjects, known);
      if (this.deps.entityStates)
        for (const [key, state] of await this.deps.entityStates.statesFor(advertiserId, subjects)) provided.set(key, state);
      after = rows.at(-1)?.id ?? null;
      if (rows.length < PAGE_SIZE || after === null) break;
    }
    for (const [key, state] of provided) known.set(key, state);
    return known;
  }

  /** One page of an advertiser's validatable items (without `raw`), in id order after `after`. */
  private validatablePage(advertiserId: string, after: string | null): Promise<LeanRecommendationRow[]> {
    let query = this.deps.db
      .selectFrom('recommendations')
      .select(LEAN_COLUMNS)
      .where('advertiser_id', '=', advertiserId)
      .where('status', 'in', VALIDATABLE_STATUSES)
      .orderBy('id')
      .limit(PAGE_SIZE);
    if (after !== null) query = query.where('id', '>', after);
    return query.execute();
  }

  /**
   * Moves one item from the status it was read in to `to`, if it still has the version it was read with. Returns
   * false when it changed meanwhile (the caller answers 409 with the current state).
   */
  private async write(
    db: Executor,
    row: RecommendationRow,
    to: LifecycleStatus,
    event: { actor: Actor; reason: string | null; note?: string | null; before?: unknown; after?: unknown },
    set: {
      rejected_at?: Date | null;
      approved_value?: number | null;
      first_approver_id?: null;
      first_approved_at?: null;
      first_approval_version?: null;
      first_approved_value?: null;
    } = {},
  ): Promise<boolean> {
    const now = this.deps.now();
    try {
      const updated = await db
        .updateTable('recommendations')
        .set((eb) => ({ status: to, version: eb(eb.ref('version'), '+', 1), updated_at: now, ...set }))
        .where('id', '=', row.id)
        .where('version', '=', row.version)
        .where('status', '=', row.status)
        .returning('id')
        .executeTakeFirst();
      if (!updated) return false;
    } catch (error) {
      if (isTransitionViolation(error)) {
        throw new ConflictError(decideTransitionMessage(row.status, to));
      }
      throw error;
    }
    await insertEvents(
      db,
      [
        {
          recommendation_id: row.id,
          from_status: row.status,
          to_status: to,
          reason: event.reason,
          note: event.note ?? null,
          before: event.before === undefined ? null : JSON.stringify(event.before),
          after: event.after === undefined ? null : JSON.stringify(event.after),
          actor_type: event.actor.type,
          actor_id: event.actor.id,
          actor_version: event.actor.version,
        },
      ],
      now,
    );
    return true;
  }

  async approve(
    id: string,
    body: ApproveBody,
    actor: Actor,
    options: { bulk?: boolean; known?: KnownStates; person?: Person } = {},
  ): Promise<Recommendation> {
    return (await this.approveWithChanges(id, body, actor, options)).item;
  }

  /**
   * Approves (allowed-actions decides whether it may), and says which other items it changed: the other side of a
   * conflict it resolved by rejecting them.
   */
  async approveWithChanges(
    id: string,
    body: ApproveBody,
    actor: Actor,
    options: { bulk?: boolean; known?: KnownStates; person?: Person } = {},
  ): Promise<{ item: Recommendation; alsoChanged: string[] }> {
    const { db, store, now } = this.deps;
    const person = options.person ?? personOfActor(actor);
    const row = await store.getRow(id);
    if (!row) throw new NotFoundError('Recommendation', id);
    const recommendation = store.toRecommendation(row);
    const known = options.known ?? (await this.knownStatesOf(row.advertiser_id));
    const limits = await this.deps.guardrails.forAdvertiser(row.advertiser_id);
    const outcome = validateRecommendation(
      recommendation,
      known,
      limits,
      body.editedValue === undefined ? {} : { value: body.editedValue },
    );
    const alsoChanged: string[] = [];
    const redetect: RecommendationRow[] = [];
    let written = false;
    let firstApprovalOnly = false;
    await db.transaction().execute(async (trx) => {
      const conflicts = (await this.conflicts?.openConflictsOf(trx, [id]))?.get(id) ?? [];
      await this.enforce(
        body.editedValue === undefined ? 'approve' : 'edit',
        row,
        conflicts,
        person,
        {
          expectedVersion: body.version,
          valueIssues: valueIssuesOf(outcome),
          ...(body.conflictResolution ? { conflictResolution: body.conflictResolution } : {}),
          bulk: options.bulk ?? false,
        },
        trx,
      );
      const control = controlGroupOf(row, now());
      if (control) this.refuseControlApproval(recommendation, control, body, options.bulk ?? false);
      const field = recommendation.action.field ?? 'value';
      const edited = body.editedValue !== undefined;
      const secondApproval = await this.secondApprovalNeeded(trx, row, recommendation, body, actor);
      if (secondApproval !== 'no') {
        firstApprovalOnly = true;
        // The same approver again changes nothing; otherwise this approval is recorded as the first of two.
        written = secondApproval === 'already_recorded' || (await this.recordFirstApproval(trx, row, body, actor));
        return;
      }
      written = await this.write(
        trx,
        row,
        'approved',
        {
          actor,
          reason: edited ? 'approved with an edited value' : 'approved',
          note: body.note ?? null,
          before: edited ? { [field]: recommendation.action.to } : undefined,
          after: edited ? { [field]: body.editedValue } : undefined,
        },
        { approved_value: body.editedValue ?? null },
      );
      if (!written) return;
      if (control) await this.leaveControlGroup(trx, row, control, actor);
      const blocking = conflicts.filter((c) => c.blocking);
      if (blocking.length === 0 || !body.conflictResolution) return;
      if (body.conflictResolution === 'reject_others') {
        const others = [...new Set(blocking.flatMap((c) => c.memberIds).filter((other) => other !== id))];
        for (const otherId of others) {
          const other = await store.getRow(otherId, trx);
          if (!other || !decideTransition(other.status as LifecycleStatus, 'rejected').ok) continue;
          alsoChanged.push(otherId);
          redetect.push(other);
          await this.write(
            trx,
            other,
            'rejected',
            {
              actor,
              reason: 'conflicts_with_strategy',
              note: `Rejected in favour of ${id} ("${recommendation.title}") to resolve ${blocking.length === 1 ? 'a conflict' : 'conflicts'}.`,
            },
            { rejected_at: now(), approved_value: null },
          );
        }
      }
      const resolution =
        body.conflictResolution === 'reject_others'
          ? `${actor.id} approved ${id} and rejected the other side`
          : `${actor.id} approved ${id} and chose to keep the others`;
      await this.conflicts?.resolveByChoice(
        trx,
        blocking.map((c) => c.id),
        body.conflictResolution,
        resolution,
        now(),
      );
      redetect.push(row);
    });
    if (!written) await this.staleVersion(id, body.version);
    if (firstApprovalOnly) return { item: await this.currentOf(id), alsoChanged };
    if (redetect.length > 0) await this.afterDecision(redetect);
    return { item: await this.currentOf(id), alsoChanged };
  }

  /**
   * A rule's held-back control is approved only when the person says they mean to take it out of the control group
   * (never in bulk): approving it spoils the rule's comparison for as long as its measurement runs.
   */
  private refuseControlApproval(
    recommendation: Recommendation,
    control: NonNullable<Recommendation['controlGroup']>,
    body: ApproveBody,
    bulk: boolean,
  ): void {
    if (body.leaveControlGroup === true && !bulk) return;
    const breaks = `Rule "${control.ruleName}" holds it back as a control group until ${control.until}: its impact is measured against items like this one left untouched, so approving it takes it out of the control group and weakens that comparison.`;
    throw new ConflictError(
      bulk
        ? `${breaks} Approve it on its own, confirming that it leaves the control group.`
        : `${breaks} Approve it again with leaveControlGroup: true to confirm.`,
      { refusal: 'control_group', controlGroup: control, current: recommendation },
      'Held back as a control',
    );
  }

  /** Takes an approved item out of its rule's control group, with an event the history and audit log show. */
  private async leaveControlGroup(
    trx: Executor,
    row: RecommendationRow,
    control: NonNullable<Recommendation['controlGroup']>,
    actor: Actor,
  ): Promise<void> {
    const now = this.deps.now();
    await trx.updateTable('recommendations').set({ control_left_at: now, control_left_by: actor.id }).where('id', '=', row.id).execute();
    await insertEvents(
      trx,
      [
        {
          recommendation_id: row.id,
          from_status: 'approved',
          to_status: 'approved',
          reason: CONTROL_GROUP_LEFT_REASON,
          note: `Taken out of the control group of rule "${control.ruleName}" (held back until ${control.until}) by approving it; the rule's comparison loses it.`,
          before: JSON.stringify({ controlGroup: control }),
          after: JSON.stringify({ controlGroup: null }),
          actor_type: actor.type,
          actor_id: actor.id,
          actor_version: actor.version,
        },
      ],
      now,
    );
  }

  /**
   * The two-person rule, in the one place every approval passes (single, bulk, any caller): 'no' when this approval
   * approves; otherwise it needs a different approver's approval of the same version (and the same edited value)
   * first, and 'already_recorded' says this approver's first approval is the one already waiting.
   */
  private async secondApprovalNeeded(
    trx: Executor,
    row: RecommendationRow,
    recommendation: Recommendation,
    body: ApproveBody,
    actor: Actor,
  ): Promise<'no' | 'first' | 'already_recorded'> {
    const policies = this.deps.approvalPolicies;
    if (!policies) return 'no';
    const thresholds = await policies.thresholdsOf(row.advertiser_id, trx);
    const stake = stakeOf(recommendation.action, body.editedValue);
    const pending =
      row.first_approver_id !== null &&
      row.first_approval_version === row.version &&
      (row.first_approved_value ?? null) === (body.editedValue ?? null)
        ? [row.first_approver_id]
        : [];
    const approverId = approverIdOf(actor);
    if (!secondApproverNeeded({ thresholds, stake, approverId, earlierApproverIds: pending })) return 'no';
    return pending.includes(approverId) ? 'already_recorded' : 'first';
  }

  /** Keeps the item where it is and records who approved which version first; the history shows it, the audit log too. */
  private async recordFirstApproval(trx: Executor, row: RecommendationRow, body: ApproveBody, actor: Actor): Promise<boolean> {
    const now = this.deps.now();
    const updated = await trx
      .updateTable('recommendations')
      .set({
        first_approver_id: approverIdOf(actor),
        first_approved_at: now,
        first_approval_version: row.version,
        first_approved_value: body.editedValue ?? null,
      })
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .where('status', '=', row.status)
      .returning('id')
      .executeTakeFirst();
    if (!updated) return false;
    const field = (row.action as Recommendation['action']).field ?? 'value';
    await insertEvents(
      trx,
      [
        {
          recommendation_id: row.id,
          from_status: row.status,
          to_status: row.status,
          reason: 'first approval: awaiting a second approver',
          note: body.note ?? null,
          before: null,
          after: body.editedValue === undefined ? null : JSON.stringify({ [field]: body.editedValue }),
          actor_type: actor.type,
          actor_id: actor.id,
          actor_version: actor.version,
        },
      ],
      now,
    );
    return true;
  }

  async reject(id: string, body: RejectBody, actor: Actor, person: Person = personOfActor(actor)): Promise<Recommendation> {
    const { db, store, now } = this.deps;
    const row = await store.getRow(id);
    if (!row) throw new NotFoundError('Recommendation', id);
    const conflicts = (await this.conflicts?.openConflictsOf(db, [id]))?.get(id) ?? [];
    await this.enforce('reject', row, conflicts, person, { expectedVersion: body.version }, db);
    const written = await db
      .transaction()
      .execute((trx) =>
        this.write(
          trx,
          row,
          'rejected',
          { actor, reason: body.reason, note: body.note ?? null },
          { rejected_at: now(), approved_value: null },
        ),
      );
    if (!written) await this.staleVersion(id, body.version);
    await this.afterDecision([row]);
    return this.currentOf(id);
  }

  /**
   * Withdraws an approval before it is applied (the toast's Undo, the drawer's "Withdraw approval"): approved →
   * validated, or a first approval of the two-person rule that still waits for a second approver is cleared (the status
   * stays). Allowed-actions decides (`unapprove`); the UPDATE repeats its guard (`WHERE version = $seen AND status =
   * $from`), and queuing for apply moves the item to `applying` in the batch's own transaction, so a withdrawal and an
   * apply cannot both win: whichever commits second finds the row changed (409 here, `already_queued` there).
   */
  async unapprove(id: string, body: UnapproveBody, actor: Actor, person: Person = personOfActor(actor)): Promise<Recommendation> {
    const { db, store } = this.deps;
    const row = await store.getRow(id);
    if (!row) throw new NotFoundError('Recommendation', id);
    await this.enforce('unapprove', row, [], person, { expectedVersion: body.version }, db);
    const recommendation = store.toRecommendation(row);
    const field = recommendation.action.field ?? 'value';
    const full = row.status === 'approved';
    const written = await db.transaction().execute(async (trx) => {
      if (full) {
        return this.write(
          trx,
          row,
          'validated',
          {
            actor,
            reason: APPROVAL_WITHDRAWN,
            note: body.note ?? null,
            before: { approved: true, [field]: row.approved_value ?? recommendation.action.to },
            after: { approved: false },
          },
          { approved_value: null, ...NO_FIRST_APPROVAL },
        );
      }
      return this.withdrawFirstApproval(trx, row, recommendation, field, body, actor);
    });
    if (!written) {
      // Someone acted between the read and the write (an apply batch claimed it, say): refuse with the reason the
      // item's state gives now (`already_queued`), else as a stale version.
      const fresh = await store.getRow(id);
      if (fresh) await this.enforce('unapprove', fresh, [], person, { expectedVersion: fresh.version }, db);
      await this.staleVersion(id, body.version);
    }
    // Approved and validated items are both open: the conflict engine re-reads the advertiser's queue all the same.
    if (full) await this.afterDecision([row]);
    return this.currentOf(id);
  }

  /** Clears a first approval awaiting a second approver, at the version seen, with its event (the audit trail's too). */
  private async withdrawFirstApproval(
    trx: Executor,
    row: RecommendationRow,
    recommendation: Recommendation,
    field: string,
    body: UnapproveBody,
    actor: Actor,
  ): Promise<boolean> {
    const now = this.deps.now();
    const waiting = recommendation.awaitingSecondApprover;
    const updated = await trx
      .updateTable('recommendations')
      .set((eb) => ({ ...NO_FIRST_APPROVAL, version: eb(eb.ref('version'), '+', 1), updated_at: now }))
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .where('status', '=', row.status)
      .where('first_approval_version', '=', row.version)
      .returning('id')
      .executeTakeFirst();
    if (!updated) return false;
    await insertEvents(
      trx,
      [
        {
          recommendation_id: row.id,
          from_status: row.status,
          to_status: row.status,
          reason: APPROVAL_WITHDRAWN,
          note: body.note ?? 'first approval withdrawn: no second approver needed any more',
          before: JSON.stringify({
            firstApprover: waiting?.approverId ?? null,
            [field]: waiting?.editedValue ?? recommendation.action.to,
          }),
          after: JSON.stringify({ firstApprover: null }),
          actor_type: actor.type,
          actor_id: actor.id,
          actor_version: actor.version,
        },
      ],
      now,
    );
    return true;
  }

  /**
   * An insight (nothing to apply) is acknowledged: read and noted, it leaves the open queue. Only insights; the
   * decision is allowed-actions' like every other action.
   */
  async acknowledge(id: string, body: AcknowledgeBody, actor: Actor, person: Person = personOfActor(actor)): Promise<Recommendation> {
    return this.closeInsight(
      id,
      'acknowledge',
      'acknowledged',
      { actor, reason: 'acknowledged', note: body.note ?? null },
      body.version,
      person,
    );
  }

  /** An insight is dismissed with a reason (not relevant, already known...): it leaves the open queue. */
  async dismiss(id: string, body: DismissBody, actor: Actor, person: Person = personOfActor(actor)): Promise<Recommendation> {
    return this.closeInsight(id, 'dismiss', 'dismissed', { actor, reason: body.reason, note: body.note ?? null }, body.version, person);
  }

  private async closeInsight(
    id: string,
    action: 'acknowledge' | 'dismiss',
    to: 'acknowledged' | 'dismissed',
    event: { actor: Actor; reason: string; note: string | null },
    version: number,
    person: Person,
  ): Promise<Recommendation> {
    const { db, store } = this.deps;
    const row = await store.getRow(id);
    if (!row) throw new NotFoundError('Recommendation', id);
    await this.enforce(action, row, [], person, { expectedVersion: version }, db);
    const written = await db.transaction().execute((trx) => this.write(trx, row, to, event));
    if (!written) await this.staleVersion(id, version);
    await this.afterDecision([row]);
    return this.currentOf(id);
  }

  async bulk(body: BulkActionBody, actor: Actor, person: Person = personOfActor(actor)): Promise<BulkActionResult> {
    const results: Omit<BulkItemResult, 'recommendation'>[] = [];
    const knownByAdvertiser = new Map<string, KnownStates>();
    const alsoChanged = new Set<string>();
    for (const [index, id] of body.ids.entries()) {
      const version = body.versions[index] ?? -1;
      try {
        let recommendation: Recommendation;
        if (body.action === 'approve') {
          const row = await this.deps.store.getRow(id);
          if (!row) throw new NotFoundError('Recommendation', id);
          let known = knownByAdvertiser.get(row.advertiser_id);
          if (!known) {
            known = await this.knownStatesOf(row.advertiser_id);
            knownByAdvertiser.set(row.advertiser_id, known);
          }
          const approved = await this.approveWithChanges(id, { version, ...(body.note ? { note: body.note } : {}) }, actor, {
            bulk: true,
            known,
            person,
          });
          recommendation = approved.item;
          for (const other of approved.alsoChanged) alsoChanged.add(other);
        } else {
          // The schema requires a reason to reject.
          const reason = body.reason ?? 'other';
          recommendation = await this.reject(id, { version, reason, ...(body.note ? { note: body.note } : {}) }, actor, person);
        }
        const waiting = recommendation.awaitingSecondApprover;
        results.push({ id, outcome: 'done', message: waiting ? `Approved by ${waiting.approverId}; awaiting a second approver.` : null });
      } catch (error) {
        if (error instanceof NotFoundError) results.push({ id, outcome: 'not_found', message: error.message });
        else if (error instanceof LifecycleRefusedError) {
          const refusal = error.extra.refusal;
          results.push({ id, outcome: refusal === 'stale_version' ? 'conflict' : 'refused', message: error.message });
        } else if (error instanceof DomainError) {
          results.push({ id, outcome: 'refused', message: error.message });
        } else throw error;
      }
    }
    // Every item as it is after the whole batch (a later item may have changed an earlier one), with its actions.
    const ids = results.map((r) => r.id);
    const current = new Map(
      (await this.withActions(await this.deps.store.getMany([...ids, ...alsoChanged]), person)).map((i) => [i.id, i]),
    );
    const done = results.filter((r) => r.outcome === 'done').length;
    return {
      results: results.map((r) => ({ ...r, recommendation: current.get(r.id) ?? null })),
      alsoChanged: [...alsoChanged].filter((other) => !ids.includes(other)).flatMap((other) => current.get(other) ?? []),
      done,
      failed: results.length - done,
    };
  }

  async history(id: string): Promise<RecommendationHistory> {
    const exists = await this.deps.store.getRow(id);
    if (!exists) throw new NotFoundError('Recommendation', id);
    const rows = await this.deps.db
      .selectFrom('recommendation_events')
      .selectAll()
      .where('recommendation_id', '=', id)
      .orderBy('id')
      .execute();
    const events: RecommendationEvent[] = rows.map((row) => ({
      id: String(row.id),
      recommendationId: row.recommendation_id,
      at: new Date(row.at).toISOString(),
      actor: { type: row.actor_type as Actor['type'], id: row.actor_id, version: row.actor_version },
      from: row.from_status as LifecycleStatus | null,
      to: row.to_status as LifecycleStatus,
      reason: row.reason,
      note: row.note,
      before: (row.before as Record<string, unknown> | null) ?? null,
      after: (row.after as Record<string, unknown> | null) ?? null,
    }));
    return { events };
  }

  /**
   * Validates every validatable item of these advertisers against what is known now, moving items between
   * discovered / validated / drifted and recording their issues. Moving an item away from "approvable" bumps its
   * version (a person's view of it is out of date); becoming validated does not, since the proposal is unchanged.
   */
  async validateAdvertisers(advertiserIds: readonly string[], actor: Actor = SYSTEM('validation')): Promise<{ changed: number }> {
    let changed = 0;
    for (const advertiserId of advertiserIds) changed += await this.validateAdvertiser(advertiserId, actor);
    return { changed };
  }

  /**
   * Validates what changed (the store's drained changes): per advertiser, the items on the entities the changes
   * touched, against the known state those entities' live items give, which is all a change can move (an item's
   * outcome depends on its own entity's known value, and its ancestors' facts from the provider, never on other
   * items' entities). Sightings without a change only get their validation mark. A change that could not be located
   * in a campaign validates its whole advertiser.
   */
  async validateChanged(changes: readonly TouchedAdvertiser[], actor: Actor = SYSTEM('validation')): Promise<{ changed: number }> {
    let changed = 0;
    for (const change of changes) {
      if (change.unbounded) {
        changed += await this.validateAdvertiser(change.advertiserId, actor);
        continue;
      }
      const at = this.deps.now();
      if (change.entityKeys.length > 0) changed += await this.validateNeighbourhood(change, actor, at);
      await this.markValidated(change.advertiserId, at, change.seenItemIds);
    }
    return { changed };
  }

  private async validateNeighbourhood(change: TouchedAdvertiser, actor: Actor, at: Date): Promise<number> {
    const { db } = this.deps;
    const keys = new Set(change.entityKeys);
    const rows = (
      await readNeighbourhood(db, change.advertiserId, change.campaignIds, LIVE_STATUSES, (query) => query.select(LEAN_COLUMNS).execute())
    )
      .filter((row) => keys.has(entityKeyOf(row.entity as EntityRef)))
      // In id order, as the full pass reads them: of two reports of an entity's value at the same time, the first wins.
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const subjects: KnownStateSubject[] = rows.map((row) => ({
      source: RecommendationSourceSchema.parse(row.source),
      entity: row.entity as Recommendation['entity'],
      action: row.action as Recommendation['action'],
      refreshedAt: new Date(row.refreshed_at).toISOString(),
    }));
    const known = knownStatesFromRecommendations(subjects);
    if (this.deps.entityStates)
      for (const [key, state] of await this.deps.entityStates.statesFor(change.advertiserId, subjects)) known.set(key, state);
    const limits = await this.deps.guardrails.forAdvertiser(change.advertiserId);
    const validatable = new Set<string>(VALIDATABLE_STATUSES);
    const updates = this.validationUpdates(
      rows.filter((row) => validatable.has(row.status)),
      known,
      limits,
    );
    let written = 0;
    for (let start = 0; start < updates.length; start += 500)
      written += await this.writeValidation(updates.slice(start, start + 500), at, actor);
    return written;
  }

  /** The outcomes that differ from what the rows hold (their status or their issues). */
  private validationUpdates(rows: readonly LeanRecommendationRow[], known: KnownStates, limits: GuardrailLimits): ValidationUpdate[] {
    const updates: ValidationUpdate[] = [];
    for (const row of rows) {
      const outcome = validateRecommendation(this.deps.store.toRecommendation(row), known, limits);
      const from = row.status as LifecycleStatus;
      const to = statusAfterValidation(from, outcome);
      if (to !== from || JSON.stringify(outcome.issues) !== JSON.stringify(row.validation_issues))
        updates.push({ row, to, issues: outcome.issues });
    }
    return updates;
  }

  /**
   * Only rows upstream sent since their last validation need the mark (a stale item needs one after its sighting).
   * Rows a validation wrote got it with their outcome; this marks the rest, whose outcome the pass left as it was.
   */
  private async markValidated(advertiserId: string, at: Date, itemIds: readonly string[] | null = null): Promise<void> {
    // The rows to mark are locked by id first (row-locks.ts), in the statement that marks them.
    const mark = (ids: readonly string[] | null) =>
      this.deps.db
        .updateTable('recommendations')
        .set({ validated_at: at })
        .where('id', 'in', (eb) => {
          const due = eb
            .selectFrom('recommendations')
            .select('id')
            .where('advertiser_id', '=', advertiserId)
            .where('status', 'in', VALIDATABLE_STATUSES)
            .where((w) => w.or([w('validated_at', 'is', null), w('validated_at', '<', w.ref('last_seen_at'))]));
          return (ids ? due.where('id', 'in', ids) : due).orderBy('id').forUpdate();
        })
        .execute();
    // The items seen, by id, when they are few (a Stream round); else the advertiser's, in one statement (a sync).
    if (itemIds === null) await mark(null);
    else for (let start = 0; start < itemIds.length; start += 1000) await mark(itemIds.slice(start, start + 1000));
  }

  private async validateAdvertiser(advertiserId: string, actor: Actor): Promise<number> {
    const { now } = this.deps;
    const at = now();
    const known = await this.knownStatesOf(advertiserId);
    const limits = await this.deps.guardrails.forAdvertiser(advertiserId);
    let written = 0;
    // A page at a time in id order: a page's writes keep every row's id and leave it live, so the known state and
    // the pages still to come read the same as if all had been read first.
    let after: string | null = null;
    for (;;) {
      const rows = await this.validatablePage(advertiserId, after);
      const updates = this.validationUpdates(rows, known, limits);
      for (let start = 0; start < updates.length; start += 500)
        written += await this.writeValidation(updates.slice(start, start + 500), at, actor);
      after = rows.at(-1)?.id ?? null;
      if (rows.length < PAGE_SIZE || after === null) break;
    }
    await this.markValidated(advertiserId, at);
    return written;
  }

  /** Writes one chunk of validation outcomes, each only if the item is unchanged since read, with its event. */
  private async writeValidation(chunk: readonly ValidationUpdate[], at: Date, actor: Actor): Promise<number> {
    return this.deps.db.transaction().execute(async (trx) => {
      await lockRecommendationsInIdOrder(
        trx,
        chunk.map((u) => u.row.id),
      );
      const values = chunk.map(
        (u) =>
          sql`(${u.row.id}::uuid, ${u.row.version}::int, ${u.row.status}, ${u.to}, ${JSON.stringify(u.issues)}::jsonb, ${u.to !== u.row.status && u.to !== 'validated' ? 1 : 0}::int)`,
      );
      const result = await sql<{ id: string }>`
        UPDATE recommendations r
        SET status = v.to_status, validation_issues = v.issues, version = r.version + v.bump, updated_at = ${at},
            validated_at = ${validatedAtMark(at)}
        FROM (VALUES ${sql.join(values)}) AS v(id, version, from_status, to_status, issues, bump)
        WHERE r.id = v.id AND r.version = v.version AND r.status = v.from_status
        RETURNING r.id`.execute(trx);
      const done = new Set(result.rows.map((r) => r.id));
      await insertEvents(
        trx,
        chunk
          .filter((u) => done.has(u.row.id) && u.to !== u.row.status)
          .map((u) => ({
            recommendation_id: u.row.id,
            from_status: u.row.status,
            to_status: u.to,
            reason: validationReasonOf(u.issues),
            actor_type: actor.type,
            actor_id: actor.id,
            actor_version: actor.version,
          })),
        at,
      );
      return done.size;
    });
  }

  /** On demand: re-sync the item's source (fresh upstream data) unless told not to, then re-validate its advertiser. */
  async revalidate(id: string, options: { resync: boolean }, actor: Actor): Promise<Recommendation> {
    const row = await this.deps.store.getRow(id);
    if (!row) throw new NotFoundError('Recommendation', id);
    if (options.resync && this.deps.resync) await this.deps.resync(RecommendationSourceSchema.parse(row.source));
    await this.validateAdvertisers([row.advertiser_id], actor);
    await this.conflicts?.redetect([row.advertiser_id]);
    return this.currentOf(id);
  }

  /**
   * After an ingestion (or the lifecycle job's tick): validate the neighbourhoods of what changed since the last time,
   * then let the conflict engine look at the same neighbourhoods. The cost follows the change, not the store.
   */
  async afterIngest(): Promise<void> {
    const changes = this.deps.store.drainTouched();
    if (changes.length === 0) return;
    try {
      // Both passes are idempotent (they read the rows again and write only what differs), so a pass the database
      // aborted as a deadlock runs again whole.
      await retryOnTransientConflict(() => this.validateChanged(changes));
      const { conflicts } = this;
      if (conflicts) await retryOnTransientConflict(() => conflicts.redetectChanged(changes));
    } catch (error) {
      // Not lost: the next after-ingest step (the next sync, Stream round or lifecycle tick) looks at them again.
      this.deps.store.changes.restore(changes);
      throw error;
    }
  }

  /**
   * Items a decision moved (in or out of the live queue, or to another approval state): the store records them, so
   * that the next after-ingest step re-validates the items on the same entities (whose known state may follow from
   * them), and the conflicts of their neighbourhoods are found again now, for the person's next look.
   */
  private async afterDecision(rows: readonly Pick<LeanRecommendationRow, 'id' | 'advertiser_id' | 'entity'>[]): Promise<void> {
    const items = rows.map((row) => ({ id: row.id, advertiserId: row.advertiser_id, entity: row.entity as EntityRef }));
    for (const item of items) this.deps.store.changes.changed(item.advertiserId, item.id, item.entity);
    await this.conflicts?.redetectChanged(changesOf(items));
  }

  /**
   * Whether an item may be applied now (approved, unexpired, outside any blocking conflict): the apply worker and the
   * rules ask this before acting, so an expired or conflicting item is never auto-applied.
   */
  async applyDecision(id: string): Promise<Decision> {
    const row = await this.deps.store.getRow(id);
    if (!row) throw new NotFoundError('Recommendation', id);
    const conflicts = (await this.conflicts?.openConflictsOf(this.deps.db, [id]))?.get(id) ?? [];
    return decideApply(this.subjectOf(row), conflicts, this.deps.now());
  }

  /** Marks duplicates superseded by their primary (the conflict engine's decision), each with its event. */
  async supersede(entries: readonly { id: string; primaryId: string }[], actor: Actor = SYSTEM('conflicts')): Promise<number> {
    let count = 0;
    for (const entry of entries) {
      const row = await this.deps.store.getRow(entry.id);
      if (!row || !decideTransition(row.status as LifecycleStatus, 'superseded').ok) continue;
      const written = await this.deps.db
        .transaction()
        .execute((trx) =>
          this.write(trx, row, 'superseded', { actor, reason: `duplicate of ${entry.primaryId}, which is kept as primary` }),
        );
      if (written) {
        count++;
        this.deps.store.changes.changed(row.advertiser_id, row.id, row.entity as EntityRef);
      }
    }
    return count;
  }

  /**
   * Moves items for another component (apply, rules) inside the caller's transaction: each only if the machine allows
   * it and the item is still in `from`, with its event (actor, reason, values before and after). Returns the ids moved.
   */
  async transitionMany(
    db: Executor,
    entries: readonly { id: string; from: LifecycleStatus; to: LifecycleStatus; reason: string; before?: unknown; after?: unknown }[],
    actor: Actor,
  ): Promise<Set<string>> {
    const allowed = entries.filter((e) => decideTransition(e.from, e.to).ok);
    const moved = new Set<string>();
    const at = this.deps.now();
    for (let start = 0; start < allowed.length; start += 500) {
      const chunk = allowed.slice(start, start + 500);
      await lockRecommendationsInIdOrder(
        db,
        chunk.map((e) => e.id),
      );
      const values = chunk.map((e) => sql`(${e.id}::uuid, ${e.from}, ${e.to})`);
      const result = await sql<{ id: string; advertiser_id: string; entity: unknown }>`
        UPDATE recommendations r SET status = v.to_status, version = r.version + 1, updated_at = ${at}
        FROM (VALUES ${sql.join(values)}) AS v(id, from_status, to_status)
        WHERE r.id = v.id AND r.status = v.from_status
        RETURNING r.id, r.advertiser_id, r.entity`.execute(db);
      for (const row of result.rows) moved.add(row.id);
      // Applied, failed or queued items leave (or rejoin) the live queue: the next after-ingest step looks at their
      // neighbourhoods (if the caller's transaction rolls back, that look finds nothing changed).
      for (const row of result.rows) this.deps.store.changes.changed(row.advertiser_id, row.id, row.entity as EntityRef);
      await insertEvents(
        db,
        chunk
          .filter((e) => moved.has(e.id))
          .map((e) => ({
            recommendation_id: e.id,
            from_status: e.from,
            to_status: e.to,
            reason: e.reason,
            before: e.before === undefined ? null : JSON.stringify(e.before),
            after: e.after === undefined ? null : JSON.stringify(e.after),
            actor_type: actor.type,
            actor_id: actor.id,
            actor_version: actor.version,
          })),
        at,
      );
    }
    return moved;
  }

  /** Moves items past their expiry to `expired`, in batches, each with its event. Returns how many expired. */
  async expireDue(): Promise<number> {
    const { db, now, log } = this.deps;
    let total = 0;
    const gone: Pick<LeanRecommendationRow, 'id' | 'advertiser_id' | 'entity'>[] = [];
    for (;;) {
      const at = now();
      const expired = await db.transaction().execute(async (trx) => {
        const result = await sql<{ id: string; advertiser_id: string; entity: EntityRef; from_status: string; expires_at: Date }>`
          WITH due AS (
            SELECT id, status FROM recommendations
            WHERE expires_at <= ${at} AND status IN ('discovered', 'validated', 'drifted', 'approved', 'failed')
            ORDER BY expires_at LIMIT 1000 FOR UPDATE SKIP LOCKED
          )
          UPDATE recommendations r SET status = 'expired', version = r.version + 1, updated_at = ${at}
          FROM due WHERE r.id = due.id
          RETURNING r.id, r.advertiser_id, r.entity, due.status AS from_status, r.expires_at`.execute(trx);
        await insertEvents(
          trx,
          result.rows.map((row) => ({
            recommendation_id: row.id,
            from_status: row.from_status,
            to_status: 'expired',
            reason: `expired at ${new Date(row.expires_at).toISOString()}`,
            actor_id: 'expiry',
          })),
          at,
        );
        return result.rows;
      });
      gone.push(...expired);
      total += expired.length;
      if (expired.length < 1000) break;
    }
    if (total > 0) log.info({ expired: total }, 'recommendations expired');
    if (gone.length > 0) await this.afterDecision(gone);
    return total;
  }
}

function decideTransitionMessage(from: string, to: LifecycleStatus): string {
  const decision = decideTransition(from as LifecycleStatus, to);
  return decision.ok ? `The database refused the change from '${from}' to '${to}'.` : decision.refusal.message;
}
