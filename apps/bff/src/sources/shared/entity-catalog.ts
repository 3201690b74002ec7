/**
 * The names and current values of an advertiser's Sponsored Products entities, read through the SP v3 `/list`
 * endpoints so that a recommendation reads "Campaign X: daily budget 50.00 → 75.00 USD" rather than bare ids.
 * Entities are fetched by id in batches of at most 1000 (the `idFilter.include` limit), each batch paged with
 * `maxResults` / `nextToken`, and cached for the duration of one sync: every source of that sync shares one catalog
 * (see `catalogFor`). A list call that fails leaves the names out (logged) rather than failing the source: a
 * recommendation without its campaign's name is still worth showing.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AdsClient } from '../../ads-client/ads-client.ts';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import type { SourceContext } from '../source-adapter.ts';

export const SP_ENTITY_MEDIA_TYPES = {
  campaigns: 'application/vnd.spCampaign.v3+json',
  adGroups: 'application/vnd.spAdGroup.v3+json',
  keywords: 'application/vnd.spKeyword.v3+json',
  targets: 'application/vnd.spTargetingClause.v3+json',
  productAds: 'application/vnd.spProductAd.v3+json',
} as const;

/** The spec's `maxItems` of every `…IdFilter.include`. */
export const ID_FILTER_LIMIT = 1000;

// Enums (state, targetingType, matchType, strategy, placement) are read as strings: Amazon adds values without a
// version bump (facts.md §5), and an unknown one is kept and shown.
const CampaignSchema = z.looseObject({
  campaignId: z.string().min(1),
  name: z.string(),
  state: z.string(),
  targetingType: z.string().optional(),
  portfolioId: z.string().nullish(),
  budget: z.looseObject({ budget: z.number(), budgetType: z.string(), effectiveBudget: z.number().optional() }),
  dynamicBidding: z
    .looseObject({
      strategy: z.string(),
      placementBidding: z.array(z.looseObject({ placement: z.string(), percentage: z.number() })).optional(),
    })
    .optional(),
});
const AdGroupSchema = z.looseObject({
  adGroupId: z.string().min(1),
  campaignId: z.string().min(1),
  name: z.string(),
  state: z.string(),
  defaultBid: z.number(),
});
const KeywordSchema = z.looseObject({
  keywordId: z.string().min(1),
  adGroupId: z.string().min(1),
  campaignId: z.string().min(1),
  keywordText: z.string(),
  matchType: z.string(),
  state: z.string(),
  bid: z.number().optional(),
});
const ExpressionSchema = z.array(z.looseObject({ type: z.string(), value: z.string().optional() }));
const TargetSchema = z.looseObject({
  targetId: z.string().min(1),
  adGroupId: z.string().min(1),
  campaignId: z.string().min(1),
  expressionType: z.string(),
  expression: ExpressionSchema,
  resolvedExpression: ExpressionSchema.optional(),
  state: z.string(),
  bid: z.number().optional(),
});
const ProductAdSchema = z.looseObject({
  adId: z.string().min(1),
  adGroupId: z.string().min(1),
  campaignId: z.string().min(1),
  asin: z.string().optional(),
  sku: z.string().optional(),
  state: z.string(),
});

export interface CampaignInfo {
  campaignId: string;
  name: string;
  state: string;
  targetingType: string | null;
  portfolioId: string | null;
  dailyBudget: number;
  budgetType: string;
  biddingStrategy: string | null;
  /** Placement → bid adjustment percent; a placement the campaign does not list is 0. */
  placements: Record<string, number>;
}

export interface AdGroupInfo {
  adGroupId: string;
  campaignId: string;
  name: string;
  state: string;
  defaultBid: number;
}

export interface KeywordInfo {
  keywordId: string;
  adGroupId: string;
  campaignId: string;
  keywordText: string;
  matchType: string;
  state: string;
  /** A keyword without its own bid bids its ad group's default bid. */
  bid: number | null;
}

export interface TargetInfo {
  targetId: string;
  adGroupId: string;
  campaignId: string;
  expressionType: string;
  expression: { type: string; value?: string }[];
  /** The auto-targeting group (CLOSE_MATCH…) when the clause is one, else null. */
  autoGroup: string | null;
  /** A person's reading of the expression: `close match`, `asin="B0…"`. */
  text: string;
  state: string;
  bid: number | null;
}

export interface ProductAdInfo {
  adId: string;
  adGroupId: string;
  campaignId: string;
  asin: string | null;
  state: string;
}

