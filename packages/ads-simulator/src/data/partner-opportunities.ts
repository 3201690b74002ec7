/**
 * Partner Opportunities of the simulated partner network: the opportunity list and each opportunity's data file,
 * in the published CSV column schema (shared/ads-api/facts.md §1.5). Rows are generated once per simulator from the
 * world and a fixed "now", so two syncs against one simulator see the same rows.
 *
 * Column quirks reproduced on purpose, because the real files have them: dates in several formats (epoch
 * microseconds, epoch seconds, ISO, M/D/YY), JSON-encoded cells whose numbers carry thousands separators, and
 * `confidence` / `impactScore` columns that only some opportunity types have.
 */
import { en, Faker } from '@faker-js/faker';
import { budgetStanding } from '../performance/budget-standing.ts';
import type { Campaign, Keyword, World } from './world.ts';

export interface Opportunity {
  partnerOpportunityId: string;
  title: string;
  description: string;
  callToAction: string;
  audience: 'PARTNER' | 'PARTNER_MANAGED_ADVERTISERS' | 'PARTNER_MANAGED_AD_BUSINESS';
  objectiveType: string;
  product: string;
  createdDate: string;
  updatedDate: string;
  columns: string[];
  rows: Record<string, string>[];
}

const ACCOUNT_TEAM_COLUMNS = [
  'advertiserName',
  'advertiserType',
  'encryptedAdvertiserId',
  'entityId',
  'profileId',
  'marketplace',
  'adProductType',
  'encryptedCampaignId',
  'recommendationId',
  'recommendationGroupId',
  'recommendationType',
  'applyApiEndPoint',
  'publishedDate',
  'expiryDate',
  'explanation',
  'currentCampaignSettings',
  'recommendedCampaignSettings',
  'recommendedBudget',
  'confidence',
  'impactScore',
];
const CAMPAIGN_OPTIMIZATION_COLUMNS = [
  'advertiserName',
  'advertiserType',
  'encryptedAdvertiserId',
  'entityId',
  'profileId',
  'marketplace',
  'adProductType',
  'encryptedCampaignId',
  'startDate',
  'clicks',
  'conversions',
  'returnOnAdSpend',
  'averageTimeInBudget',
  'missedOpportunities_clicks_lowerBound',
  'missedOpportunities_clicks_upperBound',
  'publishedDate',
  'expiryDate',
  'confidence',
  'impactScore',
];
const UNLAUNCHED_ASINS_COLUMNS = [
  'advertiserName',
  'advertiserType',
  'encryptedAdvertiserId',
  'entityId',
  'marketplace',
  'brand',
  'asin',
  'productName',
  'count',
  'publishedDate',
];
const DEALS_COLUMNS = [
  'advertiserName',
  'advertiserType',
  'encryptedAdvertiserId',
  'entityId',
  'marketplace',
  'asin',
  'productName',
  'dealStartDate',
  'dealEndDate',
  'promotionId',
  'promotionType',
];
const SHARE_OF_VOICE_COLUMNS = [
  'advertiserName',
  'advertiserType',
  'encryptedAdvertiserId',
  'entityId',
  'marketplace',
  'brand',
  'target',
  'targetingType',
  'percent_of_peers',
  'peer_kpi',
  'peer_kpi_difference_percent',
  'publishedDate',
];

