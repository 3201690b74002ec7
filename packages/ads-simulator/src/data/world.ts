/**
 * The simulated advertisers' world: profiles, campaigns, ad groups, keywords and product targets, generated from a
 * seed so that every run (and every test) sees the same data. Five advertisers sell in three marketplaces across two
 * regions (NA: US; EU: UK, DE), with budgets and bids inside each marketplace's limits (shared/ads-api/facts.md §6).
 */
import { de, en, en_GB, Faker } from '@faker-js/faker';

export type Region = 'NA' | 'EU' | 'FE';
export type Marketplace = 'US' | 'UK' | 'DE';

export interface MarketplaceInfo {
  code: Marketplace;
  region: Region;
  countryCode: string;
  currency: string;
  timezone: string;
  marketplaceStringId: string;
}

export const MARKETPLACES: Readonly<Record<Marketplace, MarketplaceInfo>> = {
  US: {
    code: 'US',
    region: 'NA',
    countryCode: 'US',
    currency: 'USD',
    timezone: 'America/Los_Angeles',
    marketplaceStringId: 'ATVPDKIKX0DER',
  },
  UK: { code: 'UK', region: 'EU', countryCode: 'UK', currency: 'GBP', timezone: 'Europe/London', marketplaceStringId: 'A1F83G8C2ARO7P' },
  DE: { code: 'DE', region: 'EU', countryCode: 'DE', currency: 'EUR', timezone: 'Europe/Paris', marketplaceStringId: 'A1PA6795UKMFR9' },
};

export interface Advertiser {
  /** The encrypted advertiser id Partner Opportunities use (`A` + 13 characters). */
  encryptedAdvertiserId: string;
  name: string;
  brand: string;
  type: 'SELLER' | 'VENDOR';
  /** The entity id (`ENTITY…`) of the advertiser's account. */
  entityId: string;
}

export interface Profile {
  profileId: number;
  advertiser: Advertiser;
  marketplace: MarketplaceInfo;
}

export type EntityState = 'ENABLED' | 'PAUSED' | 'ARCHIVED';

export interface Campaign {
  campaignId: string;
  profileId: number;
  name: string;
  state: EntityState;
  targetingType: 'MANUAL' | 'AUTO';
  dailyBudget: number;
  biddingStrategy: 'LEGACY_FOR_SALES' | 'AUTO_FOR_SALES' | 'MANUAL';
  placementTop: number;
  placementProductPage: number;
  startDate: string;
  portfolioId: string | null;
}

export interface AdGroup {
  adGroupId: string;
  campaignId: string;
  name: string;
  state: EntityState;
  defaultBid: number;
  asins: string[];
}

export interface Keyword {
  keywordId: string;
  adGroupId: string;
  campaignId: string;
  keywordText: string;
  matchType: 'EXACT' | 'PHRASE' | 'BROAD';
  state: EntityState;
  bid: number;
}

export interface ProductTarget {
  targetId: string;
  adGroupId: string;
  campaignId: string;
  expressionType: 'AUTO' | 'MANUAL';
  /** CLOSE_MATCH / LOOSE_MATCH / SUBSTITUTES / COMPLEMENTS for auto campaigns, ASIN_SAME_AS for manual. */
  expression: string;
  state: EntityState;
  bid: number;
}

export interface World {
  seed: number;
  advertisers: Advertiser[];
  profiles: Profile[];
  campaigns: Campaign[];
  adGroups: AdGroup[];
  keywords: Keyword[];
  targets: ProductTarget[];
}

export interface WorldOptions {
  seed?: number;
  advertiserCount?: number;
  campaignsPerProfile?: number;
}

const PRODUCT_NOUNS = [
  'blender',
  'yoga mat',
  'water bottle',
  'desk lamp',
  'backpack',
  'headphones',
  'coffee grinder',
  'running shoes',
  'phone case',
  'air fryer',
  'dog bed',
  'kettle',
];
const AUTO_EXPRESSIONS = ['CLOSE_MATCH', 'LOOSE_MATCH', 'SUBSTITUTES', 'COMPLEMENTS'] as const;