/** `/sp/targets` predicates of the four auto-targeting groups. */
export const AUTO_GROUP_OF_PREDICATE: Readonly<Record<string, string>> = {
  QUERY_HIGH_REL_MATCHES: 'CLOSE_MATCH',
  QUERY_BROAD_REL_MATCHES: 'LOOSE_MATCH',
  ASIN_SUBSTITUTE_RELATED: 'SUBSTITUTES',
  ASIN_ACCESSORY_RELATED: 'COMPLEMENTS',
};

export function describeAutoGroup(group: string): string {
  return group.toLowerCase().replaceAll('_', ' ');
}

function textOfExpression(expression: { type: string; value?: string }[]): string {
  return expression
    .map((predicate) => {
      const group = AUTO_GROUP_OF_PREDICATE[predicate.type];
      if (group) return describeAutoGroup(group);
      const name = predicate.type
        .replace(/^ASIN_/, '')
        .replace(/_SAME_AS$/, '')
        .toLowerCase();
      return predicate.value === undefined ? name : `${name}="${predicate.value}"`;
    })
    .join(' ');
}

interface KindSpec<T> {
  path: string;
  mediaType: string;
  /** The array's key in the list response. */
  key: string;
  idField: string;
  idFilter: string;
  endpoint: string;
  schema: z.ZodType<unknown>;
  toInfo: (raw: never) => T;
}

const KINDS = {
  campaigns: {
    path: '/sp/campaigns/list',
    mediaType: SP_ENTITY_MEDIA_TYPES.campaigns,
    key: 'campaigns',
    idField: 'campaignId',
    idFilter: 'campaignIdFilter',
    endpoint: 'spCampaigns.list',
    schema: CampaignSchema,
    toInfo: (c: z.infer<typeof CampaignSchema>): CampaignInfo => ({
      campaignId: c.campaignId,
      name: c.name,
      state: c.state,
      targetingType: c.targetingType ?? null,
      portfolioId: c.portfolioId ?? null,
      dailyBudget: c.budget.budget,
      budgetType: c.budget.budgetType,
      biddingStrategy: c.dynamicBidding?.strategy ?? null,
      placements: Object.fromEntries((c.dynamicBidding?.placementBidding ?? []).map((p) => [p.placement, p.percentage])),
    }),
  } satisfies KindSpec<CampaignInfo>,
  adGroups: {
    path: '/sp/adGroups/list',
    mediaType: SP_ENTITY_MEDIA_TYPES.adGroups,
    key: 'adGroups',
    idField: 'adGroupId',
    idFilter: 'adGroupIdFilter',
    endpoint: 'spAdGroups.list',
    schema: AdGroupSchema,
    toInfo: (g: z.infer<typeof AdGroupSchema>): AdGroupInfo => ({
      adGroupId: g.adGroupId,
      campaignId: g.campaignId,
      name: g.name,
      state: g.state,
      defaultBid: g.defaultBid,
    }),
  } satisfies KindSpec<AdGroupInfo>,
  keywords: {
    path: '/sp/keywords/list',
    mediaType: SP_ENTITY_MEDIA_TYPES.keywords,
    key: 'keywords',
    idField: 'keywordId',
    idFilter: 'keywordIdFilter',
    endpoint: 'spKeywords.list',
    schema: KeywordSchema,
    toInfo: (k: z.infer<typeof KeywordSchema>): KeywordInfo => ({
      keywordId: k.keywordId,
      adGroupId: k.adGroupId,
      campaignId: k.campaignId,
      keywordText: k.keywordText,
      matchType: k.matchType,
      state: k.state,
      bid: k.bid ?? null,
    }),
  } satisfies KindSpec<KeywordInfo>,
  targets: {
    path: '/sp/targets/list',
    mediaType: SP_ENTITY_MEDIA_TYPES.targets,
    key: 'targetingClauses',
    idField: 'targetId',
    idFilter: 'targetIdFilter',
    endpoint: 'spTargets.list',
    schema: TargetSchema,
    toInfo: (t: z.infer<typeof TargetSchema>): TargetInfo => {
      const expression = t.resolvedExpression?.length ? t.resolvedExpression : t.expression;
      const autoGroup = expression.length === 1 ? (AUTO_GROUP_OF_PREDICATE[expression[0]?.type ?? ''] ?? null) : null;
      return {
        targetId: t.targetId,
        adGroupId: t.adGroupId,
        campaignId: t.campaignId,
        expressionType: t.expressionType,
        expression,
        autoGroup,
        text: textOfExpression(expression),
        state: t.state,
        bid: t.bid ?? null,
      };
    },
  } satisfies KindSpec<TargetInfo>,
  productAds: {
    path: '/sp/productAds/list',
    mediaType: SP_ENTITY_MEDIA_TYPES.productAds,
    key: 'productAds',
    idField: 'adId',
    idFilter: 'adIdFilter',
    endpoint: 'spProductAds.list',
    schema: ProductAdSchema,
    toInfo: (a: z.infer<typeof ProductAdSchema>): ProductAdInfo => ({
      adId: a.adId,
      adGroupId: a.adGroupId,
      campaignId: a.campaignId,
      asin: a.asin ?? null,
      state: a.state,
    }),
  } satisfies KindSpec<ProductAdInfo>,
};

