/** `GET /api/health`: is the process up, can it reach its database and the Ads API. */
import type { Health } from '@recdesk/shared-types';
import { Router } from 'express';
import type { LwaTokenProvider } from '../ads-client/lwa-token-provider.ts';
import { type Db, pingDatabase } from '../db/database.ts';

export interface HealthDeps {
  db: Db;
  tokens: LwaTokenProvider;
  adsApiMode: Health['adsApiMode'];
  version: string;
}

export function healthRoutes({ db, tokens, adsApiMode, version }: HealthDeps): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
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
  });
  return router;
}
