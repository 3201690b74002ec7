/** Runs the simulated Ads API on its own: `pnpm --filter @recdesk/ads-simulator start` (PORT, default 4010). */
import { startSimulator } from './server.ts';

const simulator = await startSimulator({ port: Number(process.env.PORT ?? 4010) });
console.info(`Simulated Amazon Ads API listening on ${simulator.url}`);
process.on('SIGTERM', () => void simulator.close().then(() => process.exit(0)));
process.on('SIGINT', () => void simulator.close().then(() => process.exit(0)));
