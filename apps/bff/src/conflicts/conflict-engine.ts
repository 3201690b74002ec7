/**
 * The conflict engine: a pure function over the live recommendations of advertisers (any source) that finds the
 * contradictions the seeds warn about before a person or a rule acts on them. Every item is keyed to its entity chain
 * (profile → portfolio → campaign → ad group → keyword / target) and classified by the effect it proposes (bid or
 * budget up / down, a set value, an expansion, a pause). Then, per advertiser:
 *
 * 1. duplicates: the same change on the same entity (same field, same value) from several items are grouped, the one
 *    with the highest priority kept as primary and the others superseded; only primaries take part below;
 * 2. on one entity and field: up and down → opposite_directions; several different values → disagreeing_values;
 *    a pause and an enable → opposite_directions;
 * 3. per campaign: a budget cut with bid increases on its keywords / targets / ad groups / placements →
 *    budget_cut_with_bid_increase; a budget cut with expansion on it → budget_cut_with_expansion; a budget cut on a
 *    campaign Marketing Stream reports at 100 % of its budget today → budget_cut_while_exhausted;
 * 4. a pause or archive of an entity while another item changes it or its children → pause_with_change;
 * 5. across ad products of one profile (SP, SB and SD budgets share the advertiser's money and shoppers): an SB or SD
 *    budget raise while an SP budget on the same product is cut → cross_product_budget; an SD audience expansion
 *    during that cut → audience_expansion_during_budget_cut; and per campaign, a headline change while its budget is
 *    cut to zero → creative_on_unfunded_campaign. "The same product": the advertised ASIN when both items name one
 *    (SB / SD campaigns do), else the profile (SP campaign items carry no ASIN): never across advertisers or
 *    marketplaces.
 * 6. across goals, per portfolio: a plan drafted from a reach forecast (source `plan`) that raises a campaign's budget
 *    while a budget cut on another campaign of its portfolio is pending → plan_spend_during_budget_cut; a planned
 *    audience target during such a cut → plan_audience_during_budget_cut. A portfolio's campaigns share its budget
 *    cap; campaigns outside one spend their own budgets, and moving money between them is a plan, not a
 *    contradiction. On the cut campaign itself the kinds of 2 and 3 say it.
 *
 * Items that do not contradict produce nothing: increases on different keywords, a budget increase with bid increases,
 * a budget cut with bid decreases. One pass to group, then work proportional to the groups: linear in the items.
 */
import { createHash } from 'node:crypto';
import { adProductOf, type ConflictKind, type Recommendation, SOURCE_LABELS } from '@recdesk/shared-types';
import { campaignLabelOf, entityKeyOf, entityLabelOf } from '../lifecycle/entity-keys.ts';

export type EngineItem = Pick<
  Recommendation,
  'id' | 'advertiserId' | 'status' | 'source' | 'title' | 'entity' | 'action' | 'priority' | 'refreshedAt'
> & {
  /** Hash of the upstream content: a conflict found again over unchanged members is the same conflict. */
  contentHash: string;
  /** The Ads profile (advertiser × marketplace); cross-product conflicts stay within one. Unknown: null or absent. */
  profileId?: string | null;
  /** A Marketing Stream budget-usage insight: the share of today's budget spent (100: out of budget). */
  budgetUsagePercent?: number | null;
  /** The upstream's own type (BUDGET_RECOMMENDATION, SP_BUDGET_RECOMMENDATION...): tells one recommendation's channels apart. */
  sourceType?: string;
};

/**
 * Amazon's budget recommendation for a campaign reaches RecDesk twice: pushed by Stream (`sp-budget-recommendations`)
 * and pulled hourly (`/sp/campaigns/budgetRecommendations`). They are one recommendation: the fresher is kept and the
 * other superseded (its history stays), whether or not the suggested budgets still agree.
 */
const SAME_BUDGET_RECOMMENDATION = new Set(['sp-budget:BUDGET_RECOMMENDATION', 'marketing-stream:SP_BUDGET_RECOMMENDATION']);

