/**
 * Validation at the door (issue 18, item 1): the outcome validation gives the items of an ingest batch, computed before
 * the batch is merged, so that a new item is inserted already validated (or drifted) with both of its events, instead
 * of being inserted as discovered and rewritten whole by the after-ingest pass. Each such rewrite changed the status,
 * which every list index holds: it cost as much as the insert itself and was the largest stage of a first sync.
 *
 * The known state is the one the after-ingest pass reads (lifecycle-service.ts, validateNeighbourhood): the live items
 * on the same entities, here the stored ones and the batch's own. The pass still runs over everything that changed and
 * writes only where its outcome differs, so an item whose entity gets a newer reported value from a later batch (or a
 * later source) ends the same as before; its history then shows that second step.
 */
import { type LifecycleStatus, OPEN_STATUSES, RecommendationSourceSchema, type ValidationIssue } from '@recdesk/shared-types';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { entityKeyOf, neighbourhoodOf } from './entity-keys.ts';
import type { GuardrailLimits } from './lifecycle-config.ts';
import { UNSCOPED } from './neighbourhood.ts';
import {
  type KnownStateSubject,
  type KnownStates,
  knownStatesFromRecommendations,
  statusAfterValidation,
  VALUE_ACTION_TYPES,
  type ValidationSubject,
  validateRecommendation,
} from './recommendation-validator.ts';

const VALUE_ACTIONS = new Set<string>(VALUE_ACTION_TYPES);

/** An item of a batch, as validation sees it (the store's id, the refresh time it will store). */
export type AdmissionCandidate = ValidationSubject & { advertiserId: string };

/** What validation says of a new item: its first status after "discovered", its issues, and its event's reason. */
export interface AdmissionOutcome {
  status: LifecycleStatus;
  issues: ValidationIssue[];
  reason: string;
}

/** The store asks this before a merge; the lifecycle's validation answers. */
export interface AdmissionCheck {
  outcomesOf(candidates: readonly AdmissionCandidate[]): Promise<ReadonlyMap<string, AdmissionOutcome>>;
}

/** The reason a validation event gives (the after-ingest pass writes the same). */
export function validationReasonOf(issues: readonly ValidationIssue[]): string {
  return issues.length === 0 ? 'passed validation' : issues.map((issue) => issue.message).join(' ');
}

/** Statuses whose items feed the known state and the conflict engine: waiting, or on their way upstream. */
export const LIVE_STATUSES = [...OPEN_STATUSES, 'applying'] as const satisfies readonly LifecycleStatus[];

interface AdmissionDeps {
  db: Kysely<Database>;
  guardrails: { forAdvertisers(advertiserIds: readonly string[]): Promise<ReadonlyMap<string, GuardrailLimits>> };
  /** Known state beyond the items' own reports (lifecycle-service.ts, EntityStateProvider). */
  entityStates?: { statesFor(advertiserId: string, items: readonly KnownStateSubject[]): Promise<KnownStates> } | undefined;
}

/** A stored item's report of its entity's value (the columns the known state needs). */
interface StoredReport {
  id: string;
  advertiser_id: string;
  source: string;
  entity: unknown;
  action: unknown;
  refreshed_at: string | Date;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(keyOf(item));
    if (group) group.push(item);
    else groups.set(keyOf(item), [item]);
  }
  return groups;
}

export class ValidationAdmission implements AdmissionCheck {
  constructor(private readonly deps: AdmissionDeps) {}

  async outcomesOf(candidates: readonly AdmissionCandidate[]): Promise<ReadonlyMap<string, AdmissionOutcome>> {
    const byAdvertiser = groupBy(candidates, (candidate) => candidate.advertiserId);
    // One round trip for the batch: its advertisers' guardrails beside the stored reports on its entities.
    const valued = candidates.filter((item) => VALUE_ACTIONS.has(item.action.type));
    const [limitsOf, stored] = await Promise.all([
      this.deps.guardrails.forAdvertisers([...byAdvertiser.keys()]),
      this.storedValueReports(valued),
    ]);
    const storedOf = groupBy(stored, (row) => row.advertiser_id);
    const outcomes = new Map<string, AdmissionOutcome>();
    for (const [advertiserId, items] of byAdvertiser) {
      const known = await this.knownStatesFor(advertiserId, items, storedOf.get(advertiserId) ?? []);
      const limits = limitsOf.get(advertiserId);
      if (!limits) throw new Error(`No guardrails for advertiser ${advertiserId}`);
      for (const item of items) {
        const outcome = validateRecommendation(item, known, limits);
        outcomes.set(item.id, {
          status: statusAfterValidation('discovered', outcome),
          issues: outcome.issues,
          reason: validationReasonOf(outcome.issues),
        });
      }
    }
    return outcomes;
  }

