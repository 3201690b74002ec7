/**
 * The recommendation store: the single truth of every recommendation and its lifecycle state. Ingestion upserts on
 * the source's own id (idempotent: a re-sync of unchanged upstream data writes nothing); readers page through it
 * with an opaque keyset cursor. Freshness is derived on read from the refresh time and the source's policy, so it
 * never goes stale in the table.
 */
import { createHash } from 'node:crypto';
import {
  DEFAULT_FRESHNESS_POLICIES,
  type FreshnessPolicy,
  freshnessOf,
  type ListRecommendationsQuery,
  type NormalisedRecommendation,
  type Recommendation,
  type RecommendationDetail,
  type RecommendationPage,
  type RecommendationSource,
  RecommendationSourceSchema,
} from '@recdesk/shared-types';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import type { RecommendationsTable } from '../db/schema.ts';

type Row = Selectable<RecommendationsTable>;

/** A deterministic UUID (v5 layout) from the source and its id, so the same upstream item always has the same id. */
export function recommendationIdOf(source: RecommendationSource, sourceRecommendationId: string): string {
  const hex = createHash('sha1').update(`recdesk:${source}:${sourceRecommendationId}`).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

function contentHashOf(item: NormalisedRecommendation): string {
  return createHash('sha256').update(JSON.stringify(item)).digest('hex');
}

const CursorSchema = z.tuple([z.iso.datetime(), z.uuid()]);

function encodeCursor(row: Pick<Row, 'generated_at' | 'id'>): string {
  return Buffer.from(JSON.stringify([new Date(row.generated_at).toISOString(), row.id])).toString('base64url');
}

export class InvalidCursorError extends Error {}

function decodeCursor(cursor: string): [string, string] {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidCursorError('The cursor is not one this API returned; start again without it.');
  }
}

export interface UpsertResult {
  stored: number;
  unchanged: number;
}

export interface StoreOptions {
  freshnessPolicies?: Partial<Record<RecommendationSource, FreshnessPolicy>>;
}