export interface DetectedConflict {
  kind: ConflictKind;
  advertiserId: string;
  entityKey: string;
  memberIds: string[];
  primaryId: string | null;
  explanation: string;
  suggestedResolution: string;
  fingerprint: string;
}

export interface EngineResult {
  conflicts: DetectedConflict[];
  /** Duplicates to move to `superseded`, each with its primary. */
  supersede: { id: string; primaryId: string }[];
}

type Effect =
  | { type: 'value'; field: string; direction: 'up' | 'down' | 'set'; to: number; from: number | null }
  | { type: 'text'; field: string; to: string }
  | { type: 'pause'; to: string }
  | { type: 'enable' }
  | { type: 'expansion'; label: string }
  /** Not a change: the campaign has spent its whole budget today (Stream budget-usage at 100 %). */
  | { type: 'exhausted'; usage: number }
  | { type: 'other'; field: string; to: string };

interface Classified {
  item: EngineItem;
  effect: Effect;
  entityKey: string;
  /** Items that change the same thing: entity and field. */
  changeKey: string;
}

const EPSILON = 0.005;
const PAUSE_STATES = new Set(['PAUSED', 'ARCHIVED']);

function numeric(value: number | string | null): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

function classify(item: EngineItem): Effect | null {
  const { action } = item;
  switch (action.type) {
    case 'insight':
      return item.budgetUsagePercent != null && item.budgetUsagePercent >= 100 && item.entity.level === 'campaign'
        ? { type: 'exhausted', usage: item.budgetUsagePercent }
        : null;
    case 'set-bid':
    case 'set-budget':
    case 'set-bid-adjustment': {
      const to = numeric(action.to);
      if (to === null) return null;
      const from = numeric(action.from);
      const direction =
        action.direction === 'increase'
          ? 'up'
          : action.direction === 'decrease'
            ? 'down'
            : from !== null && to > from + EPSILON
              ? 'up'
              : from !== null && to < from - EPSILON
                ? 'down'
                : 'set';
      return { type: 'value', field: action.type === 'set-budget' ? 'budget' : (action.field ?? action.type), direction, to, from };
    }
    case 'set-state': {
      const to = String(action.to ?? '').toUpperCase();
      if (PAUSE_STATES.has(to) || (action.direction === 'remove' && to === '')) return { type: 'pause', to: to || 'PAUSED' };
      if (to === 'ENABLED') return { type: 'enable' };
      return { type: 'other', field: 'state', to };
    }
    case 'add-keyword':
      return { type: 'expansion', label: `new keyword "${item.entity.targetText ?? '?'}"` };
    case 'add-target':
      return { type: 'expansion', label: `new target ${item.entity.targetText ?? item.entity.targetId ?? '?'}` };
    case 'create-ad-group':
      return { type: 'expansion', label: 'a new ad group' };
    case 'creative':
      // A headline replaces the ad's text: a change of a setting, not new reach.
      if (action.field === 'headline') return { type: 'text', field: 'headline', to: String(action.to ?? '') };
      return { type: 'expansion', label: 'creative expansion' };
    case 'create-campaign':
      return item.entity.campaignId ? { type: 'expansion', label: 'a new campaign' } : null;
    case 'set-bidding-strategy':
    case 'set-end-date':
      // The field tells a strategy from a rule's target ROAS: both are set-bidding-strategy, on different settings.
      return { type: 'text', field: action.field ?? action.type, to: String(action.to ?? '') };
    default:
      return { type: 'other', field: `${action.type}:${action.field ?? ''}`, to: String(action.to ?? '') };
  }
}

function changeKeyOf(entityKey: string, effect: Effect): string {
  switch (effect.type) {
    case 'value':
    case 'text':
    case 'other':
      return `${entityKey}|${effect.field}`;
    case 'pause':
    case 'enable':
      return `${entityKey}|state`;
    case 'expansion':
      return `${entityKey}|add:${effect.label}`;
    case 'exhausted':
      return `${entityKey}|usage`;
  }
}