/** 16-digit epoch microseconds, as `expiryDate` is written. */
export function epochMicros(date: Date): string {
  return `${date.getTime()}000`;
}
function epochSeconds(date: Date): string {
  return String(Math.floor(date.getTime() / 1000));
}
/** M/D/YY, as deal dates are written. */
function shortUsDate(date: Date): string {
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${String(date.getUTCFullYear()).slice(2)}`;
}
/** "2,230.00": numbers inside JSON cells carry thousands separators. */
function moneyText(value: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export interface OpportunityOptions {
  now: Date;
  seed?: number;
  /**
   * Adds one more account-team opportunity holding this many budget recommendations (for benchmarks and load
   * tests). Generated after the default data from its own PRNG, so the default opportunities stay as they are.
   */
  bulkRows?: number;
}

/** A raise is about the clicks the keyword misses; a cut is about cost, and promises no clicks. */
function bidExplanation(raise: boolean, missedClicks: { lower_bound: number; upper_bound: number }) {
  return raise
    ? {
        description: 'Keyword wins too few auctions at its current bid.',
        missed_opportunities: { clicks: missedClicks, time_period: 'LAST_7_DAYS' },
      }
    : { description: 'Keyword spends above its target ACOS: a lower bid cuts its cost and keeps its best clicks.' };
}

export function createOpportunities(world: World, { now, seed = world.seed, bulkRows = 0 }: OpportunityOptions): Opportunity[] {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed + 7);
  const hours = (h: number) => new Date(now.getTime() + h * 3_600_000);
  const oppId = () => `amzn1.ads-partner1.opportunity.${faker.string.uuid()}`;
  const created = hours(-24 * 40).toISOString();
  const updated = hours(-3).toISOString();
  const profileById = new Map(world.profiles.map((p) => [p.profileId, p]));
  const identity = (campaign: Campaign) => {
    const profile = profileById.get(campaign.profileId);
    if (!profile) throw new Error(`campaign ${campaign.campaignId} has no profile`);
    return {
      profile,
      cells: {
        advertiserName: profile.advertiser.name,
        advertiserType: profile.advertiser.type,
        encryptedAdvertiserId: profile.advertiser.encryptedAdvertiserId,
        entityId: profile.advertiser.entityId,
        profileId: String(profile.profileId),
        marketplace: profile.marketplace.code,
        adProductType: 'SP',
        encryptedCampaignId: campaign.campaignId,
      },
    };
  };
  const scores = (withScores: boolean) =>
    withScores
      ? {
          confidence: faker.number.float({ min: 0.45, max: 0.98, fractionDigits: 2 }).toFixed(2),
          impactScore: faker.number.float({ min: 2, max: 9.8, fractionDigits: 1 }).toFixed(1),
        }
      : { confidence: '', impactScore: '' };

  const accountTeamId = oppId();
  const accountTeamRows: Record<string, string>[] = [];
  const enabledCampaigns = world.campaigns.filter((c) => c.state === 'ENABLED');
  const keywordsByCampaign = new Map<string, Keyword[]>();
  for (const keyword of world.keywords) {
    const list = keywordsByCampaign.get(keyword.campaignId) ?? [];
    list.push(keyword);
    keywordsByCampaign.set(keyword.campaignId, list);
  }
  enabledCampaigns.forEach((campaign, index) => {
    const { cells } = identity(campaign);
    const common = {
      ...cells,
      recommendationGroupId: faker.string.uuid(),
      applyApiEndPoint: `https://advertising-api.amazon.com/partnerOpportunities/${accountTeamId}/apply`,
      publishedDate: epochSeconds(hours(-faker.number.int({ min: 2, max: 30 }))),
      // A few expire within the day, so the "expiring soon" lane has something in it.
      expiryDate: epochMicros(hours(index % 5 === 0 ? faker.number.int({ min: 3, max: 20 }) : faker.number.int({ min: 48, max: 24 * 14 }))),
    };
    if (index % 2 === 0) {
      // The seeded draws stay in their order (so the rest of the file does not shift); what is said comes from the
      // campaign's budget standing: a raise for a campaign that ran out, a cut for one that under-spends.
      faker.helpers.arrayElement([1.25, 1.5, 2, 0.8]);
      const standing = budgetStanding(world, campaign, now);
      const raise = standing.advice === 'raise';
      const lower = standing.advice === 'lower';
      const recommendationId = faker.string.uuid();
      faker.number.int({ min: 3, max: 7 });
      const impressions = {
        lower_bound: faker.number.int({ min: 200, max: 900 }),
        upper_bound: faker.number.int({ min: 1000, max: 4000 }),
      };
      const clicks = { lower_bound: faker.number.int({ min: 5, max: 30 }), upper_bound: faker.number.int({ min: 31, max: 120 }) };
      const scored = scores(index % 4 !== 2);
      if (raise || lower) {
        const recommended = raise ? standing.raiseTo : standing.lowerTo;
        accountTeamRows.push({
          ...common,
          recommendationId,
          recommendationType: 'CAMPAIGN_BUDGET',
          explanation: JSON.stringify(
            raise
              ? {
                  description: `Campaign ran out of budget on ${standing.daysOutOfBudget} of the last 7 days.`,
                  missed_opportunities: { impressions, clicks, time_period: 'LAST_7_DAYS' },
                  recommendation_context: { grouping_context: { grouping_type: 'BUDGET' } },
                }
              : {
                  description: `Campaign spent about ${Math.round(standing.spendShare * 100)}% of its daily budget over the last 7 days: a lower budget frees the rest without losing clicks.`,
                  recommendation_context: { grouping_context: { grouping_type: 'BUDGET' } },
                },
          ),
          currentCampaignSettings: JSON.stringify({ budget: moneyText(campaign.dailyBudget) }),
          recommendedCampaignSettings: JSON.stringify({ budget: moneyText(recommended) }),
          recommendedBudget: moneyText(recommended),
          ...scored,
        });
      }
    }
    const keyword = keywordsByCampaign.get(campaign.campaignId)?.find((k) => k.state === 'ENABLED');
    if (keyword && index % 3 !== 1) {
      const recommendedBid = round2(keyword.bid * faker.helpers.arrayElement([1.2, 1.35, 0.75, 0.9]));
      const target = (bid: number) => ({
        bid: moneyText(bid),
        text: keyword.keywordText,
        match_type: keyword.matchType,
        target_id: keyword.keywordId,
        targeting: 'KEYWORD',
      });
      accountTeamRows.push({
        ...common,
        recommendationId: faker.string.uuid(),
        recommendationType: 'KEYWORD_BID',
        explanation: JSON.stringify(
          bidExplanation(recommendedBid > keyword.bid, {
            lower_bound: faker.number.int({ min: 3, max: 20 }),
            upper_bound: faker.number.int({ min: 21, max: 80 }),
          }),
        ),
        currentCampaignSettings: JSON.stringify({
          ad_groups: [{ adgroup_id: keyword.adGroupId, target_type: 'KEYWORD', targets: [target(keyword.bid)] }],
        }),
        recommendedCampaignSettings: JSON.stringify({
          ad_groups: [{ adgroup_id: keyword.adGroupId, target_type: 'KEYWORD', targets: [target(recommendedBid)] }],
        }),
        recommendedBudget: '',
        ...scores(true),
      });
    }
  });

  const optimizationRows = enabledCampaigns
    .filter((_, i) => i % 3 === 0)
    .map((campaign) => ({
      ...identity(campaign).cells,
      startDate: `${campaign.startDate}T00:00:00Z`,
      clicks: String(faker.number.int({ min: 50, max: 5000 })),
      conversions: String(faker.number.int({ min: 2, max: 400 })),
      returnOnAdSpend: faker.number.float({ min: 0.4, max: 9, fractionDigits: 2 }).toFixed(2),
      averageTimeInBudget: faker.number.float({ min: 0.3, max: 1, fractionDigits: 2 }).toFixed(2),
      missedOpportunities_clicks_lowerBound: String(faker.number.int({ min: 10, max: 60 })),
      missedOpportunities_clicks_upperBound: String(faker.number.int({ min: 61, max: 300 })),
      publishedDate: hours(-5).toISOString(),
      expiryDate: epochMicros(hours(24 * 7)),
      ...scores(true),
    }));

  const advertiserCells = (profileIndex: number) => {
    const profile = world.profiles[profileIndex % world.profiles.length];
    if (!profile) throw new Error('the world has no profiles');
    return {
      profile,
      cells: {
        advertiserName: profile.advertiser.name,
        advertiserType: profile.advertiser.type,
        encryptedAdvertiserId: profile.advertiser.encryptedAdvertiserId,
        entityId: profile.advertiser.entityId,
        marketplace: profile.marketplace.code,
      },
    };
  };
  const unlaunchedRows = world.profiles.slice(0, 6).map((_, i) => {
    const { profile, cells } = advertiserCells(i);
    return {
      ...cells,
      brand: profile.advertiser.brand,
      asin: `B0${faker.string.alphanumeric({ length: 8, casing: 'upper' })}`,
      productName: faker.commerce.productName(),
      count: String(faker.number.int({ min: 5, max: 900 })),
      publishedDate: epochSeconds(hours(-12)),
    };
  });
  const dealRows = world.profiles.slice(0, 4).map((_, i) => {
    const { cells } = advertiserCells(i + 1);
    const start = hours(24 * faker.number.int({ min: 5, max: 20 }));
    return {
      ...cells,
      asin: `B0${faker.string.alphanumeric({ length: 8, casing: 'upper' })}`,
      productName: faker.commerce.productName(),
      dealStartDate: shortUsDate(start),
      dealEndDate: shortUsDate(new Date(start.getTime() + 7 * 86_400_000)),
      promotionId: faker.string.alphanumeric({ length: 10, casing: 'upper' }),
      promotionType: faker.helpers.arrayElement(['LIGHTNING_DEAL', 'BEST_DEAL', 'PRIME_EXCLUSIVE']),
    };
  });
  const shareOfVoiceRows = world.profiles.slice(0, 5).map((_, i) => {
    const { profile, cells } = advertiserCells(i + 2);
    return {
      ...cells,
      brand: profile.advertiser.brand,
      target: `${profile.advertiser.brand.toLowerCase()} ${faker.helpers.arrayElement(['deals', 'reviews', 'sale', 'best'])}`,
      targetingType: 'KEYWORD',
      percent_of_peers: String(faker.number.int({ min: 10, max: 90 })),
      peer_kpi: 'SHARE_OF_VOICE',
      peer_kpi_difference_percent: faker.number.float({ min: -40, max: 25, fractionDigits: 1 }).toFixed(1),
      publishedDate: hours(-8).toISOString(),
    };
  });

  const opportunity = (
    objectiveType: string,
    product: string,
    title: string,
    description: string,
    columns: string[],
    rows: Record<string, string>[],
    id = oppId(),
  ): Opportunity => ({
    partnerOpportunityId: id,
    title,
    description,
    callToAction: 'Review the recommendations and apply the ones that fit the advertiser.',
    audience: 'PARTNER_MANAGED_ADVERTISERS',
    objectiveType,
    product,
    createdDate: created,
    updatedDate: updated,
    columns,
    rows,
  });

  const opportunities = [
    opportunity(
      'AMAZON_ACCOUNT_TEAM_RECOMMENDATIONS',
      'SPONSORED_PRODUCTS',
      'Amazon account team recommendations',
      'Budget and bid changes proposed by the Amazon Ads account team.',
      ACCOUNT_TEAM_COLUMNS,
      accountTeamRows,
      accountTeamId,
    ),
    opportunity(
      'CAMPAIGN_OPTIMIZATION',
      'SPONSORED_PRODUCTS',
      'Campaigns missing clicks',
      'Campaigns that missed clicks because of budget or bids.',
      CAMPAIGN_OPTIMIZATION_COLUMNS,
      optimizationRows,
    ),
    opportunity(
      'UNLAUNCHED_ASINS',
      'SPONSORED_PRODUCTS',
      'Unadvertised ASINs with inventory',
      'Products with stock that no campaign advertises.',
      UNLAUNCHED_ASINS_COLUMNS,
      unlaunchedRows,
    ),
    opportunity(
      'DEALS',
      'CROSS_PRODUCT',
      'Upcoming deals to support',
      'Deals starting soon that advertising could amplify.',
      DEALS_COLUMNS,
      dealRows,
    ),
    opportunity(
      'SHARE_OF_VOICE_INSIGHTS',
      'SPONSORED_BRANDS',
      'Share of voice below peers',
      'Branded keywords where peers win more impressions.',
      SHARE_OF_VOICE_COLUMNS,
      shareOfVoiceRows,
    ),
    opportunity(
      'CLICK_CREDITS',
      'SPONSORED_PRODUCTS',
      'Click credits for new advertisers',
      'Advertisers eligible for click credits.',
      ['advertiserName', 'promotionId'],
      [],
    ),
    opportunity(
      'NEW_TO_BRAND_INSIGHTS',
      'SPONSORED_BRANDS',
      'New-to-brand insights',
      'Brands whose new-to-brand share changed.',
      ['advertiserName', 'brand'],
      [],
    ),
  ];
  if (bulkRows > 0) opportunities.push(bulkOpportunity(enabledCampaigns, identity, { now, seed, rows: bulkRows }));
  return opportunities;
}