  /**
   * The known state of one advertiser's items' entities: the newest value the live items on them report, stored or in
   * the batch. Only an item that changes a value (a bid, a budget) is judged by it, and only such items report one.
   */
  private async knownStatesFor(
    advertiserId: string,
    items: readonly AdmissionCandidate[],
    stored: readonly StoredReport[],
  ): Promise<KnownStates> {
    const keys = new Set(items.filter((item) => VALUE_ACTIONS.has(item.action.type)).map((item) => entityKeyOf(item.entity)));
    const subjects = new Map<string, KnownStateSubject>();
    for (const row of stored)
      if (keys.has(entityKeyOf(row.entity as KnownStateSubject['entity'])))
        subjects.set(row.id, {
          source: RecommendationSourceSchema.parse(row.source),
          entity: row.entity as KnownStateSubject['entity'],
          action: row.action as KnownStateSubject['action'],
          refreshedAt: new Date(row.refreshed_at).toISOString(),
        });
    // The batch's copy replaces the stored one; in id order, as the pass reads them (on a tie, the first wins).
    for (const item of items) subjects.set(item.id, item);
    const ordered = [...subjects].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, subject]) => subject);
    const known = knownStatesFromRecommendations(ordered);
    if (this.deps.entityStates)
      for (const [key, state] of await this.deps.entityStates.statesFor(advertiserId, ordered)) known.set(key, state);
    return known;
  }

  /**
   * The stored live items that report a value, in the campaigns of these items or unscoped in their advertisers
   * (neighbourhood.ts: every item sharing a key with one of them is among these). A batch without such items (insights,
   * new keywords) reads nothing. Asked while a sync fills the table, when its statistics are those of a nearly empty
   * one: planned as readNeighbourhood is, the lookup walked each advertiser's whole (advertiser, status) range every
   * batch, a cost growing with the store. Here each campaign and each advertiser is one probe of its index (the
   * subqueries are fenced with OFFSET 0 so that they are not flattened into joins the planner could reorder).
   */
  private async storedValueReports(items: readonly AdmissionCandidate[]): Promise<StoredReport[]> {
    if (items.length === 0) return [];
    const { db } = this.deps;
    const advertiserIds = [...new Set(items.map((item) => item.advertiserId))];
    const campaignIds = [...new Set(items.flatMap((item) => neighbourhoodOf(item.entity).campaignId ?? []))];
    const wanted = sql`r.advertiser_id = ANY(${advertiserIds}::text[]) AND r.status IN (${sql.join(LIVE_STATUSES)})
      AND r.action->>'type' IN (${sql.join(VALUE_ACTION_TYPES)})`;
    const [inCampaigns, unscoped] = await Promise.all([
      campaignIds.length === 0
        ? { rows: [] }
        : sql<StoredReport>`SELECT r.id, r.advertiser_id, r.source, r.entity, r.action, r.refreshed_at
            FROM unnest(${campaignIds}::text[]) AS c(id)
            CROSS JOIN LATERAL (SELECT * FROM recommendations WHERE campaign_id = c.id OFFSET 0) r
            WHERE ${wanted}`.execute(db),
      sql<StoredReport>`SELECT r.id, r.advertiser_id, r.source, r.entity, r.action, r.refreshed_at
        FROM unnest(${advertiserIds}::text[]) AS a(id)
        CROSS JOIN LATERAL (SELECT * FROM recommendations WHERE advertiser_id = a.id AND ${UNSCOPED} OFFSET 0) r
        WHERE ${wanted}`.execute(db),
    ]);
    return [...inCampaigns.rows, ...unscoped.rows];
  }
}