/** Whether two effects on the same thing propose the same change (a duplicate). */
function sameChange(a: Effect, b: Effect): boolean {
  if (a.type === 'value' && b.type === 'value') return Math.abs(a.to - b.to) <= EPSILON;
  if ((a.type === 'text' || a.type === 'other') && a.type === b.type) return a.to.toLowerCase() === b.to.toLowerCase();
  if (a.type === 'pause' && b.type === 'pause') return a.to === b.to;
  return a.type === b.type && (a.type === 'enable' || a.type === 'expansion');
}

function money(value: number | null, currency: string | null): string {
  return value === null ? '?' : `${value.toFixed(2)}${currency ? ` ${currency}` : ''}`;
}

function sourceOf(item: EngineItem): string {
  return SOURCE_LABELS[item.source] ?? item.source;
}

/** "bid up 1.00 → 1.20 USD (Partner Opportunities)" */
function describeChange(c: Classified, withSource = true): string {
  const { effect, item } = c;
  const by = withSource ? ` (${sourceOf(item)})` : '';
  const currency = item.action.unit === 'currency' ? item.action.currency : null;
  const unit = item.action.unit === 'percent' ? '%' : '';
  switch (effect.type) {
    case 'value': {
      const field = effect.field === 'budget' ? 'budget' : effect.field === 'bid' ? 'bid' : effect.field;
      const verb = effect.direction === 'up' ? `${field} up` : effect.direction === 'down' ? `${field} down` : `${field} set`;
      const values =
        effect.from === null
          ? `to ${money(effect.to, currency)}${unit}`
          : `${money(effect.from, null)}${unit} → ${money(effect.to, currency)}${unit}`;
      return `${verb} ${values}${by}`;
    }
    case 'pause':
      return `${effect.to === 'ARCHIVED' ? 'archive' : 'pause'}${by}`;
    case 'enable':
      return `enable${by}`;
    case 'expansion':
      return `${effect.label}${by}`;
    case 'exhausted':
      return `${Math.round(effect.usage)}% of today's budget spent${by}`;
    default:
      return `${effect.field} to ${effect.to}${by}`;
  }
}

function fingerprintOf(kind: ConflictKind, entityKey: string, members: readonly Classified[]): string {
  const parts = members.map((m) => `${m.item.id}:${m.item.contentHash}`).sort();
  return createHash('sha256')
    .update(`${kind}|${entityKey}|${parts.join(',')}`)
    .digest('hex');
}

function conflictOf(
  kind: ConflictKind,
  entityKey: string,
  members: readonly Classified[],
  explanation: string,
  suggestedResolution: string,
  primaryId: string | null = null,
): DetectedConflict {
  const first = members[0];
  if (!first) throw new Error('a conflict has members');
  return {
    kind,
    advertiserId: first.item.advertiserId,
    entityKey,
    memberIds: [...new Set(members.map((m) => m.item.id))].sort(),
    primaryId,
    explanation,
    suggestedResolution,
    fingerprint: fingerprintOf(kind, entityKey, members),
  };
}

