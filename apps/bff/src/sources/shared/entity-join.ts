/**
 * Joins names and current values into recommendations that a source could only give by id (Partner Opportunities
 * rows carry `encryptedCampaignId`, which for Sponsored Products is the SP campaign id, and the `profileId`). Items
 * stream through in batches: each batch's ids are resolved per profile with one entity-catalog lookup per kind, then
 * the items go on in their original order, so memory stays flat however many rows a file has. Only what is missing
 * is filled in; what the source said itself wins.
 */
import type { NormalisedRecommendation } from '@recdesk/shared-types';
import type { SourceContext, SourceItem } from '../source-adapter.ts';
import { type AdGroupInfo, type CampaignInfo, catalogFor, type KeywordInfo, type TargetInfo } from './entity-catalog.ts';
import { directionOf } from './sp-recommendation.ts';

/**
 * Items held while their ids are resolved. Each batch costs one list call per profile and kind (more past the
 * 1000-id filter limit), and those calls queue behind the Ads API rate limit: 5000 items across a network's profiles
 * make a few calls, where 500 made one per profile ten times over. The batch is bounded, so memory stays flat.
 */
const JOIN_BATCH = 5000;

export interface JoinedEntities {
  campaign?: CampaignInfo;
  adGroup?: AdGroupInfo;
  keyword?: KeywordInfo;
  target?: TargetInfo;
}

/** Fills the missing names, portfolio and current value of one recommendation. Pure. */
export function enrichRecommendation(recommendation: NormalisedRecommendation, joined: JoinedEntities): NormalisedRecommendation {
  const { campaign, adGroup, keyword, target } = joined;
  if (!campaign && !adGroup && !keyword && !target) return recommendation;
  const entity = {
    ...recommendation.entity,
    portfolioId: recommendation.entity.portfolioId ?? campaign?.portfolioId ?? null,
    campaignName: recommendation.entity.campaignName ?? campaign?.name ?? null,
    adGroupName: recommendation.entity.adGroupName ?? adGroup?.name ?? null,
    targetText: recommendation.entity.targetText ?? keyword?.keywordText ?? target?.text ?? null,
    matchType: recommendation.entity.matchType ?? keyword?.matchType ?? null,
  };
  let action = recommendation.action;
  if (action.from === null) {
    const current =
      action.type === 'set-budget'
        ? (campaign?.dailyBudget ?? null)
        : action.type === 'set-bid'
          ? (keyword?.bid ?? target?.bid ?? (keyword || target ? (adGroup?.defaultBid ?? null) : null))
          : null;
    if (current !== null) {
      const to = typeof action.to === 'number' ? action.to : null;
      action = { ...action, from: current, direction: to === null ? action.direction : directionOf(current, to) };
    }
  }
  const title =
    entity.campaignName && !recommendation.title.includes(entity.campaignName)
      ? `${entity.campaignName}: ${recommendation.title}`
      : recommendation.title;
  return { ...recommendation, entity, action, title };
}

/** The items of `source`, with campaign, ad group, keyword and target names and current values joined in. */
export async function* withJoinedEntities(source: AsyncIterable<SourceItem>, context: SourceContext): AsyncGenerator<SourceItem> {
  const catalog = catalogFor(context);
  const profiles = new Map(context.profiles.map((p) => [p.profileId, p]));
  let batch: SourceItem[] = [];

  async function* flush(): AsyncGenerator<SourceItem> {
    const byProfile = new Map<string, { campaigns: Set<string>; adGroups: Set<string>; targets: Set<string> }>();
    for (const item of batch) {
      if (item.type !== 'recommendation') continue;
      const { profileId, entity } = item.recommendation;
      if (!profileId || !profiles.has(profileId)) continue;
      const ids = byProfile.get(profileId) ?? { campaigns: new Set(), adGroups: new Set(), targets: new Set() };
      if (entity.campaignId) ids.campaigns.add(entity.campaignId);
      if (entity.adGroupId) ids.adGroups.add(entity.adGroupId);
      if (entity.targetId) ids.targets.add(entity.targetId);
      byProfile.set(profileId, ids);
    }
    const resolved = new Map<string, Awaited<ReturnType<typeof resolve>>>();
    async function resolve(profileId: string, ids: { campaigns: Set<string>; adGroups: Set<string>; targets: Set<string> }) {
      const profile = profiles.get(profileId);
      if (!profile) return null;
      const [campaigns, adGroups, keywords, targets] = await Promise.all([
        catalog.get(profile, 'campaigns', ids.campaigns),
        catalog.get(profile, 'adGroups', ids.adGroups),
        catalog.get(profile, 'keywords', ids.targets),
        catalog.get(profile, 'targets', ids.targets),
      ]);
      return { campaigns, adGroups, keywords, targets };
    }
    // Profiles are resolved side by side: the client's rate limiter, not this loop, decides how fast calls go.
    await Promise.all([...byProfile].map(async ([profileId, ids]) => resolved.set(profileId, await resolve(profileId, ids))));
    for (const item of batch) {
      if (item.type !== 'recommendation' || !item.recommendation.profileId) {
        yield item;
        continue;
      }
      const found = resolved.get(item.recommendation.profileId);
      const { entity } = item.recommendation;
      yield found
        ? {
            type: 'recommendation',
            recommendation: enrichRecommendation(item.recommendation, {
              campaign: entity.campaignId ? found.campaigns.get(entity.campaignId) : undefined,
              adGroup: entity.adGroupId ? found.adGroups.get(entity.adGroupId) : undefined,
              keyword: entity.targetId && entity.level !== 'target' ? found.keywords.get(entity.targetId) : undefined,
              target: entity.targetId && entity.level !== 'keyword' ? found.targets.get(entity.targetId) : undefined,
            }),
          }
        : item;
    }
    batch = [];
  }

  for await (const item of source) {
    batch.push(item);
    if (batch.length >= JOIN_BATCH) yield* flush();
  }
  yield* flush();
}
