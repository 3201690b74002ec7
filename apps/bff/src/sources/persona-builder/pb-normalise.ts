/**
 * A persona's top categories purchased → one insight per profile and audience (kind `audience`, goal `strategic`):
 * what else the advertiser's customers buy, in words, for planning where to reach them. The key is the profile and
 * the audience, so each week's persona replaces the last. Never applicable: there is nothing to apply.
 */
import type { NormalisedRecommendation } from '@recdesk/shared-types';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { profileInsight } from '../shared/profile-insight.ts';
import type { RetailCategory } from './pb-api.ts';
import type { AudienceInsight, BandedSize, Demographics, TaxonomyNode } from './pb-facts-api.ts';

/** The rest of a persona (Persona Builder and the audiences taxonomy), kept in raw for the Plan view. */
export interface PersonaFacts {
  topAudiences: AudienceInsight[];
  demographics: Demographics | null;
  bandedSize: BandedSize | null;
  taxonomy: TaxonomyNode[];
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');

/** A banded size in words: "10,000 to 100,000", or "100,000,000 or more" without an upper bound. */
export function sizeText(size: BandedSize): string {
  return size.max === undefined ? `${count(size.min)} or more` : `${count(size.min)} to ${count(size.max)}`;
}

export function normalisePersona(
  audience: { audienceId: string; audienceName: string },
  categories: readonly RetailCategory[],
  lastUpdatedAt: string | null,
  profile: AdsProfile,
  fetchedAt: Date,
  facts?: PersonaFacts,
): NormalisedRecommendation | null {
  if (categories.length === 0) return null;
  const sorted = [...categories].sort((a, b) => b.insightMetrics.affinity - a.insightMetrics.affinity);
  const named = sorted.map((c) => `${c.name} (${c.insightMetrics.affinity.toFixed(1)}×)`);
  const [top] = sorted;
  // Without upstream's own date, the day it was read (not the moment): a second read the same day is no change.
  const generatedAt = new Date(
    lastUpdatedAt ?? Date.UTC(fetchedAt.getUTCFullYear(), fetchedAt.getUTCMonth(), fetchedAt.getUTCDate()),
  ).toISOString();
  return {
    source: 'persona-builder',
    sourceRecommendationId: `${profile.profileId}|${audience.audienceId}|topCategoriesPurchased`,
    sourceType: 'TOP_CATEGORIES_PURCHASED',
    kind: 'audience',
    goal: 'strategic',
    title: `${audience.audienceName} (${profile.countryCode}) also buy ${named.slice(0, 3).join(', ')}`,
    description:
      `Persona of ${audience.audienceName}: the categories they buy from most, compared with the average Amazon customer, are ` +
      `${named.join(', ')}.` +
      (top
        ? ` ${top.insightMetrics.overlapPercentage.toFixed(0)}% of them bought ${top.name}, ${top.insightMetrics.affinity.toFixed(1)} times as likely as ` +
          'the average customer: these categories are where to meet more shoppers like them.'
        : '') +
      (facts?.bandedSize ? ` The audience counts ${sizeText(facts.bandedSize)} customers.` : '') +
      (facts?.topAudiences[0]
        ? ` Its strongest audience overlap is ${facts.topAudiences[0].name} (${facts.topAudiences[0].insightMetrics.affinity.toFixed(1)}×).`
        : ''),
    ...profileInsight(profile, { targetId: audience.audienceId, targetText: audience.audienceName }),
    estimatedImpact: [],
    generatedAt,
    expiresAt: null,
    raw: { audience, lastUpdatedAt, retailCategories: categories, ...(facts ?? {}) },
  };
}
