/**
 * Persona Builder's top categories purchased as the client calls it (shared/ads-api/specs/persona-builder.json):
 * `POST /insights/topCategoriesPurchased?advertiserId=…` with the advertiser's own audience as the input expression,
 * in the versioned `…topcategoriespurchasedinputexpression.v1+json` / `…topcategoriespurchasedinsights.v1+json`
 * media types. Only the first page is read: the categories come best affinity first and a persona names the top few.
 */
import { z } from 'zod';
import type { AdsClient } from '../../ads-client/ads-client.ts';
import type { AdsProfile } from '../../ads-client/profiles.ts';

export const TOP_CATEGORIES_INPUT = 'application/vnd.topcategoriespurchasedinputexpression.v1+json';
export const TOP_CATEGORIES_OUTPUT = 'application/vnd.topcategoriespurchasedinsights.v1+json';
/** How many categories a persona names. */
export const TOP_CATEGORIES = 5;

export const RetailCategorySchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().min(1),
  path: z.array(z.looseObject({ browseNodeName: z.string() })),
  insightMetrics: z.looseObject({ affinity: z.number().min(0), overlapPercentage: z.number().min(0).max(100) }),
});
export type RetailCategory = z.infer<typeof RetailCategorySchema>;

const ResponseSchema = z.looseObject({
  lastUpdatedAt: z.iso.datetime({ offset: true }).optional(),
  retailCategories: z.array(z.unknown()),
  nextToken: z.string().nullish(),
});

export interface TopCategories {
  lastUpdatedAt: string | null;
  categories: RetailCategory[];
  malformed: { reason: string; raw: unknown; index: number }[];
}

export async function topCategoriesPurchased(
  client: AdsClient,
  profile: AdsProfile,
  audienceId: string,
  signal?: AbortSignal,
): Promise<TopCategories> {
  const body = await client.requestJson(
    {
      region: profile.region,
      method: 'POST',
      path: '/insights/topCategoriesPurchased',
      query: { advertiserId: profile.accountId, maxResults: TOP_CATEGORIES },
      auth: { kind: 'profile', profileId: profile.profileId },
      contentType: TOP_CATEGORIES_INPUT,
      accept: TOP_CATEGORIES_OUTPUT,
      body: { audienceTargetingExpression: { audiences: [{ audienceId, groupId: 'customers', negative: false }] } },
      endpoint: 'personaBuilder.topCategoriesPurchased',
      signal,
    },
    ResponseSchema,
  );
  const result: TopCategories = { lastUpdatedAt: body.lastUpdatedAt ?? null, categories: [], malformed: [] };
  for (const [index, raw] of body.retailCategories.entries()) {
    const parsed = RetailCategorySchema.safeParse(raw);
    if (parsed.success) result.categories.push(parsed.data);
    else
      result.malformed.push({
        reason: `retail category does not match the published schema: ${z.prettifyError(parsed.error)}`,
        raw,
        index,
      });
  }
  return result;
}