export type EntityKind = keyof typeof KINDS;
type InfoOf<K extends EntityKind> = ReturnType<(typeof KINDS)[K]['toInfo']>;

/** The parent filters each list endpoint accepts (by campaign, by ad group). */
export type ParentFilter = { campaignIds: readonly string[] } | { adGroupIds: readonly string[] };

const ListPageSchema = z.looseObject({ nextToken: z.string().nullish(), totalResults: z.number().optional() });

export interface EntityCatalogOptions {
  log: Logger;
  signal?: AbortSignal;
  /** `maxResults` per page; the API's default is its max page size. */
  pageSize?: number;
}

export class EntityCatalog {
  /** profileId → kind → id → entity. */
  private readonly entities = new Map<string, Map<EntityKind, Map<string, unknown>>>();
  /** Ids asked for and not found (archived beyond retention, another profile's): never asked again this sync. */
  private readonly absent = new Set<string>();
  /** `profile:kind:parentField:parentId` already listed in full. */
  private readonly listedParents = new Set<string>();
  /** `profile:kind` whose list endpoint failed this sync: not called again, names left out. */
  private readonly unavailable = new Set<string>();
  private readonly pageSize: number;
  /** Entities in a list page that did not match the published schema, for the logs. */
  malformed = 0;

  constructor(
    private readonly client: AdsClient,
    private readonly options: EntityCatalogOptions,
  ) {
    this.pageSize = options.pageSize ?? ID_FILTER_LIMIT;
  }

  private cache<K extends EntityKind>(profile: AdsProfile, kind: K): Map<string, InfoOf<K>> {
    let byKind = this.entities.get(profile.profileId);
    if (!byKind) {
      byKind = new Map();
      this.entities.set(profile.profileId, byKind);
    }
    let byId = byKind.get(kind);
    if (!byId) {
      byId = new Map();
      byKind.set(kind, byId);
    }
    return byId as Map<string, InfoOf<K>>;
  }

  /** The entities with these ids (those that exist), fetching the ones not yet cached in batches of ≤1000. */
  async get<K extends EntityKind>(profile: AdsProfile, kind: K, ids: Iterable<string>): Promise<Map<string, InfoOf<K>>> {
    const cache = this.cache(profile, kind);
    const wanted = [...new Set(ids)].filter((id) => id !== '');
    const missing = wanted.filter((id) => !cache.has(id) && !this.absent.has(`${profile.profileId}:${kind}:${id}`));
    for (let start = 0; start < missing.length; start += ID_FILTER_LIMIT) {
      const batch = missing.slice(start, start + ID_FILTER_LIMIT);
      const spec = KINDS[kind];
      const ok = await this.list(profile, kind, { [spec.idFilter]: { include: batch } });
      if (!ok) break;
      for (const id of batch) if (!cache.has(id)) this.absent.add(`${profile.profileId}:${kind}:${id}`);
    }
    const found = new Map<string, InfoOf<K>>();
    for (const id of wanted) {
      const entity = cache.get(id);
      if (entity) found.set(id, entity);
    }
    return found;
  }

  /** Every entity of a kind under these campaigns or ad groups (parent ids batched ≤1000 per call). */
  async under<K extends EntityKind>(profile: AdsProfile, kind: K, parents: ParentFilter): Promise<InfoOf<K>[]> {
    const [field, filter, ids] =
      'campaignIds' in parents
        ? (['campaignId', 'campaignIdFilter', parents.campaignIds] as const)
        : (['adGroupId', 'adGroupIdFilter', parents.adGroupIds] as const);
    const keyOf = (id: string) => `${profile.profileId}:${kind}:${field}:${id}`;
    const missing = [...new Set(ids)].filter((id) => !this.listedParents.has(keyOf(id)));
    for (let start = 0; start < missing.length; start += ID_FILTER_LIMIT) {
      const batch = missing.slice(start, start + ID_FILTER_LIMIT);
      if (!(await this.list(profile, kind, { [filter]: { include: batch } }))) break;
      for (const id of batch) this.listedParents.add(keyOf(id));
    }
    const wanted = new Set(ids);
    return this.inIdOrder(
      kind,
      [...this.cache(profile, kind).values()].filter((entity) => wanted.has((entity as unknown as Record<string, string>)[field] ?? '')),
    );
  }

