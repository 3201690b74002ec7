/** `GET /api/health`: is the process up, can it reach its database and the Ads API. Public: a monitor has no session. */
import { type Health, HealthSchema } from '@recdesk/shared-types';
import type { LwaTokenProvider } from '../ads-client/lwa-token-provider.ts';
import { type Db, pingDatabase } from '../db/database.ts';
import { type AnyApiRoute, apiRoute, json } from '../http/api-route.ts';

export interface HealthDeps {
  db: Db;
  tokens: LwaTokenProvider;
  adsApiMode: Health['adsApiMode'];
  version: string;
}

export function healthRoutes({ db, tokens, adsApiMode, version }: HealthDeps): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/health',
      access: 'public',
      advertiser: { from: 'none' },
      summary: 'Liveness, database and Ads API reachability',
      responses: { 200: json('Healthy or degraded', HealthSchema), 503: json('Down', HealthSchema) },
      handler: async (_input, _req, res) => {
        const dbOk = await pingDatabase(db);
        const adsOk = await tokens.accessToken().then(
          () => true,
          () => false,
        );
        const health: Health = {
          status: dbOk && adsOk ? 'ok' : dbOk ? 'degraded' : 'down',
          db: dbOk ? 'ok' : 'down',
          adsApi: adsOk ? 'ok' : 'down',
          adsApiMode,
          version,
        };
        res.status(health.status === 'down' ? 503 : 200).json(health);
      },
    }),
  ];
}
