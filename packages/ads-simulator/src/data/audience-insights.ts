/**
 * The audiences of the simulated world (shared/ads-api/specs/audiences-discovery.json and insights.json): a fixed
 * catalogue of Amazon audiences per shopping category, plus one "purchasers" audience per profile that stands for the
 * advertiser's own customers. What those customers overlap with follows from the categories the advertiser sells in
 * (the same categories Brand Metrics reports for the profile): audiences of its categories have a high affinity
 * (1.5–4.5), the others a low one (0.3–1.3). Values are derived from ids by hashing, so every run sees the same world.
 */
import { createHash } from 'node:crypto';
import type { BrandMetricsRecord } from './brand-metrics.ts';
import type { World } from './world.ts';

export interface SimulatedAudience {
  audienceId: string;
  audienceName: string;
  /** The taxonomy's high-level category, as discovery lists it ('In-market', 'Lifestyle', 'Advertiser'). */
  category: string;
  /** The shopping category the audience belongs to (Brand Metrics' categoryNodeName), or null for general ones. */
  shoppingCategory: string | null;
  description: string;
  dailyReach: { lowerBound: number; upperBound: number };
  dailyImpressions: { lowerBound: number; upperBound: number };
  /** For 'Advertiser' audiences: whose customers they are. */
  profileId: number | null;
}

const CATALOGUE: readonly [string, readonly string[]][] = [
  ['Kitchen & Dining', ['Cookware', 'Small Kitchen Appliances', 'Coffee & Espresso']],
  ['Sports & Outdoors', ['Running Gear', 'Camping & Hiking', 'Fitness Equipment']],
  ['Electronics', ['Headphones', 'Smart Home', 'Laptop Accessories']],
  ['Pet Supplies', ['Dog Food', 'Cat Supplies', 'Aquarium']],
];
const LIFESTYLES = ['Home Cooks', 'Outdoor Enthusiasts', 'Tech Early Adopters', 'Pet Parents', 'Value Shoppers', 'Parents of Toddlers'];

/** A number in [min, max) derived from a string: the same key gives the same value in every run. */
export function hashed(key: string, min: number, max: number): number {
  const point = createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
  return min + point * (max - min);
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

function bucket(key: string, scale: number) {
  const lowerBound = Math.round(hashed(`${key}|low`, 0.5, 1) * scale);
  return { lowerBound, upperBound: Math.round(lowerBound * hashed(`${key}|span`, 1.5, 2.5)) };
}

function audience(
  id: string,
  name: string,
  category: string,
  shoppingCategory: string | null,
  profileId: number | null,
): SimulatedAudience {
  const reach = bucket(id, profileId === null ? 400_000 : 40_000);
  return {
    audienceId: id,
    audienceName: name,
    category,
    shoppingCategory,
    description:
      profileId === null ? `Shoppers Amazon sees as ${name}.` : `Customers who purchased from ${name.replace(/ purchasers$/, '')}.`,
    dailyReach: reach,
    dailyImpressions: { lowerBound: reach.lowerBound * 4, upperBound: reach.upperBound * 6 },
    profileId,
  };
}

export function createAudiences(world: World): SimulatedAudience[] {
  const audiences: SimulatedAudience[] = [];
  for (const [shoppingCategory, segments] of CATALOGUE) {
    for (const segment of segments) {
      audiences.push(audience(`amzn1.ads.aud.inmarket.${slug(segment)}`, `In-market: ${segment}`, 'In-market', shoppingCategory, null));
    }
  }
  for (const lifestyle of LIFESTYLES) {
    audiences.push(audience(`amzn1.ads.aud.lifestyle.${slug(lifestyle)}`, `Lifestyle: ${lifestyle}`, 'Lifestyle', null, null));
  }
  for (const profile of world.profiles) {
    audiences.push(
      audience(
        `amzn1.ads.aud.advertiser.${profile.profileId}`,
        `${profile.advertiser.brand} purchasers`,
        'Advertiser',
        null,
        profile.profileId,
      ),
    );
  }
  return audiences;
}

export interface Overlap {
  affinity: number;
  audience: SimulatedAudience;
}

/**
 * Who the customers of an advertiser audience overlap with, best affinity first: the in-market audiences of the
 * profile's categories strongly, lifestyles moderately, the rest weakly.
 */
export function overlapsOf(
  seed: SimulatedAudience,
  audiences: readonly SimulatedAudience[],
  brandMetrics: readonly BrandMetricsRecord[],
): Overlap[] {
  const categories = new Set(brandMetrics.filter((r) => r.profileId === seed.profileId).map((r) => r.metadata.categoryNodeName));
  return audiences
    .filter((a) => a.category !== 'Advertiser')
    .map((a) => {
      const key = `${seed.audienceId}|${a.audienceId}`;
      const affinity =
        a.shoppingCategory && categories.has(a.shoppingCategory)
          ? hashed(key, 1.5, 4.5)
          : a.shoppingCategory === null
            ? hashed(key, 0.8, 2.2)
            : hashed(key, 0.3, 1.3);
      return { affinity: Math.round(affinity * 100) / 100, audience: a };
    })
    .sort((x, y) => y.affinity - x.affinity || x.audience.audienceId.localeCompare(y.audience.audienceId));
}

export interface RetailCategoryInsight {
  id: string;
  name: string;
  path: { browseNodeName: string }[];
  affinity: number;
  overlapPercentage: number;
}

/**
 * The retail categories an advertiser audience's customers buy from (Persona Builder's top categories purchased),
 * best affinity first: the segments of the categories the profile sells in lead, as its overlaps do.
 */
export function topCategoriesOf(seed: SimulatedAudience, brandMetrics: readonly BrandMetricsRecord[]): RetailCategoryInsight[] {
  const categories = new Set(brandMetrics.filter((r) => r.profileId === seed.profileId).map((r) => r.metadata.categoryNodeName));
  return CATALOGUE.flatMap(([category, segments]) =>
    segments.map((segment) => {
      const key = `${seed.audienceId}|retail|${segment}`;
      const related = categories.has(category);
      return {
        id: `rc-${slug(segment)}`,
        name: segment,
        path: [{ browseNodeName: category }],
        affinity: Math.round((related ? hashed(key, 1.8, 5) : hashed(key, 0.2, 1.2)) * 100) / 100,
        overlapPercentage: Math.round((related ? hashed(`${key}|o`, 8, 40) : hashed(`${key}|o`, 0.5, 6)) * 10) / 10,
      };
    }),
  ).sort((a, b) => b.affinity - a.affinity || a.id.localeCompare(b.id));
}
