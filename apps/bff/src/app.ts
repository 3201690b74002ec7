/**
 * Builds the Express app from its dependencies, without listening: tests drive it through Supertest, `main.ts`
 * serves it. Every API route is composed here; features own their routers.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { LwaTokenProvider } from './ads-client/lwa-token-provider.ts';
import { applyRoutes } from './apply/apply-routes.ts';
import type { ApplyService } from './apply/apply-service.ts';
import { type Auth, asSystem } from './auth/auth.ts';
import { conflictRoutes } from './conflicts/conflict-routes.ts';
import type { ConflictService } from './conflicts/conflict-service.ts';
import type { Db } from './db/database.ts';
import { healthRoutes } from './health/health-routes.ts';
import { buildOpenApiDocument } from './http/openapi.ts';
import { errorHandler, notFoundHandler } from './http/problem-details.ts';
import type { QuarantineStore } from './ingest/quarantine-store.ts';
import { sourceRoutes } from './ingest/source-routes.ts';
import type { SourceStatusService } from './ingest/source-status.ts';
import type { StreamIngest } from './ingest/stream-ingest.ts';
import { streamRoutes } from './ingest/stream-routes.ts';
import { syncRoutes } from './ingest/sync-routes.ts';
import type { SyncService } from './ingest/sync-service.ts';
import type { GuardrailStore } from './lifecycle/guardrail-store.ts';
import { lifecycleRoutes } from './lifecycle/lifecycle-routes.ts';
import type { LifecycleService } from './lifecycle/lifecycle-service.ts';
import { recommendationRoutes } from './lifecycle/recommendation-routes.ts';
import type { RecommendationStore } from './lifecycle/recommendation-store.ts';
import { ruleRoutes } from './rules/rule-routes.ts';
import type { RuleService } from './rules/rule-service.ts';

export interface AppDeps {
  db: Db;
  log: Logger;
  tokens: LwaTokenProvider;
  store: RecommendationStore;
  sync: SyncService;
  quarantine: QuarantineStore;
  sourceStatus: SourceStatusService;
  stream: StreamIngest;
  lifecycle: LifecycleService;
  guardrails: GuardrailStore;
  conflicts: ConflictService;
  /** The apply pipeline (src/apply); its routes are served when given. */
  apply?: ApplyService;
  /** Auto-apply rules (src/rules); their routes are served when given. */
  rules?: RuleService;
  /** Sign-in, sessions, scope and protection (src/auth/auth.ts). */
  auth: Auth;
  adsApiMode: 'simulated' | 'live';
  version: string;
  /** The built SPA; served with an index.html fallback when it exists. */
  webDistDir?: string;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(pinoHttp({ logger: deps.log, autoLogging: { ignore: (req) => !req.url?.startsWith('/api') } }));
  app.set('trust proxy', deps.auth.trustProxy);
  app.use(deps.auth.security);
  app.use('/api', deps.auth.sameOrigin);
  app.use(express.json({ limit: '1mb' }));

  const openApi = buildOpenApiDocument(deps.version);
  const api = express.Router();
  // Every route needs a session, except health, sign-in and this document; Stream deliveries need their secret.
  api.use(deps.auth.session, deps.auth.guard);
  api.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  api.use(healthRoutes({ db: deps.db, tokens: deps.tokens, adsApiMode: deps.adsApiMode, version: deps.version }));
  api.use(deps.auth.routes);
  // A sync fetches every advertiser's data, whoever asks for it: it runs outside the asker's advertiser scope.
  api.post('/sync', (_req, _res, next) => asSystem(next));
  api.use(syncRoutes(deps.sync));
  api.use(sourceRoutes(deps.sourceStatus, deps.quarantine));
  api.use(streamRoutes(deps.stream));
  // Lifecycle actions first: `/recommendations/bulk` must not be taken for a recommendation id.
  api.use(lifecycleRoutes(deps.lifecycle, deps.guardrails));
  api.use(recommendationRoutes(deps.store));
  api.use(conflictRoutes(deps.conflicts));
  if (deps.apply) api.use(applyRoutes(deps.apply));
  if (deps.rules) api.use(ruleRoutes(deps.rules));
  api.use(notFoundHandler);
  app.use('/api', api);

  if (deps.webDistDir && existsSync(path.join(deps.webDistDir, 'index.html'))) {
    const index = path.join(deps.webDistDir, 'index.html');
    app.use(express.static(deps.webDistDir, { index: false, maxAge: '1h' }));
    app.get('/{*path}', (_req, res) => {
      res.sendFile(index);
    });
  }
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
