/**
 * The simulated Ads API with a bulk Partner Opportunity file, in a process of its own, so that the ingestion
 * benchmark's memory figures hold only the BFF's side. Prints `READY <url>` once listening; ends on SIGTERM.
 */
import { startSimulator } from '@recdesk/ads-simulator/server';

const rows = Number(process.env.BENCH_PO_ROWS ?? 100_000);
const simulator = await startSimulator({ bulkOpportunityRows: rows });
process.stdout.write(`READY ${simulator.url}\n`);
process.on('SIGTERM', () => void simulator.close().then(() => process.exit(0)));
