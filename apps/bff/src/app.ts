/**
 * Builds the Express app from its dependencies, without listening: tests drive it through Supertest, `main.ts`
 * serves it. Every API route is composed here; features own their routers.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { z } from 'zod';
import { activityRoutes } from './activity/activity-routes.ts';
import { ActivityStore } from './activity/activity-store.ts';
import type { LwaTokenProvider } from './ads-client/lwa-token-provider.ts';
import { advertiserRoutes } from './advertisers/advertiser-routes.ts';
import { AdvertiserStore } from './advertisers/advertiser-store.ts';
import { applyRoutes } from './apply/apply-routes.ts';
import type { ApplyService } from './apply/apply-service.ts';
import type { Auth } from './auth/auth.ts';
import { conflictRoutes } from './conflicts/conflict-routes.ts';
import type { ConflictService } from './conflicts/conflict-service.ts';
import type { Db } from './db/database.ts';
import { healthRoutes } from './health/health-routes.ts';
import { type AnyApiRoute, apiRoute, mountApiRoutes } from './http/api-route.ts';
import { canonicalPathGuard } from './http/canonical-path.ts';
import { buildOpenApiDocument } from './http/openapi.ts';
import { errorHandler, notFoundHandler } from './http/problem-details.ts';
import { refuseUnsafeInput } from './http/safe-input.ts';
import { impactRoutes } from './impact/impact-routes.ts';
import type { ImpactService } from './impact/impact-service.ts';
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
import { correlationMiddleware } from './observability/correlation.ts';
import type { Observability } from './observability/observability.ts';
import { redactQuery, redactUrl } from './observability/redact-url.ts';
import { type PerformanceFeature, performanceRoutes } from './performance/performance-routes.ts';
import { planDraftRoutes } from './plan/plan-draft-routes.ts';
import type { PlanDraftService } from './plan/plan-drafts.ts';
import { planRoutes } from './plan/plan-routes.ts';
import { PlanService } from './plan/plan-service.ts';
import { ruleRoutes } from './rules/rule-routes.ts';
import type { RuleService } from './rules/rule-service.ts';
import type { Runtime } from './runtime.ts';
import { streamSubscriptionRoutes } from './stream-subscriptions/subscription-routes.ts';
import type { StreamSubscriptionService } from './stream-subscriptions/subscription-service.ts';

export interface AppDeps {
  db: Db;
  log: Logger;
  tokens: LwaTokenProvider;
  store: RecommendationStore;
  sync: SyncService;
  quarantine: QuarantineStore;
  sourceStatus: SourceStatusService;
  stream: StreamIngest;
  streamSubscriptions?: StreamSubscriptionService;
  lifecycle: LifecycleService;
  guardrails: GuardrailStore;
  conflicts: ConflictService;
  /** The apply pipeline (src/apply); its routes are served when given. */
  apply?: ApplyService;
  /** Auto-apply rules (src/rules); their routes are served when given. */
  rules?: RuleService;
  /** Changes drafted from the Plan page (src/plan); its routes are served when given. */
  planDrafts?: PlanDraftService;
  /** Impact measurement (src/impact); its routes are served when given. */
  impact?: ImpactService;
  /** Performance data and, in simulated mode, the simulated clock (src/performance); served when given. */
  performance?: PerformanceFeature;
  /** Sign-in, sessions, scope and protection (src/auth/auth.ts). */
  auth: Auth;
  /** `/metrics`, `/api/ready` and `/api/alerts` (src/observability); served when given. */
  observability?: Observability;
  adsApiMode: 'simulated' | 'live';
  version: string;
  /** The built SPA; served with an index.html fallback when it exists. */
  webDistDir?: string;
}

/** The app over a whole runtime, as the server, the tests and the benchmarks serve it. */
export function createAppFor(runtime: Runtime, options: { version: string; webDistDir?: string }): express.Express {
  return createApp({
    db: runtime.db,
    log: runtime.log,
    tokens: runtime.tokens,
    store: runtime.store,
    sync: runtime.sync,
    quarantine: runtime.quarantine,
    sourceStatus: runtime.sourceStatus,
    stream: runtime.stream,
    streamSubscriptions: runtime.streamSubscriptions,
    lifecycle: runtime.lifecycle,
    guardrails: runtime.guardrails,
    conflicts: runtime.conflicts,
    apply: runtime.apply,
    rules: runtime.rules,
    impact: runtime.impact,
    planDrafts: runtime.planDrafts,
    performance: runtime.performance,
    auth: runtime.auth,
    observability: runtime.observability,
    adsApiMode: runtime.env.ADS_API_MODE,
    ...options,
  });
}