  /** Every entity of a kind in the profile (e.g. all its campaigns). */
  async all<K extends EntityKind>(profile: AdsProfile, kind: K): Promise<InfoOf<K>[]> {
    const key = `${profile.profileId}:${kind}:all`;
    if (!this.listedParents.has(key) && (await this.list(profile, kind, {}))) this.listedParents.add(key);
    return this.inIdOrder(kind, [...this.cache(profile, kind).values()]);
  }

  /**
   * The cache holds entities in the order they arrived, which depends on which source of the sync asked first (the
   * sources run side by side): answers are put in id order, so that what a source asks upstream next (its batches of
   * ids) and so what it stores (Amazon's `index` within a batch) are the same whatever ran beside it.
   */
  private inIdOrder<K extends EntityKind>(kind: K, entities: InfoOf<K>[]): InfoOf<K>[] {
    const idOf = (entity: InfoOf<K>) => (entity as unknown as Record<string, string>)[KINDS[kind].idField] ?? '';
    return entities.sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
  }

  /** Whether a kind's list endpoint failed for the profile this sync (names and current values are then missing). */
  isUnavailable(profile: AdsProfile, kind: EntityKind): boolean {
    return this.unavailable.has(`${profile.profileId}:${kind}`);
  }

  /** Lists every page of one filter into the cache; false when the endpoint failed (logged once). */
  private async list(profile: AdsProfile, kind: EntityKind, filter: Record<string, unknown>): Promise<boolean> {
    const unavailableKey = `${profile.profileId}:${kind}`;
    if (this.unavailable.has(unavailableKey)) return false;
    const spec = KINDS[kind];
    const cache = this.cache(profile, kind) as Map<string, unknown>;
    const pageSchema = ListPageSchema.extend({ [spec.key]: z.array(z.unknown()).optional() });
    let nextToken: string | undefined;
    try {
      do {
        const page = (await this.client.requestJson(
          {
            region: profile.region,
            method: 'POST',
            path: spec.path,
            auth: { kind: 'profile', profileId: profile.profileId },
            accept: spec.mediaType,
            contentType: spec.mediaType,
            body: { ...filter, maxResults: this.pageSize, ...(nextToken ? { nextToken } : {}) },
            endpoint: spec.endpoint,
            signal: this.options.signal,
          },
          pageSchema,
        )) as Record<string, unknown> & { nextToken?: string | null };
        for (const raw of (page[spec.key] as unknown[] | undefined) ?? []) {
          const parsed = spec.schema.safeParse(raw);
          if (!parsed.success) {
            this.malformed++;
            this.options.log.warn(
              { kind, profileId: profile.profileId, reason: z.prettifyError(parsed.error), raw },
              'entity does not match the published schema; its name is left out',
            );
            continue;
          }
          const info = (spec.toInfo as (raw: unknown) => unknown)(parsed.data);
          cache.set((info as Record<string, string>)[spec.idField] as string, info);
        }
        nextToken = page.nextToken ?? undefined;
      } while (nextToken);
      return true;
    } catch (error) {
      if (this.options.signal?.aborted) throw error;
      this.unavailable.add(unavailableKey);
      this.options.log.warn(
        { kind, profileId: profile.profileId, err: error instanceof Error ? error.message : String(error) },
        'entity list failed; recommendations go on without names and current values',
      );
      return false;
    }
  }
}

/**
 * One catalog per sync, shared by the sources of that sync: the sync service hands every source the same profiles
 * array, which keys the catalog. An age limit keeps a long-lived caller (one that reuses the array across syncs)
 * from reading yesterday's budgets.
 */
const CATALOG_MAX_AGE_MS = 10 * 60_000;
const catalogs = new WeakMap<readonly AdsProfile[], { catalog: EntityCatalog; createdAt: number }>();

export function catalogFor(context: SourceContext): EntityCatalog {
  const now = context.now().getTime();
  const existing = catalogs.get(context.profiles);
  if (existing && now - existing.createdAt < CATALOG_MAX_AGE_MS) return existing.catalog;
  const catalog = new EntityCatalog(context.client, { log: context.log, signal: context.signal });
  catalogs.set(context.profiles, { catalog, createdAt: now });
  return catalog;
}
