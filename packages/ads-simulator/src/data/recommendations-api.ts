/**
 * The Amazon account-team recommendations the unified Recommendations API serves (shared/ads-api/specs/
 * tactical-recommendations.json, facts.md §2.6), generated from the seeded world. Every one of the 33 published
 * recommendation types appears at least once across the world, each shaped as the spec describes it: current and
 * recommended values as strings, budget missed opportunities, budget rules, rule-based bidding, estimated impact.
 */
import { en, Faker } from '@faker-js/faker';
import { budgetStanding } from '../performance/budget-standing.ts';
import type { Campaign, World } from './world.ts';

export const UNIFIED_RECOMMENDATION_TYPES = [
  'AD_GROUP_BID_OPTIMIZATION',
  'AD_GROUP_DEFAULT_BID',
  'AD_GROUP_STATE',
  'AUDIENCE_TARGETING_BID',
  'AUDIENCE_TARGETING_STATE',
  'CAMPAIGN_BIDDING_RULE',
  'CAMPAIGN_BIDDING_STRATEGY',
  'CAMPAIGN_BUDGET',
  'CAMPAIGN_BUDGET_RULE',
  'CAMPAIGN_END_DATE',
  'CAMPAIGN_PRODUCT_PLACEMENT',
  'CAMPAIGN_STATE',
  'CAMPAIGN_TOP_PLACEMENT',
  'KEYWORD_BID',
  'KEYWORD_STATE',
  'NEGATIVE_AUDIENCE_TARGETING_STATE',
  'NEGATIVE_KEYWORD_STATE',
  'NEGATIVE_PRODUCT_TARGETING_STATE',
  'NEW_AD_GROUP',
  'NEW_AUDIENCE_TARGETING',
  'NEW_CAMPAIGN',
  'NEW_CAMPAIGN_BIDDING_RULE',
  'NEW_CAMPAIGN_BUDGET_RULE',
  'NEW_KEYWORD',
  'NEW_NEGATIVE_AUDIENCE_TARGETING',
  'NEW_NEGATIVE_KEYWORD',
  'NEW_NEGATIVE_PRODUCT_TARGETING',
  'NEW_PRODUCT_AD',
  'NEW_PRODUCT_TARGETING',
  'NEW_VIDEO_CAMPAIGN',
  'PRODUCT_AD_STATE',
  'PRODUCT_TARGETING_BID',
  'PRODUCT_TARGETING_STATE',
] as const;
export type UnifiedRecommendationType = (typeof UNIFIED_RECOMMENDATION_TYPES)[number];

/** A recommendation as the API returns it, plus the profile it belongs to (the Scope it is listed under). */
export interface UnifiedRecommendation {
  profileId: number;
  body: Record<string, unknown> & {
    recommendationId: string;
    recommendationType: string;
    status: string;
    adProduct: string;
    campaignId?: string;
    recommendedValue?: string;
    currentValue?: string;
  };
}

function money(value: number): string {
  return (Math.round(value * 100) / 100).toFixed(2);
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

export function createUnifiedRecommendations(world: World, now: Date, seed = world.seed): UnifiedRecommendation[] {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed + 13);
  const items: UnifiedRecommendation[] = [];
  const day = (offset: number) => isoDay(new Date(now.getTime() + offset * 86_400_000));
  const diagnosticDate = day(-1);
  let typeIndex = 0;

  for (const campaign of world.campaigns) {
    const adGroups = world.adGroups.filter((g) => g.campaignId === campaign.campaignId);
    const keywords = world.keywords.filter((k) => k.campaignId === campaign.campaignId);
    const targets = world.targets.filter((t) => t.campaignId === campaign.campaignId);
    // Four recommendations per campaign, walking the type list so that every type shows up across the world.
    for (let n = 0; n < 4; n++) {
      const type = UNIFIED_RECOMMENDATION_TYPES[typeIndex % UNIFIED_RECOMMENDATION_TYPES.length] as UnifiedRecommendationType;
      typeIndex++;
      const body = recommendationBody(type, campaign, { world, now, adGroups, keywords, targets, faker, day, diagnosticDate });
      if (!body) {
        // Nothing true to recommend here; the draws an item would have taken are taken, so the rest stays as it was.
        faker.string.uuid();
        faker.datatype.boolean();
        continue;
      }
      // A new campaign does not exist yet: it names no campaign id.
      const isNewCampaign = type === 'NEW_CAMPAIGN' || type === 'NEW_VIDEO_CAMPAIGN';
      items.push({
        profileId: campaign.profileId,
        body: {
          recommendationId: `amzn1.ads-rec.${faker.string.uuid()}`,
          recommendationType: type,
          status: 'PUBLISHED',
          adProduct: adProductOf(type),
          ...(isNewCampaign ? {} : { campaignId: campaign.campaignId }),
          publishMetadata: { publishedBy: 'AMAZON_ADS_ACCOUNT_TEAM', publishedToAmazonAdConsole: faker.datatype.boolean() },
          ...body,
        } as UnifiedRecommendation['body'],
      });
    }
  }
  return items;
}

