/** Entities and a profile for the SP normalisers' unit tests. */
import type { AdsProfile } from '../../ads-client/profiles.ts';
import type { AdGroupInfo, CampaignInfo, KeywordInfo, TargetInfo } from './entity-catalog.ts';

export const PROFILE: AdsProfile = {
  profileId: '1000000000000001',
  region: 'NA',
  countryCode: 'US',
  currencyCode: 'USD',
  timezone: 'America/Los_Angeles',
  accountId: 'ENTITY1',
  accountType: 'seller',
  accountName: 'Acme Inc',
};

export const CAMPAIGN: CampaignInfo = {
  campaignId: 'c1',
  name: 'Acme | kettle | Exact | US',
  state: 'ENABLED',
  targetingType: 'MANUAL',
  portfolioId: 'P1',
  dailyBudget: 50,
  budgetType: 'DAILY',
  biddingStrategy: 'LEGACY_FOR_SALES',
  placements: { PLACEMENT_TOP: 25 },
};
export const AD_GROUP: AdGroupInfo = { adGroupId: 'g1', campaignId: 'c1', name: 'kettle core', state: 'ENABLED', defaultBid: 0.9 };
export const KEYWORD: KeywordInfo = {
  keywordId: 'k1',
  adGroupId: 'g1',
  campaignId: 'c1',
  keywordText: 'electric kettle',
  matchType: 'EXACT',
  state: 'ENABLED',
  bid: 1.1,
};
export const TARGET: TargetInfo = {
  targetId: 't1',
  adGroupId: 'g1',
  campaignId: 'c1',
  expressionType: 'AUTO',
  expression: [{ type: 'QUERY_HIGH_REL_MATCHES' }],
  autoGroup: 'CLOSE_MATCH',
  text: 'close match',
  state: 'ENABLED',
  bid: null,
};
export const NOW = new Date('2026-11-23T10:00:00Z');