/** Primary of a duplicate group: not superseded, then highest priority, freshest, smallest id (deterministic). */
function byPrimaryPreference(a: Classified, b: Classified): number {
  const sa = a.item.status === 'superseded' ? 1 : 0;
  const sb = b.item.status === 'superseded' ? 1 : 0;
  if (sa !== sb) return sa - sb;
  const pa = a.item.priority ?? Number.NEGATIVE_INFINITY;
  const pb = b.item.priority ?? Number.NEGATIVE_INFINITY;
  if (pa !== pb) return pb - pa;
  if (a.item.refreshedAt !== b.item.refreshedAt) return a.item.refreshedAt < b.item.refreshedAt ? 1 : -1;
  return a.item.id < b.item.id ? -1 : 1;
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

const LEVEL_NOUN: Record<string, string> = { keyword: 'keyword', target: 'target', 'ad-group': 'ad group default', placement: 'placement' };

function countByLevel(members: readonly Classified[], what: string): string {
  const counts = new Map<string, number>();
  for (const m of members) {
    const noun = LEVEL_NOUN[m.item.entity.level] ?? m.item.entity.level;
    counts.set(noun, (counts.get(noun) ?? 0) + 1);
  }
  return [...counts.entries()].map(([noun, n]) => plural(n, `${noun} ${what}`, `${noun} ${what}s`)).join(' and ');
}

function detectForAdvertiser(classified: readonly Classified[]): EngineResult {
  const conflicts: DetectedConflict[] = [];
  const supersede: EngineResult['supersede'] = [];

  // 1. Group by what they change, then collapse duplicates to their primary.
  const byChange = new Map<string, Classified[]>();
  for (const c of classified) {
    const group = byChange.get(c.changeKey);
    if (group) group.push(c);
    else byChange.set(c.changeKey, [c]);
  }
  const primaries: Classified[] = [];
  const primariesByChange = new Map<string, Classified[]>();
  for (const [changeKey, all] of byChange) {
    const group = foldBudgetRecommendation(all, conflicts, supersede);
    const clusters: Classified[][] = [];
    for (const c of group) {
      const cluster = clusters.find((candidate) => candidate[0] && sameChange(candidate[0].effect, c.effect));
      if (cluster) cluster.push(c);
      else clusters.push([c]);
    }
    const reps: Classified[] = [];
    for (const cluster of clusters) {
      cluster.sort(byPrimaryPreference);
      const primary = cluster[0];
      // A group whose every member is already superseded has no live primary left (it was rejected or applied).
      if (!primary || primary.item.status === 'superseded') continue;
      reps.push(primary);
      if (cluster.length < 2) continue;
      for (const other of cluster.slice(1))
        if (other.item.status !== 'superseded') supersede.push({ id: other.item.id, primaryId: primary.item.id });
      const sources = [...new Set(cluster.map((c) => sourceOf(c.item)))];
      const others = cluster.length - 1;
      const proposedBy = sources.length > 1 ? `by ${sources.join(', ')}` : `${cluster.length} times by ${sources[0]}`;
      conflicts.push(
        conflictOf(
          'duplicate',
          primary.entityKey,
          cluster,
          `The same change on ${entityLabelOf(primary.item.entity)} (${describeChange(primary, false)}) is proposed ${proposedBy}; "${primary.item.title}" from ${sourceOf(primary.item)} is kept as primary, ${others === 1 ? 'the other is' : `the other ${others} are`} superseded.`,
          'Nothing to decide: act on the primary; the duplicates are superseded and follow it.',
          primary.item.id,
        ),
      );
    }
    primaries.push(...reps);
    primariesByChange.set(changeKey, reps);
  }

  // 2. One entity, one field: opposite directions or disagreeing values.
  for (const reps of primariesByChange.values()) {
    if (reps.length < 2) continue;
    const first = reps[0];
    if (!first || first.effect.type === 'exhausted') continue;
    const label = entityLabelOf(first.item.entity);
    const ups = reps.filter((r) => r.effect.type === 'value' && r.effect.direction === 'up');
    const downs = reps.filter((r) => r.effect.type === 'value' && r.effect.direction === 'down');
    const pauses = reps.filter((r) => r.effect.type === 'pause');
    const enables = reps.filter((r) => r.effect.type === 'enable');
    if ((ups.length > 0 && downs.length > 0) || (pauses.length > 0 && enables.length > 0)) {
      conflicts.push(
        conflictOf(
          'opposite_directions',
          first.entityKey,
          reps,
          `${capitalise(label)}: ${reps.map((c) => describeChange(c)).join(' vs ')}. They pull the same ${first.effect.type === 'value' ? first.effect.field : 'state'} in opposite directions.`,
          'Keep one direction: approve the side whose evidence is stronger and reject the other.',
        ),
      );
    } else if (first.effect.type !== 'expansion' && reps.length >= 2 && pauses.length === 0 && enables.length === 0) {
      conflicts.push(
        conflictOf(
          'disagreeing_values',
          first.entityKey,
          reps,
          `${capitalise(label)}: ${reps.map((c) => describeChange(c)).join(' vs ')}. The items set the same ${first.effect.type === 'value' ? first.effect.field : 'setting'} to different values.`,
          'Choose one value: approve one item (editing its value if needed) and reject the others.',
        ),
      );
    }
  }

  // 3. Per campaign: budget cuts against bid increases and expansion on it.
  const byCampaign = new Map<string, Classified[]>();
  for (const c of primaries) {
    const campaignId = c.item.entity.campaignId;
    if (!campaignId) continue;
    const list = byCampaign.get(campaignId);
    if (list) list.push(c);
    else byCampaign.set(campaignId, [c]);
  }
  for (const [campaignId, items] of byCampaign) {
    const cuts = items.filter(
      (c) =>
        c.item.entity.level === 'campaign' && c.effect.type === 'value' && c.effect.field === 'budget' && c.effect.direction === 'down',
    );
    if (cuts.length === 0) continue;
    const bidUps = items.filter(
      (c) => c.item.entity.level !== 'campaign' && c.effect.type === 'value' && c.effect.field !== 'budget' && c.effect.direction === 'up',
    );
    const expansions = items.filter((c) => c.effect.type === 'expansion');
    const headlines = items.filter((c) => c.effect.type === 'text' && c.effect.field === 'headline');
    const exhausted = items.find((c) => c.effect.type === 'exhausted' && c.item.entity.level === 'campaign');
    for (const cut of cuts) {
      const effect = cut.effect as Extract<Effect, { type: 'value' }>;
      const currency = cut.item.action.currency;
      const cutText = `Budget cut ${money(effect.from, null)} → ${money(effect.to, currency)} on ${campaignLabelOf(cut.item.entity)}`;
      if (bidUps.length > 0) {
        conflicts.push(
          conflictOf(
            'budget_cut_with_bid_increase',
            `campaign:${campaignId}`,
            [cut, ...bidUps],
            `${cutText} while ${countByLevel(bidUps, 'bid increase')} on it ${bidUps.length === 1 ? 'is' : 'are'} pending (${listSome(bidUps, (b) => `${entityLabelOf(b.item.entity)} ${describeChange(b)}`)}). Higher bids spend a smaller budget faster.`,
            'Decide the campaign’s direction: if spend must fall, reject the bid increases; if the keywords deserve more traffic, reject the budget cut.',
          ),
        );
      }
      if (expansions.length > 0) {
        conflicts.push(
          conflictOf(
            'budget_cut_with_expansion',
            `campaign:${campaignId}`,
            [cut, ...expansions],
            `${cutText} while ${plural(expansions.length, 'expansion')} of it ${expansions.length === 1 ? 'is' : 'are'} pending (${listSome(expansions, (c) => describeChange(c))}). New reach needs budget.`,
            'Expansion needs budget: reject the budget cut, or reject (postpone) the expansion.',
          ),
        );
      }
      if (headlines.length > 0 && effect.to <= EPSILON) {
        conflicts.push(
          conflictOf(
            'creative_on_unfunded_campaign',
            `campaign:${campaignId}`,
            [cut, ...headlines],
            `${cutText}, to zero, while a new headline for it is proposed (${listSome(headlines, (c) => describeChange(c))}). A campaign without budget shows no ad: nobody would read the headline.`,
            'If the campaign stops spending, reject the headline; if the new headline is to run, reject the cut to zero.',
          ),
        );
      }
      if (exhausted) {
        conflicts.push(
          conflictOf(
            'budget_cut_while_exhausted',
            `campaign:${campaignId}`,
            [cut, exhausted],
            `${cutText} while Marketing Stream reports it has spent ${Math.round((exhausted.effect as Extract<Effect, { type: 'exhausted' }>).usage)}% of today's budget (${exhausted.item.title}). The cut assumes it under-spends; today it ran out.`,
            'Check the spend before cutting: reject the budget cut if the campaign keeps running out, or approve it knowing it will stop serving earlier.',
          ),
        );
      }
    }
  }

  // 4. Pausing or archiving an entity while another item changes it or its children.
  const pauses = primaries.filter((c) => c.effect.type === 'pause');
  if (pauses.length > 0) {
    for (const pause of pauses) {
      const e = pause.item.entity;
      const covers = (c: Classified): boolean => {
        if (c === pause || c.effect.type === 'pause' || c.effect.type === 'exhausted') return false;
        // An enable of the very same entity is an opposite direction, reported above.
        if (c.effect.type === 'enable' && c.entityKey === pause.entityKey) return false;
        const x = c.item.entity;
        switch (e.level) {
          case 'campaign':
            return Boolean(e.campaignId) && x.campaignId === e.campaignId;
          case 'ad-group':
            return Boolean(e.adGroupId) && x.adGroupId === e.adGroupId;
          case 'portfolio':
            return Boolean(e.portfolioId) && x.portfolioId === e.portfolioId;
          default:
            return c.entityKey === pause.entityKey;
        }
      };
      // Children of a campaign or ad group share its campaign id; a portfolio (no campaign id) looks at all.
      const candidates = e.campaignId && e.level !== 'portfolio' ? (byCampaign.get(e.campaignId) ?? []) : primaries;
      const changers = candidates.filter(covers);
      if (changers.length === 0) continue;
      const verb = (pause.effect as Extract<Effect, { type: 'pause' }>).to === 'ARCHIVED' ? 'archived' : 'paused';
      conflicts.push(
        conflictOf(
          'pause_with_change',
          pause.entityKey,
          [pause, ...changers],
          `${capitalise(entityLabelOf(e))} would be ${verb} (${sourceOf(pause.item)}) while ${plural(changers.length, 'other item')} change${
            changers.length === 1 ? 's' : ''
          } it or its children (${listSome(changers, (c) => `${entityLabelOf(c.item.entity)} ${describeChange(c)}`)}).`,
          `If it is to be ${verb}, reject the changes; otherwise reject the ${verb === 'archived' ? 'archive' : 'pause'}.`,
        ),
      );
    }
  }
  conflicts.push(...crossProduct(primaries));
  conflicts.push(...acrossGoals(primaries));
  return { conflicts, supersede };
}

function sameProfile(a: Classified, b: Classified): boolean {
  const pa = a.item.profileId ?? null;
  const pb = b.item.profileId ?? null;
  return pa === null || pb === null || pa === pb;
}

/** The same product: the ASIN when both name one, else (an SP campaign names none) the profile decides. */
function shareProduct(a: Classified, b: Classified): boolean {
  const xa = a.item.entity.asin;
  const xb = b.item.entity.asin;
  return sameProfile(a, b) && (!xa || !xb || xa === xb);
}

const isCampaignBudget = (c: Classified, direction: 'up' | 'down') =>
  c.item.entity.level === 'campaign' && c.effect.type === 'value' && c.effect.field === 'budget' && c.effect.direction === direction;

/** An item's part in the cross-product conflicts (5.), whether or not it is a primary. */
function crossProductRole(c: Classified): 'sp-cut' | 'raise' | 'audience' | null {
  const product = adProductOf(c.item.source);
  if (product === 'SP' && isCampaignBudget(c, 'down')) return 'sp-cut';
  if ((product === 'SB' || product === 'SD') && isCampaignBudget(c, 'up')) return 'raise';
  if (product === 'SD' && c.effect.type === 'expansion' && c.item.action.type === 'add-target' && c.item.action.field === 'audience')
    return 'audience';
  return null;
}

/** 5. Across ad products of one profile: SB / SD budget raises and SD audience expansion against SP budget cuts. */
function crossProduct(primaries: readonly Classified[]): DetectedConflict[] {
  const conflicts: DetectedConflict[] = [];
  const spCuts = primaries.filter((c) => crossProductRole(c) === 'sp-cut');
  if (spCuts.length === 0) return conflicts;
  const raises = primaries.filter((c) => crossProductRole(c) === 'raise');
  const audiences = primaries.filter((c) => crossProductRole(c) === 'audience');
  for (const cut of spCuts) {
    const effect = cut.effect as Extract<Effect, { type: 'value' }>;
    const cutText = `Sponsored Products budget cut ${money(effect.from, null)} → ${money(effect.to, cut.item.action.currency)} on ${campaignLabelOf(cut.item.entity)}`;
    const key = `campaign:${cut.item.entity.campaignId ?? '?'}`;
    const raised = raises.filter((r) => shareProduct(cut, r));
    if (raised.length > 0) {
      conflicts.push(
        conflictOf(
          'cross_product_budget',
          key,
          [cut, ...raised],
          `${cutText} while ${plural(raised.length, 'budget raise')} on the same advertiser's ${listSome(raised, (r) => `${adProductOf(r.item.source) === 'SB' ? 'Sponsored Brands' : 'Sponsored Display'} ${campaignLabelOf(r.item.entity)} ${describeChange(r)}`)} ${raised.length === 1 ? 'is' : 'are'} pending. SP, SB and SD campaigns of one advertiser spend the same money on the same shoppers: together they move spend between ad products instead of cutting it.`,
          'Decide the advertiser’s spend on this product: keep the SP cut and reject the raise, or reject the cut and keep the raise.',
        ),
      );
    }
    const expanding = audiences.filter((a) => shareProduct(cut, a));
    if (expanding.length > 0) {
      conflicts.push(
        conflictOf(
          'audience_expansion_during_budget_cut',
          key,
          [cut, ...expanding],
          `${cutText} while Sponsored Display would reach ${plural(expanding.length, 'new audience')} for the same advertiser (${listSome(expanding, (a) => `${campaignLabelOf(a.item.entity)}: ${a.item.entity.targetText ?? 'an audience'}`)}). New shoppers cost budget the cut takes away.`,
          'Either hold the expansion until the budget is back, or keep the SP budget and reach the new audience.',
        ),
      );
    }
  }
  return conflicts;
}

const isPlannedAudience = (c: Classified) =>
  c.item.source === 'plan' && c.effect.type === 'expansion' && c.item.action.type === 'add-target' && c.item.action.field === 'audience';

/**
 * 6. Plans against cuts: a plan is a person's bet on more reach, a pending budget cut a bet on less spend; on two
 * campaigns of one portfolio (one budget cap) they pull the same money in opposite directions.
 */
function acrossGoals(primaries: readonly Classified[]): DetectedConflict[] {
  const conflicts: DetectedConflict[] = [];
  const cuts = primaries.filter((c) => isCampaignBudget(c, 'down'));
  if (cuts.length === 0) return conflicts;
  const raises = primaries.filter((c) => c.item.source === 'plan' && isCampaignBudget(c, 'up'));
  const audiences = primaries.filter(isPlannedAudience);
  if (raises.length === 0 && audiences.length === 0) return conflicts;
  for (const cut of cuts) {
    const effect = cut.effect as Extract<Effect, { type: 'value' }>;
    const cutText = `Budget cut ${money(effect.from, null)} → ${money(effect.to, cut.item.action.currency)} on ${campaignLabelOf(cut.item.entity)} (${sourceOf(cut.item)})`;
    const key = `campaign:${cut.item.entity.campaignId ?? '?'}`;
    const portfolio = cut.item.entity.portfolioId;
    const elsewhere = (c: Classified) =>
      c !== cut &&
      portfolio !== null &&
      c.item.entity.portfolioId === portfolio &&
      sameProfile(cut, c) &&
      c.item.entity.campaignId !== cut.item.entity.campaignId;
    const raised = raises.filter(elsewhere);
    if (raised.length > 0) {
      conflicts.push(
        conflictOf(
          'plan_spend_during_budget_cut',
          key,
          [cut, ...raised],
          `${cutText} while ${plural(raised.length, 'plan')} from a reach forecast ${raised.length === 1 ? 'raises' : 'raise'} spend in the same portfolio ${portfolio} (${listSome(raised, (r) => `${r.item.title}: ${describeChange(r, false)}`)}). The cut says the portfolio should spend less, the plan that more reach is worth more spend: under one budget cap they take the same money.`,
          'Decide the advertiser’s spend first: keep the cut and reject the plan, or reject the cut and approve the plan (its forecast is in the item).',
        ),
      );
    }
    const expanding = audiences.filter(elsewhere);
    if (expanding.length > 0) {
      conflicts.push(
        conflictOf(
          'plan_audience_during_budget_cut',
          key,
          [cut, ...expanding],
          `${cutText} while ${plural(expanding.length, 'planned audience')} would reach new shoppers in the same portfolio ${portfolio} (${listSome(expanding, (a) => `${campaignLabelOf(a.item.entity)}: ${a.item.entity.targetText ?? 'an audience'}`)}). New reach costs budget the cut takes away.`,
          'Either hold the audience plan until the budget is back, or keep the budget and reach the new audience.',
        ),
      );
    }
  }
  return conflicts;
}

/** Stream's and the pull's copies of one budget recommendation: the fresher stays, the other is superseded. */
function foldBudgetRecommendation(group: Classified[], conflicts: DetectedConflict[], supersede: EngineResult['supersede']): Classified[] {
  const copies = group.filter(
    (c) =>
      c.effect.type === 'value' &&
      c.effect.field === 'budget' &&
      SAME_BUDGET_RECOMMENDATION.has(`${c.item.source}:${c.item.sourceType ?? ''}`),
  );
  if (new Set(copies.map((c) => c.item.source)).size < 2) return group;
  const live = copies.filter((c) => c.item.status !== 'superseded');
  const [fresher] = [...(live.length > 0 ? live : copies)].sort((a, b) =>
    a.item.refreshedAt === b.item.refreshedAt ? (a.item.id < b.item.id ? -1 : 1) : a.item.refreshedAt < b.item.refreshedAt ? 1 : -1,
  );
  if (!fresher) return group;
  const older = copies.filter((c) => c !== fresher);
  for (const other of older) if (other.item.status !== 'superseded') supersede.push({ id: other.item.id, primaryId: fresher.item.id });
  conflicts.push(
    conflictOf(
      'duplicate',
      fresher.entityKey,
      [fresher, ...older],
      `Amazon's budget recommendation for ${campaignLabelOf(fresher.item.entity)} arrived by Marketing Stream and by the hourly pull; the fresher (${describeChange(fresher)}, ${fresher.item.refreshedAt}) is kept, the other is superseded and keeps its history.`,
      'Nothing to decide: act on the fresher one.',
      fresher.item.id,
    ),
  );
  return group.filter((c) => !older.includes(c));
}

/** The first few members in words, then how many more: an explanation stays readable (the members list has all). */
function listSome(members: readonly Classified[], describe: (c: Classified) => string, max = 5): string {
  const shown = members.slice(0, max).map(describe).join('; ');
  return members.length > max ? `${shown}; and ${members.length - max} more` : shown;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function classifiedOf(item: EngineItem): Classified | null {
  const effect = classify(item);
  if (!effect) return null;
  const entityKey = entityKeyOf(item.entity);
  return { item, effect, entityKey, changeKey: changeKeyOf(entityKey, effect) };
}

/**
 * The reach of each grouping, for a pass over part of an advertiser (conflict-service.ts, incremental detection):
 * groupings 1 to 4 stay within one entity key or one campaign, except the two named here.
 */
export const ACROSS_CAMPAIGN_KINDS: ReadonlySet<ConflictKind> = new Set(['cross_product_budget', 'audience_expansion_during_budget_cut']);

/** Whether an item may take part in a cross-product conflict (5.): an SP budget cut, an SB / SD raise, an SD audience. */
export function reachesAcrossCampaigns(item: EngineItem): boolean {
  const c = classifiedOf(item);
  return c !== null && crossProductRole(c) !== null;
}

/** A pause whose changers the engine looks for beyond one campaign (4.): a portfolio's, or one naming no campaign. */
export function pausesBeyondCampaign(item: EngineItem): boolean {
  return classify(item)?.type === 'pause' && (item.entity.level === 'portfolio' || !item.entity.campaignId);
}

/** Finds the conflicts among the given items, per advertiser. Items of several advertisers never conflict. */
export function detectConflicts(items: readonly EngineItem[]): EngineResult {
  const byAdvertiser = new Map<string, Classified[]>();
  for (const item of items) {
    const classified = classifiedOf(item);
    if (!classified) continue;
    const list = byAdvertiser.get(item.advertiserId);
    if (list) list.push(classified);
    else byAdvertiser.set(item.advertiserId, [classified]);
  }
  const result: EngineResult = { conflicts: [], supersede: [] };
  for (const classified of byAdvertiser.values()) {
    const found = detectForAdvertiser(classified);
    result.conflicts.push(...found.conflicts);
    result.supersede.push(...found.supersede);
  }
  return result;
}