function adProductOf(type: UnifiedRecommendationType): string {
  if (type.includes('AUDIENCE') || type === 'AD_GROUP_BID_OPTIMIZATION') return 'SD';
  if (type === 'NEW_VIDEO_CAMPAIGN') return 'SB';
  return 'SP';
}

interface Context {
  world: World;
  now: Date;
  adGroups: World['adGroups'];
  keywords: World['keywords'];
  targets: World['targets'];
  faker: Faker;
  day: (offset: number) => string;
  diagnosticDate: string;
}

function estimatedImpact(faker: Faker, metric: 'clicks' | 'sales' | 'impressions') {
  const current = faker.number.int({ min: 50, max: 2_000 });
  const lift = faker.number.int({ min: 5, max: 400 });
  return {
    campaign: {
      timePeriodInDays: 7,
      [metric]: {
        forecastedCurrentLowerBound: current,
        forecastedCurrentUpperBound: current + lift,
        forecastedRecommendedLowerBound: current + lift,
        forecastedRecommendedUpperBound: current + 2 * lift,
        incrementalLowerBound: lift,
        incrementalUpperBound: 2 * lift,
      },
    },
  };
}

/**
 * A lower cost for a bid cut (a cut is not sold as clicks won): the forecast cost of the campaign over 7 days, and
 * a negative change. Draws the same seeded numbers as `estimatedImpact`, so the rest of the world is unchanged.
 */
function costSaving(faker: Faker) {
  const current = faker.number.int({ min: 50, max: 2_000 });
  const saving = Math.min(Math.round(current / 3), faker.number.int({ min: 5, max: 400 }));
  return {
    campaign: {
      timePeriodInDays: 7,
      cost: {
        forecastedCurrentLowerBound: current,
        forecastedCurrentUpperBound: current + saving,
        forecastedRecommendedLowerBound: current - saving,
        forecastedRecommendedUpperBound: current,
        incrementalLowerBound: -saving,
        incrementalUpperBound: -Math.round(saving / 2),
      },
    },
  };
}

