/**
 * The simulated advertisers' Sponsored Brands and Sponsored Display campaigns and what Amazon recommends for them,
 * derived from the seeded SP world without touching it: the SP campaigns, their ids, order and recommendations stay
 * exactly as they were (the e2e stories pick SP items by position). Each profile's first two SP campaigns get an SB
 * campaign advertising the same products, and its second and third an SD campaign, so that SB / SD recommendations
 * can contradict SP ones on the same product. Ids live in their own range; every value comes from `unitHash`, so a
 * run, a restart and a test see the same world.
 *
 * Recommendations (budget, keyword / target bids, audience expansions, headlines) are computed from the live values
 * when asked, as Amazon regenerates them daily: after a write the suggestion still stands relative to the new value
 * only where it differs.
 */
import { createHash } from 'node:crypto';
import { limitsOf, unitHash } from './sp-recommendations.ts';
import type { Campaign, World } from './world.ts';

export interface SbCampaign {
  campaignId: string;
  profileId: number;
  name: string;
  state: 'ENABLED' | 'PAUSED';
  budget: number;
  startDate: string;
  portfolioId: string | null;
  adGroupId: string;
  adId: string;
  asins: string[];
  headline: string;
  /** The SP campaign advertising the same products (what the cross-product conflicts are about). */
  spCampaignId: string;
}

export interface SbKeyword {
  keywordId: string;
  adGroupId: string;
  campaignId: string;
  keywordText: string;
  matchType: 'broad' | 'exact' | 'phrase';
  state: 'enabled' | 'paused';
  bid: number;
}

export interface SdCampaign {
  campaignId: string;
  profileId: number;
  name: string;
  state: 'enabled' | 'paused';
  budget: number;
  /** T00020 product targeting, T00030 audiences. */
  tactic: 'T00020' | 'T00030';
  startDate: string;
  adGroupId: string;
  adId: string;
  asins: string[];
  spCampaignId: string;
}

export type SdExpression = { type: string; value?: string | { type: string; value?: string }[] };

export interface SdTarget {
  targetId: string;
  adGroupId: string;
  campaignId: string;
  expressionType: 'manual';
  expression: SdExpression[];
  state: 'enabled' | 'paused';
  bid: number;
}

export interface SbsdWorld {
  sbCampaigns: SbCampaign[];
  sbKeywords: SbKeyword[];
  sdCampaigns: SdCampaign[];
  sdTargets: SdTarget[];
}

/** In-market and lifestyle audiences the SD targeting recommendations draw from (ids in Amazon's `audience` form). */
export const SD_AUDIENCES: readonly { audience: string; name: string; category: 'In-market' | 'Lifestyle' }[] = [
  { audience: '371258798312245183', name: 'Home & Kitchen shoppers', category: 'In-market' },
  { audience: '371258798312245184', name: 'Fitness enthusiasts', category: 'Lifestyle' },
  { audience: '371258798312245185', name: 'Outdoor & travel shoppers', category: 'In-market' },
  { audience: '371258798312245186', name: 'Tech early adopters', category: 'Lifestyle' },
];

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function partsOf(campaign: Campaign): { brand: string; noun: string; code: string } {
  const [brand = 'Brand', noun = 'product', , code = 'US'] = campaign.name.split(' | ');
  return { brand, noun, code };
}