/** A large account-team opportunity: budget recommendations for the enabled campaigns' advertisers, one campaign each. */
function bulkOpportunity(
  campaigns: readonly Campaign[],
  identity: (campaign: Campaign) => { cells: Record<string, string> },
  { now, seed, rows }: { now: Date; seed: number; rows: number },
): Opportunity {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed + 11);
  const id = `amzn1.ads-partner1.opportunity.${faker.string.uuid()}`;
  const published = epochSeconds(new Date(now.getTime() - 6 * 3_600_000));
  const expiry = epochMicros(new Date(now.getTime() + 7 * 86_400_000));
  const data: Record<string, string>[] = [];
  for (let i = 0; i < rows; i++) {
    const campaign = campaigns[i % campaigns.length];
    if (!campaign) throw new Error('bulk rows need at least one enabled campaign');
    const recommended = round2(campaign.dailyBudget * (1.1 + (i % 9) / 10));
    data.push({
      ...identity(campaign).cells,
      // One campaign per row, as a large network would have: 100k budget changes on a handful of campaigns would
      // only measure how conflicts between them pile up.
      encryptedCampaignId: `${campaign.campaignId}${String(i).padStart(6, '0')}`,
      recommendationId: faker.string.uuid(),
      recommendationGroupId: '',
      recommendationType: 'CAMPAIGN_BUDGET',
      applyApiEndPoint: `https://advertising-api.amazon.com/partnerOpportunities/${id}/apply`,
      publishedDate: published,
      expiryDate: expiry,
      explanation: JSON.stringify({ description: 'Campaign ran out of budget on most of the last 7 days.' }),
      currentCampaignSettings: JSON.stringify({ budget: moneyText(campaign.dailyBudget) }),
      recommendedCampaignSettings: JSON.stringify({ budget: moneyText(recommended) }),
      recommendedBudget: moneyText(recommended),
      confidence: (0.5 + (i % 45) / 100).toFixed(2),
      impactScore: (2 + (i % 70) / 10).toFixed(1),
    });
  }
  return {
    partnerOpportunityId: id,
    title: 'Amazon account team recommendations (bulk)',
    description: 'Budget changes proposed by the Amazon Ads account team.',
    callToAction: 'Review the recommendations and apply the ones that fit the advertiser.',
    audience: 'PARTNER_MANAGED_ADVERTISERS',
    objectiveType: 'AMAZON_ACCOUNT_TEAM_RECOMMENDATIONS',
    product: 'SPONSORED_PRODUCTS',
    createdDate: new Date(now.getTime() - 40 * 86_400_000).toISOString(),
    updatedDate: new Date(now.getTime() - 3 * 3_600_000).toISOString(),
    columns: ACCOUNT_TEAM_COLUMNS,
    rows: data,
  };
}
