/**
 * The simulated Ads API with a dense set of SP consolidated recommendations (`spConsolidatedActions`), in a process
 * of its own so that the benchmark's figures hold only the BFF's side. More campaigns per profile than the default
 * world, so that 20,000 actions fit under the API's 50-items-per-list limits. Prints `READY <url>`; ends on SIGTERM.
 */
import { startSimulator } from '@recdesk/ads-simulator/server';

const actions = Number(process.env.BENCH_SP_ACTIONS ?? 20_000);
// A manual campaign holds 55 actions at most, an auto one 13: about 41 on average.
const campaignsPerProfile = Math.max(4, Math.ceil(actions / 41 / 9) + 5);
const simulator = await startSimulator({ spConsolidatedActions: actions, campaignsPerProfile });
process.stdout.write(`READY ${simulator.url}\n`);
process.on('SIGTERM', () => void simulator.close().then(() => process.exit(0)));