function localeFaker(marketplace: Marketplace, seed: number): Faker {
  const locale = marketplace === 'DE' ? [de, en] : marketplace === 'UK' ? [en_GB, en] : [en];
  const faker = new Faker({ locale });
  faker.seed(seed);
  return faker;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Budgets and bids scale with the currency so that they look like what advertisers set. */
const CURRENCY_SCALE: Readonly<Record<Marketplace, number>> = { US: 1, UK: 0.8, DE: 0.9 };

export function createWorld(options: WorldOptions = {}): World {
  const seed = options.seed ?? 20_261_123;
  const advertiserCount = options.advertiserCount ?? 5;
  const campaignsPerProfile = options.campaignsPerProfile ?? 4;
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);

  const world: World = { seed, advertisers: [], profiles: [], campaigns: [], adGroups: [], keywords: [], targets: [] };
  const marketplaceSets: Marketplace[][] = [['US', 'UK', 'DE'], ['US'], ['UK', 'DE'], ['US', 'UK'], ['DE']];
  let profileId = 1_000_000_000_000_000 + (seed % 1000) * 1000;
  let nextId = 100_000_000_000 + (seed % 1000) * 1_000_000;
  const id = () => String(nextId++);

  for (let a = 0; a < advertiserCount; a++) {
    const brand = faker.company
      .name()
      .replace(/[,.]/g, '')
      .split(' ')
      .filter((word) => !/^(and|-|Inc|LLC|Group)$/.test(word))
      .slice(0, 2)
      .join(' ');
    const advertiser: Advertiser = {
      encryptedAdvertiserId: `A${faker.string.alphanumeric({ length: 13, casing: 'upper' })}`,
      name: `${brand} ${faker.helpers.arrayElement(['Inc', 'LLC', 'Brands', 'Co'])}`,
      brand,
      type: a % 3 === 1 ? 'VENDOR' : 'SELLER',
      entityId: `ENTITY${faker.string.alphanumeric({ length: 13, casing: 'upper' })}`,
    };
    world.advertisers.push(advertiser);
    const marketplaces = marketplaceSets[a % marketplaceSets.length] ?? ['US'];
    for (const code of marketplaces) {
      const marketplace = MARKETPLACES[code];
      const profile: Profile = { profileId: profileId++, advertiser, marketplace };
      world.profiles.push(profile);
      const local = localeFaker(code, seed + a * 31 + code.charCodeAt(0));
      const scale = CURRENCY_SCALE[code];
      for (let c = 0; c < campaignsPerProfile; c++) {
        const noun = faker.helpers.arrayElement(PRODUCT_NOUNS);
        const targetingType = c % 3 === 2 ? 'AUTO' : 'MANUAL';
        const campaign: Campaign = {
          campaignId: id(),
          profileId: profile.profileId,
          name: `${brand} | ${noun} | ${targetingType === 'AUTO' ? 'Auto' : faker.helpers.arrayElement(['Exact', 'Broad', 'Brand Defense', 'Category'])} | ${code}`,
          state: c === campaignsPerProfile - 1 && a % 2 === 0 ? 'PAUSED' : 'ENABLED',
          targetingType,
          dailyBudget: round2(faker.number.int({ min: 2, max: 40 }) * 5 * scale),
          biddingStrategy: faker.helpers.arrayElement(['LEGACY_FOR_SALES', 'AUTO_FOR_SALES', 'MANUAL'] as const),
          placementTop: faker.helpers.arrayElement([0, 10, 25, 50]),
          placementProductPage: faker.helpers.arrayElement([0, 0, 10, 20]),
          startDate: faker.date.past({ years: 2, refDate: '2026-10-01' }).toISOString().slice(0, 10),
          portfolioId: c % 2 === 0 ? `P${a}${code}` : null,
        };
        world.campaigns.push(campaign);
        for (let g = 0; g < 2; g++) {
          const adGroup: AdGroup = {
            adGroupId: id(),
            campaignId: campaign.campaignId,
            name: `${noun} ${g === 0 ? 'core' : 'long tail'}`,
            state: 'ENABLED',
            defaultBid: round2(faker.number.float({ min: 0.3, max: 2.5 }) * scale),
            asins: [`B0${faker.string.alphanumeric({ length: 8, casing: 'upper' })}`],
          };
          world.adGroups.push(adGroup);
          if (targetingType === 'MANUAL') {
            for (let k = 0; k < 4; k++) {
              world.keywords.push({
                keywordId: id(),
                adGroupId: adGroup.adGroupId,
                campaignId: campaign.campaignId,
                keywordText: `${local.commerce.productAdjective().toLowerCase()} ${noun}`,
                matchType: faker.helpers.arrayElement(['EXACT', 'PHRASE', 'BROAD'] as const),
                state: k === 3 && g === 1 ? 'PAUSED' : 'ENABLED',
                bid: round2(faker.number.float({ min: 0.25, max: 3.5 }) * scale),
              });
            }
          } else {
            for (const expression of AUTO_EXPRESSIONS) {
              world.targets.push({
                targetId: id(),
                adGroupId: adGroup.adGroupId,
                campaignId: campaign.campaignId,
                expressionType: 'AUTO',
                expression,
                state: 'ENABLED',
                bid: round2(faker.number.float({ min: 0.2, max: 2 }) * scale),
              });
            }
          }
        }
      }
    }
  }
  return world;
}

export function profileOf(world: World, profileId: number): Profile | undefined {
  return world.profiles.find((p) => p.profileId === profileId);
}

export function campaignsOf(world: World, profileId: number): Campaign[] {
  return world.campaigns.filter((c) => c.profileId === profileId);
}
