/** Contract of `GET /api/health`. */
import { z } from 'zod';

export const HealthStatusSchema = z.enum(['ok', 'degraded', 'down']);

export const HealthSchema = z.object({
  status: HealthStatusSchema,
  db: HealthStatusSchema,
  adsApi: HealthStatusSchema,
  adsApiMode: z.enum(['simulated', 'live']),
  version: z.string(),
});
export type Health = z.infer<typeof HealthSchema>;