export function createSbsdWorld(world: World): SbsdWorld {
  const seed = world.seed;
  const out: SbsdWorld = { sbCampaigns: [], sbKeywords: [], sdCampaigns: [], sdTargets: [] };
  let nextId = 500_000_000_000 + (seed % 1000) * 1_000_000;
  const id = () => String(nextId++);
  for (const profile of world.profiles) {
    const spCampaigns = world.campaigns.filter((c) => c.profileId === profile.profileId);
    const code = profile.marketplace.code;
    const scale = code === 'UK' ? 0.8 : code === 'DE' ? 0.9 : 1;
    for (const sp of spCampaigns.slice(0, 2)) {
      const { brand, noun } = partsOf(sp);
      const asins = world.adGroups.filter((g) => g.campaignId === sp.campaignId).flatMap((g) => g.asins);
      const campaign: SbCampaign = {
        campaignId: id(),
        profileId: profile.profileId,
        name: `${brand} | ${noun} | SB Brand | ${code}`,
        state: 'ENABLED',
        budget: round2((20 + Math.round(unitHash(seed, sp.campaignId, 'sb-budget') * 16) * 5) * scale),
        startDate: sp.startDate,
        portfolioId: sp.portfolioId,
        adGroupId: id(),
        adId: id(),
        asins: asins.slice(0, 3),
        headline: `Shop ${brand} ${noun}s`.slice(0, 50),
        spCampaignId: sp.campaignId,
      };
      out.sbCampaigns.push(campaign);
      const matchTypes = ['exact', 'phrase', 'broad'] as const;
      ['', 'best ', 'premium '].forEach((prefix, k) => {
        out.sbKeywords.push({
          keywordId: id(),
          adGroupId: campaign.adGroupId,
          campaignId: campaign.campaignId,
          keywordText: `${prefix}${brand.toLowerCase()} ${noun}`,
          matchType: matchTypes[k] ?? 'broad',
          state: 'enabled',
          bid: round2((0.6 + unitHash(seed, campaign.campaignId, 'kw', k) * 1.8) * scale),
        });
      });
    }
    for (const sp of spCampaigns.slice(1, 3)) {
      const { brand, noun } = partsOf(sp);
      const asins = world.adGroups.filter((g) => g.campaignId === sp.campaignId).flatMap((g) => g.asins);
      const tactic = unitHash(seed, sp.campaignId, 'sd-tactic') < 0.5 ? 'T00020' : 'T00030';
      const campaign: SdCampaign = {
        campaignId: id(),
        profileId: profile.profileId,
        name: `${brand} | ${noun} | SD ${tactic === 'T00020' ? 'Product' : 'Audiences'} | ${code}`,
        state: 'enabled',
        budget: round2((15 + Math.round(unitHash(seed, sp.campaignId, 'sd-budget') * 12) * 5) * scale),
        tactic,
        startDate: sp.startDate.replaceAll('-', ''),
        adGroupId: id(),
        adId: id(),
        asins: asins.slice(0, 3),
        spCampaignId: sp.campaignId,
      };
      out.sdCampaigns.push(campaign);
      // Remarketing and audience clauses only: the published schema's product-clause variants overlap (a plain
      // `asinSameAs` matches two of its `oneOf` branches), so such a clause could never conform.
      const expressions: SdExpression[][] =
        tactic === 'T00020'
          ? [
              [{ type: 'views', value: [{ type: 'similarProduct' }, { type: 'lookback', value: '30' }] }],
              [{ type: 'purchases', value: [{ type: 'relatedProduct' }, { type: 'lookback', value: '90' }] }],
            ]
          : [
              [{ type: 'views', value: [{ type: 'exactProduct' }, { type: 'lookback', value: '30' }] }],
              [{ type: 'audience', value: [{ type: 'audienceSameAs', value: SD_AUDIENCES[0]?.audience ?? '0' }] }],
            ];
      expressions.forEach((expression, t) => {
        out.sdTargets.push({
          targetId: id(),
          adGroupId: campaign.adGroupId,
          campaignId: campaign.campaignId,
          expressionType: 'manual',
          expression,
          state: 'enabled',
          bid: round2((0.5 + unitHash(seed, campaign.campaignId, 'target', t) * 1.5) * scale),
        });
      });
    }
  }
  return out;
}

/**
 * The suggested daily budget of an SB or SD campaign: most campaigns that run out of budget are told to raise it, a
 * few that never spend theirs to lower it, the rest keep it (no item).
 */
export function suggestedBudgetOf(seed: number, campaignId: string, budget: number, marketplace: string): number {
  const roll = unitHash(seed, campaignId, 'suggested-budget');
  const [min, max] = limitsOf(marketplace).budget;
  const factor = roll < 0.6 ? 1.2 + roll : roll < 0.75 ? 0.7 : 1;
  return round2(Math.min(max, Math.max(min, budget * factor)));
}

/** The recommended bid of a keyword or target, with its range: around the current bid, never at it. */
export function recommendedBidOf(
  seed: number,
  key: string,
  bid: number,
  marketplace: string,
): { recommended: number; rangeLower: number; rangeUpper: number } {
  const [min, max] = limitsOf(marketplace).bid;
  const clamp = (value: number) => round2(Math.min(max, Math.max(min, value)));
  const roll = unitHash(seed, key, 'recommended-bid');
  const recommended = clamp(bid * (roll < 0.5 ? 0.75 + roll * 0.3 : 1.1 + (roll - 0.5) * 0.8));
  return { recommended, rangeLower: clamp(recommended * 0.8), rangeUpper: clamp(recommended * 1.3) };
}

/** Amazon's headline suggestions for a set of ASINs of a brand (≤50 characters each, as the SD spec requires). */
export function headlinesOf(brand: string, noun: string, count: number): { headlineId: string; headline: string }[] {
  const templates = [
    `${brand}: the ${noun} you'll love`,
    `Discover ${brand} ${noun}s`,
    `Top-rated ${noun}s by ${brand}`,
    `New ${noun} range from ${brand}`,
  ];
  return templates.slice(0, Math.max(1, Math.min(count, templates.length))).map((text, n) => ({
    headlineId: `hl-${createHash('sha1').update(`${brand}|${noun}|${n}`).digest('hex').slice(0, 16)}`,
    headline: text.slice(0, 50),
  }));
}