function recommendationBody(type: UnifiedRecommendationType, campaign: Campaign, ctx: Context): Record<string, unknown> | null {
  const { faker } = ctx;
  const adGroup = ctx.adGroups[0];
  const keyword = ctx.keywords[0];
  const target = ctx.targets[0];
  const adGroupId = adGroup?.adGroupId ?? `${campaign.campaignId}1`;
  const bidFactor = () => faker.helpers.arrayElement([0.8, 1.15, 1.3, 1.5]);
  /** A bid change and what it promises: more clicks for a raise, a lower cost for a cut. */
  const bidChange = (current: number) => {
    const factor = bidFactor();
    return {
      currentValue: money(current),
      recommendedValue: money(current * factor),
      estimatedImpact: factor < 1 ? costSaving(faker) : estimatedImpact(faker, 'clicks'),
    };
  };
  /** What the budget of this campaign did over the last 7 days, as the performance model delivers it. */
  const standing = budgetStanding(ctx.world, campaign, ctx.now);
  /** A keyword's bid change: a raise says why (the diagnostic), a cut says what it saves. */
  const keywordBid = (current: number) => {
    const change = bidChange(current);
    return Number(change.recommendedValue) > current ? { ...change, groupingType: 'INCREASE_BID_CONTEXTUAL', ...diagnostic } : change;
  };
  const diagnostic = {
    recommendationContext: {
      diagnosticContext: {
        diagnosticDate: ctx.diagnosticDate,
        summary: { code: 'INCREASE_BID_CONTEXTUAL_SUMMARY', message: 'Campaigns like this one convert better with higher bids.' },
      },
    },
  };
  switch (type) {
    case 'CAMPAIGN_BUDGET': {
      // The same seeded draws either way, so that the rest of the world does not shift with the direction.
      const clicks = faker.number.int({ min: 10, max: 90 });
      faker.number.float({ min: 0.3, max: 0.85, fractionDigits: 2 });
      // A campaign near its budget gets no budget recommendation: neither a raise nor a cut would be true.
      if (standing.advice === 'keep') {
        costSaving(faker);
        return null;
      }
      if (standing.advice === 'lower') {
        // An under-spender: a budget closer to what it spends, which costs it nothing it would have bought.
        return {
          currentValue: money(campaign.dailyBudget),
          recommendedValue: money(standing.lowerTo),
          estimatedImpact: costSaving(faker),
        };
      }
      return {
        currentValue: money(campaign.dailyBudget),
        recommendedValue: money(standing.raiseTo),
        groupingType: 'INCREASE_BUDGET_CONTEXTUAL',
        budgetRecommendation: {
          sevenDaysMissedOpportunities: {
            startDate: ctx.day(-7),
            endDate: ctx.day(-1),
            estimatedMissedClicksLower: clicks,
            estimatedMissedClicksUpper: clicks * 3,
            estimatedMissedImpressionsLower: clicks * 40,
            estimatedMissedImpressionsUpper: clicks * 120,
            estimatedMissedSalesLower: clicks * 2,
            estimatedMissedSalesUpper: clicks * 7,
            percentTimeInBudget: standing.percentTimeInBudget,
          },
        },
        estimatedImpact: estimatedImpact(faker, 'clicks'),
      };
    }
    case 'CAMPAIGN_BIDDING_STRATEGY':
      return {
        currentValue: campaign.biddingStrategy,
        recommendedValue: campaign.biddingStrategy === 'AUTO_FOR_SALES' ? 'LEGACY_FOR_SALES' : 'AUTO_FOR_SALES',
        ...diagnostic,
      };
    case 'CAMPAIGN_STATE':
      return { currentValue: campaign.state, recommendedValue: campaign.state === 'ENABLED' ? 'PAUSED' : 'ENABLED' };
    case 'CAMPAIGN_END_DATE':
      return { recommendedValue: ctx.day(faker.number.int({ min: 14, max: 60 })) };
    case 'CAMPAIGN_TOP_PLACEMENT':
      return { currentValue: String(campaign.placementTop), recommendedValue: String(campaign.placementTop + 25), ...diagnostic };
    case 'CAMPAIGN_PRODUCT_PLACEMENT':
      return { currentValue: String(campaign.placementProductPage), recommendedValue: String(campaign.placementProductPage + 15) };
    case 'CAMPAIGN_BUDGET_RULE':
    case 'NEW_CAMPAIGN_BUDGET_RULE':
      return {
        budgetRule: {
          ...(type === 'CAMPAIGN_BUDGET_RULE' ? { ruleId: faker.string.uuid() } : {}),
          ruleDetails: {
            ruleName: 'Raise budget on high ROAS',
            ruleType: 'PERFORMANCE',
            budgetIncreaseBy: { value: faker.helpers.arrayElement([20, 30, 50]) },
            performanceMeasureCondition: { threshold: faker.helpers.arrayElement([3, 4, 5]) },
            duration: { dateRangeTypeDuration: { startDate: ctx.day(1), endDate: ctx.day(31) } },
          },
        },
      };
    case 'CAMPAIGN_BIDDING_RULE':
    case 'NEW_CAMPAIGN_BIDDING_RULE':
      return {
        ruleBasedBidding: {
          ...(type === 'CAMPAIGN_BIDDING_RULE' ? { currentBiddingStrategy: 'RULE_BASED', currentRuleRoas: 3 } : {}),
          recommendedBiddingStrategy: 'RULE_BASED',
          recommendedRuleRoas: faker.helpers.arrayElement([2.5, 3.5, 4]),
        },
      };
    case 'AD_GROUP_DEFAULT_BID':
      return {
        adGroupId,
        ...bidChange(adGroup?.defaultBid ?? 1),
      };
    case 'AD_GROUP_STATE':
      return { adGroupId, currentValue: 'ENABLED', recommendedValue: 'PAUSED' };
    case 'AD_GROUP_BID_OPTIMIZATION':
      return { adGroupId, currentValue: 'CLICKS', recommendedValue: 'CONVERSIONS' };
    case 'NEW_AD_GROUP':
      return { groupingType: 'ADD_TARGETS_CONTEXTUAL' };
    case 'KEYWORD_BID':
      return keyword
        ? {
            adGroupId: keyword.adGroupId,
            targetId: keyword.keywordId,
            targeting: keyword.keywordText,
            targetingMatchType: keyword.matchType,
            ...keywordBid(keyword.bid),
          }
        : {
            adGroupId,
            targetId: `${adGroupId}9`,
            targeting: 'gift set',
            targetingMatchType: 'BROAD',
            currentValue: '0.75',
            recommendedValue: '0.95',
          };
    case 'KEYWORD_STATE':
      return keyword
        ? {
            adGroupId: keyword.adGroupId,
            targetId: keyword.keywordId,
            targeting: keyword.keywordText,
            targetingMatchType: keyword.matchType,
            currentValue: keyword.state,
            recommendedValue: 'PAUSED',
          }
        : {
            adGroupId,
            targetId: `${adGroupId}8`,
            targeting: 'cheap gift',
            targetingMatchType: 'BROAD',
            currentValue: 'ENABLED',
            recommendedValue: 'PAUSED',
          };
    case 'NEW_KEYWORD':
      return {
        adGroupId,
        targeting: `${faker.commerce.productAdjective().toLowerCase()} ${faker.commerce.product().toLowerCase()}`,
        targetingMatchType: faker.helpers.arrayElement(['EXACT', 'PHRASE', 'BROAD']),
        recommendedValue: money(faker.number.float({ min: 0.4, max: 2.5 })),
        keywordSortingDimension: 'CONVERSION',
        keywordSortingRank: faker.number.int({ min: 1, max: 20 }),
        groupingType: 'ADD_TARGETS_CONTEXTUAL',
      };
    case 'NEW_NEGATIVE_KEYWORD':
      return { adGroupId, targeting: `free ${faker.commerce.product().toLowerCase()}`, targetingMatchType: 'NEGATIVE_EXACT' };
    case 'NEGATIVE_KEYWORD_STATE':
      return {
        adGroupId,
        targetId: `${adGroupId}7`,
        targeting: 'used',
        targetingMatchType: 'NEGATIVE_PHRASE',
        currentValue: 'ENABLED',
        recommendedValue: 'ARCHIVED',
      };
    case 'PRODUCT_TARGETING_BID':
      return target
        ? {
            adGroupId: target.adGroupId,
            targetId: target.targetId,
            targeting: target.expression,
            targetingMatchType: 'TARGETING_EXPRESSION_PREDEFINED',
            ...bidChange(target.bid),
          }
        : {
            adGroupId,
            targetId: `${adGroupId}6`,
            targeting: `asin="B0${faker.string.alphanumeric({ length: 8, casing: 'upper' })}"`,
            targetingMatchType: 'TARGETING_EXPRESSION',
            currentValue: '0.60',
            recommendedValue: '0.80',
          };
    case 'PRODUCT_TARGETING_STATE':
      return target
        ? {
            adGroupId: target.adGroupId,
            targetId: target.targetId,
            targeting: target.expression,
            targetingMatchType: 'TARGETING_EXPRESSION_PREDEFINED',
            currentValue: target.state,
            recommendedValue: 'PAUSED',
          }
        : {
            adGroupId,
            targetId: `${adGroupId}5`,
            targeting: 'category="Kitchen"',
            targetingMatchType: 'TARGETING_EXPRESSION',
            currentValue: 'ENABLED',
            recommendedValue: 'PAUSED',
          };
    case 'NEW_PRODUCT_TARGETING': {
      const asin = `B0${faker.string.alphanumeric({ length: 8, casing: 'upper' })}`;
      return {
        adGroupId,
        targeting: `asin="${asin}"`,
        resolvedTargeting: `asin="${asin}"`,
        targetingMatchType: 'TARGETING_EXPRESSION',
        recommendedValue: money(faker.number.float({ min: 0.3, max: 1.8 })),
      };
    }
    case 'NEW_NEGATIVE_PRODUCT_TARGETING':
      return {
        adGroupId,
        targeting: `asin="B0${faker.string.alphanumeric({ length: 8, casing: 'upper' })}"`,
        targetingMatchType: 'TARGETING_EXPRESSION',
      };
    case 'NEGATIVE_PRODUCT_TARGETING_STATE':
      return {
        adGroupId,
        targetId: `${adGroupId}4`,
        targeting: 'brand="Generic"',
        targetingMatchType: 'TARGETING_EXPRESSION',
        currentValue: 'ENABLED',
        recommendedValue: 'ARCHIVED',
      };
    case 'AUDIENCE_TARGETING_BID':
      return {
        adGroupId,
        targetId: `${adGroupId}3`,
        targeting: 'views=(exactProduct lookback=30)',
        targetingMatchType: 'TARGETING_EXPRESSION',
        currentValue: '1.10',
        recommendedValue: '1.40',
      };
    case 'AUDIENCE_TARGETING_STATE':
      return {
        adGroupId,
        targetId: `${adGroupId}2`,
        targeting: 'purchases=(relatedProduct lookback=60)',
        targetingMatchType: 'TARGETING_EXPRESSION',
        currentValue: 'PAUSED',
        recommendedValue: 'ENABLED',
      };
    case 'NEW_AUDIENCE_TARGETING':
      return {
        adGroupId,
        targeting: 'audience="In-market: Home & Kitchen"',
        targetingMatchType: 'TARGETING_EXPRESSION',
        recommendedValue: '1.25',
      };
    case 'NEW_NEGATIVE_AUDIENCE_TARGETING':
      return { adGroupId, targeting: 'purchases=(exactProduct lookback=30)', targetingMatchType: 'TARGETING_EXPRESSION' };
    case 'NEGATIVE_AUDIENCE_TARGETING_STATE':
      return {
        adGroupId,
        targetId: `${adGroupId}1`,
        targeting: 'views=(similarProduct lookback=14)',
        targetingMatchType: 'TARGETING_EXPRESSION',
        currentValue: 'ENABLED',
        recommendedValue: 'ARCHIVED',
      };
    case 'NEW_PRODUCT_AD':
      return { adGroupId, asin: `B0${faker.string.alphanumeric({ length: 8, casing: 'upper' })}`, groupingType: 'NEW_ASIN' };
    case 'PRODUCT_AD_STATE':
      return {
        adGroupId,
        adId: `${adGroupId}0`,
        asin: adGroup?.asins[0],
        currentValue: 'PAUSED',
        recommendedValue: 'ENABLED',
        groupingType: 'IN_SEASON_ASIN',
      };
    case 'NEW_CAMPAIGN':
    case 'NEW_VIDEO_CAMPAIGN':
      return {
        campaignTemplateId: faker.string.uuid(),
        groupingType: type === 'NEW_CAMPAIGN' ? 'NEW_CAMPAIGN_ATTRIBUTED_ORDERS' : 'NEW_CAMPAIGN_GROW_BRAND_IMPRESSION_SHARE',
        consolidatedRecommendation: {
          recommendationReasons: ['MT_NOT_ENOUGH_TOP_IMPRESSIONS'],
          sevenDaysEstimatedOpportunities: {
            startDate: `${ctx.day(0)}T00:00:00Z`,
            endDate: `${ctx.day(7)}T00:00:00Z`,
            estimatedIncrementalClicksLower: faker.number.int({ min: 20, max: 100 }),
            estimatedIncrementalClicksUpper: faker.number.int({ min: 101, max: 400 }),
          },
        },
        estimatedImpact: estimatedImpact(faker, 'sales'),
      };
  }
}