/** Every API route, declared once with its access, advertiser source and schemas (http/api-route.ts). */
export function apiRoutesOf(deps: AppDeps): AnyApiRoute[] {
  const routes: AnyApiRoute[] = [
    ...healthRoutes({ db: deps.db, tokens: deps.tokens, adsApiMode: deps.adsApiMode, version: deps.version }),
    ...deps.auth.routes,
    ...syncRoutes(deps.sync),
    ...sourceRoutes(deps.sourceStatus, deps.quarantine),
    ...streamRoutes(deps.stream),
    ...(deps.streamSubscriptions ? streamSubscriptionRoutes(deps.streamSubscriptions) : []),
    // Lifecycle actions first: `/recommendations/bulk` must not be taken for a recommendation id.
    ...lifecycleRoutes(deps.lifecycle, deps.guardrails),
    ...recommendationRoutes(deps.store, deps.lifecycle),
    ...conflictRoutes(deps.conflicts, deps.lifecycle),
    ...(deps.apply ? applyRoutes(deps.apply) : []),
    ...(deps.rules ? ruleRoutes(deps.rules) : []),
    ...(deps.impact ? impactRoutes(deps.impact) : []),
    ...(deps.performance ? performanceRoutes(deps.performance) : []),
    ...activityRoutes(new ActivityStore(deps.db)),
    ...advertiserRoutes(new AdvertiserStore(deps.db)),
    ...planRoutes(new PlanService(deps.db)),
    ...(deps.planDrafts ? planDraftRoutes(deps.planDrafts) : []),
    ...(deps.observability ? deps.observability.apiRoutes() : []),
  ];
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  routes.push(
    apiRoute({
      method: 'get',
      path: '/openapi.json',
      access: 'public',
      advertiser: { from: 'none' },
      summary: 'This document, generated from the route declarations',
      responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } } },
      handler: (_input, _req, res) => {
        document ??= buildOpenApiDocument(deps.version, routes);
        res.json(document);
      },
    }),
  );
  return routes;
}

const noStore: express.RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

const refuseSourceMaps: express.RequestHandler = (req, res, next) => {
  if (/\.map$/i.test(req.path)) notFoundHandler(req, res, next);
  else next();
};

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  // One canonical URL: set before the router exists, which reads them when it is made.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // The request's correlation id first: every log line and upstream call the request causes carries it.
  app.use(correlationMiddleware);
  app.use(
    pinoHttp({
      logger: deps.log,
      autoLogging: { ignore: (req) => !req.url?.startsWith('/api') },
      serializers: {
        req: (req: { url?: string; query?: unknown }) => ({ ...req, url: redactUrl(req.url), query: redactQuery(req.query) }),
      },
    }),
  );
  app.set('trust proxy', deps.auth.trustProxy);
  app.use(deps.auth.security);
  // API answers carry personal data and one person's view: no browser or proxy keeps them, errors and 404s included.
  app.use('/api', noStore);

  const routes = apiRoutesOf(deps);
  // Before anything acts on a request: a path that is not exactly a declared route's is no endpoint.
  app.use(canonicalPathGuard(routes));
  app.use('/api', deps.auth.sameOrigin);
  app.use(express.json({ limit: '1mb' }));
  // Before the session and every route: no NUL byte, unpaired surrogate or broken encoding goes further.
  app.use('/api', refuseUnsafeInput);

  // Case-sensitive and strict like the app: `/api/Users` and `/api/users/` are not `/api/users`.
  const api = express.Router({ caseSensitive: true, strict: true });
  // The session and the user's scope for every API request; what each route needs is in its declaration (auth.gate).
  api.use(deps.auth.session);
  mountApiRoutes(api, routes, deps.auth.gate);
  api.use(notFoundHandler);
  app.use('/api', api);
  // Prometheus' scrape, outside /api: no session; METRICS_TOKEN (bearer) when set.
  if (deps.observability) app.get('/metrics', deps.observability.metricsHandler);

  if (deps.webDistDir && existsSync(path.join(deps.webDistDir, 'index.html'))) {
    const index = path.join(deps.webDistDir, 'index.html');
    // A source map is the SPA's whole source: never served, even if a build left one in dist (vite.config.ts emits none).
    app.use(refuseSourceMaps);
    app.use(express.static(deps.webDistDir, { index: false, maxAge: '1h' }));
    app.get('/{*path}', (_req, res) => {
      res.sendFile(index);
    });
  }
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
