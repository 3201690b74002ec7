import { z } from 'zod';

/** An advertiser the signed-in person may see: its id, its name (when upstream gave one) and its marketplaces. */
export const AdvertiserSummarySchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  /** Marketplace codes (US, DE, …) its recommendations are for, sorted. */
  marketplaces: z.array(z.string()),
});
export type AdvertiserSummary = z.infer<typeof AdvertiserSummarySchema>;

/** `GET /api/advertisers`: every advertiser in the person's scope, by name. */
export const AdvertiserListSchema = z.object({ items: z.array(AdvertiserSummarySchema) });
export type AdvertiserList = z.infer<typeof AdvertiserListSchema>;