export class RecommendationStore {
  private readonly policies: Record<RecommendationSource, FreshnessPolicy>;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    options: StoreOptions = {},
  ) {
    this.policies = { ...DEFAULT_FRESHNESS_POLICIES, ...options.freshnessPolicies };
  }

  /** Inserts new items and updates those whose upstream content changed (bumping their version). */
  async upsertMany(items: readonly NormalisedRecommendation[]): Promise<UpsertResult> {
    if (items.length === 0) return { stored: 0, unchanged: 0 };
    const now = this.now();
    // One statement cannot touch a row twice: the last copy of a duplicated upstream item wins.
    const unique = new Map(items.map((item) => [`${item.source}\u0000${item.sourceRecommendationId}`, item]));
    const rows = [...unique.values()].map((item) => ({
      id: recommendationIdOf(item.source, item.sourceRecommendationId),
      source: item.source,
      source_recommendation_id: item.sourceRecommendationId,
      source_type: item.sourceType,
      kind: item.kind,
      goal: item.goal,
      title: item.title,
      description: item.description,
      advertiser_id: item.advertiserId,
      advertiser_name: item.advertiserName,
      profile_id: item.profileId,
      marketplace: item.marketplace,
      campaign_id: item.entity.campaignId,
      entity: JSON.stringify(item.entity),
      action: JSON.stringify(item.action),
      applicable: item.applicable,
      confidence: item.confidence,
      impact_score: item.impactScore,
      estimated_impact: JSON.stringify(item.estimatedImpact),
      generated_at: item.generatedAt,
      refreshed_at: item.refreshedAt ?? now,
      expires_at: item.expiresAt,
      status: 'discovered',
      validation_issues: '[]',
      priority: null,
      content_hash: contentHashOf(item),
      raw: JSON.stringify(item.raw ?? null),
      created_at: now,
      updated_at: now,
    }));

    return this.db.transaction().execute(async (trx) => {
      const written = await trx
        .insertInto('recommendations')
        .values(rows)
        .onConflict((oc) =>
          oc
            .columns(['source', 'source_recommendation_id'])
            .doUpdateSet((eb) => ({
              source_type: eb.ref('excluded.source_type'),
              kind: eb.ref('excluded.kind'),
              goal: eb.ref('excluded.goal'),
              title: eb.ref('excluded.title'),
              description: eb.ref('excluded.description'),
              advertiser_id: eb.ref('excluded.advertiser_id'),
              advertiser_name: eb.ref('excluded.advertiser_name'),
              profile_id: eb.ref('excluded.profile_id'),
              marketplace: eb.ref('excluded.marketplace'),
              campaign_id: eb.ref('excluded.campaign_id'),
              entity: eb.ref('excluded.entity'),
              action: eb.ref('excluded.action'),
              applicable: eb.ref('excluded.applicable'),
              confidence: eb.ref('excluded.confidence'),
              impact_score: eb.ref('excluded.impact_score'),
              estimated_impact: eb.ref('excluded.estimated_impact'),
              generated_at: eb.ref('excluded.generated_at'),
              refreshed_at: eb.ref('excluded.refreshed_at'),
              expires_at: eb.ref('excluded.expires_at'),
              content_hash: eb.ref('excluded.content_hash'),
              raw: eb.ref('excluded.raw'),
              updated_at: eb.ref('excluded.updated_at'),
              version: eb(eb.ref('recommendations.version'), '+', 1),
            }))
            .where('recommendations.content_hash', '<>', (eb) => eb.ref('excluded.content_hash')),
        )
        .returning(['id', 'status', 'version'])
        .execute();
      const inserted = written.filter((row) => row.version === 1);
      if (inserted.length > 0) {
        await trx
          .insertInto('recommendation_events')
          .values(
            inserted.map((row) => ({
              recommendation_id: row.id,
              at: now,
              actor_type: 'system',
              actor_id: 'ingest',
              from_status: null,
              to_status: 'discovered',
              reason: 'discovered upstream',
              before: null,
              after: null,
            })),
          )
          .execute();
      }
      return { stored: written.length, unchanged: rows.length - written.length };
    });
  }

  async list(query: ListRecommendationsQuery): Promise<RecommendationPage> {
    let base = this.db.selectFrom('recommendations');
    if (query.source) base = base.where('source', '=', query.source);
    if (query.advertiserId) base = base.where('advertiser_id', '=', query.advertiserId);
    if (query.status) base = base.where('status', '=', query.status);

    let page = base
      .selectAll()
      .orderBy('generated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1);
    if (query.cursor) {
      const [generatedAtIso, id] = decodeCursor(query.cursor);
      const generatedAt = new Date(generatedAtIso);
      page = page.where((eb) =>
        eb.or([eb('generated_at', '<', generatedAt), eb.and([eb('generated_at', '=', generatedAt), eb('id', '<', id)])]),
      );
    }
    const [rows, count] = await Promise.all([
      page.execute(),
      base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
    ]);
    const hasMore = rows.length > query.limit;
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map((row) => this.toRecommendation(row)),
      nextCursor: hasMore && last ? encodeCursor(last) : null,
      total: Number(count.total),
    };
  }

  async get(id: string): Promise<RecommendationDetail | null> {
    const row = await this.db.selectFrom('recommendations').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? { ...this.toRecommendation(row), raw: row.raw } : null;
  }

  private toRecommendation(row: Row): Recommendation {
    const source = RecommendationSourceSchema.parse(row.source);
    const refreshedAt = new Date(row.refreshed_at);
    return {
      id: row.id,
      sourceRecommendationId: row.source_recommendation_id,
      source,
      sourceType: row.source_type,
      kind: row.kind as Recommendation['kind'],
      goal: row.goal as Recommendation['goal'],
      title: row.title,
      description: row.description,
      advertiserId: row.advertiser_id,
      advertiserName: row.advertiser_name,
      profileId: row.profile_id,
      marketplace: row.marketplace,
      entity: row.entity as Recommendation['entity'],
      action: row.action as Recommendation['action'],
      applicable: row.applicable,
      confidence: row.confidence,
      impactScore: row.impact_score,
      estimatedImpact: row.estimated_impact as Recommendation['estimatedImpact'],
      generatedAt: new Date(row.generated_at).toISOString(),
      refreshedAt: refreshedAt.toISOString(),
      expiresAt: row.expires_at ? new Date(row.expires_at).toISOString() : null,
      freshness: freshnessOf(this.now().getTime() - refreshedAt.getTime(), this.policies[source]),
      status: row.status as Recommendation['status'],
      validationIssues: row.validation_issues as Recommendation['validationIssues'],
      version: row.version,
      priority: row.priority,
      conflictIds: [],
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }
}
