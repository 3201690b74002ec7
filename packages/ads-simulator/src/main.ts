/**
 * Runs the simulated Ads API on its own: `pnpm --filter @recdesk/ads-simulator start`. A fleet's processes share it
 * (ADS_SIMULATOR_URL), so its ledger is the one record of what they applied. The world is sized from the environment
 * (validated; a bad value stops it with a message naming the variable):
 * - PORT (default 4010), HOST (default 127.0.0.1)
 * - SIMULATOR_SEED: the world's seed (default: the embedded default's world)
 * - SIMULATOR_ADVERTISERS: advertisers in the world (default 5)
 * - SIMULATOR_CAMPAIGNS_PER_PROFILE: campaigns per advertiser and marketplace (default 4)
 * - SIMULATOR_BULK_PO_ROWS: rows of one extra Partner Opportunity of budget changes (default 0: none), e.g. 2000 for
 *   a morning of thousands of applicable items
 * - SIMULATOR_SP_CONSOLIDATED_ACTIONS: a dense set of SP consolidated actions (default: the seeded few)
 * - SIMULATOR_STREAM_INTERVAL_MS: the simulated Marketing Stream's tick into its SQS queue (default 5000; 0: off)
 */
import { z } from 'zod';
import { startSimulator } from './server.ts';

const count = (max: number) => z.coerce.number().int().min(0).max(max);
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(4010),
  HOST: z.string().min(1).default('127.0.0.1'),
  SIMULATOR_SEED: z.coerce.number().int().optional(),
  SIMULATOR_ADVERTISERS: count(10_000).min(1).optional(),
  SIMULATOR_CAMPAIGNS_PER_PROFILE: count(1_000).min(1).optional(),
  SIMULATOR_BULK_PO_ROWS: count(1_000_000).default(0),
  SIMULATOR_SP_CONSOLIDATED_ACTIONS: count(1_000_000).optional(),
  /** How often (ms, wall clock) the simulated Marketing Stream sends what became due into its SQS queue; 0: off. */
  SIMULATOR_STREAM_INTERVAL_MS: count(3_600_000).default(5_000),
});

const parsed = EnvSchema.safeParse(process.env);
if (!parsed.success) {
  console.error(`Invalid simulator configuration:\n${parsed.error.issues.map((i) => `  - ${String(i.path[0])}: ${i.message}`).join('\n')}`);
  process.exit(1);
}
const env = parsed.data;

const simulator = await startSimulator({
  port: env.PORT,
  host: env.HOST,
  seed: env.SIMULATOR_SEED,
  advertiserCount: env.SIMULATOR_ADVERTISERS,
  campaignsPerProfile: env.SIMULATOR_CAMPAIGNS_PER_PROFILE,
  bulkOpportunityRows: env.SIMULATOR_BULK_PO_ROWS,
  spConsolidatedActions: env.SIMULATOR_SP_CONSOLIDATED_ACTIONS,
  stream: env.SIMULATOR_STREAM_INTERVAL_MS > 0 ? { intervalMs: env.SIMULATOR_STREAM_INTERVAL_MS } : undefined,
});
console.info(`Simulated Amazon Ads API listening on ${simulator.url}`);
let closing = false;
const stop = () => {
  if (closing) process.exit(1);
  closing = true;
  void simulator.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
