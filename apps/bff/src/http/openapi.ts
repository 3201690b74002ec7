/**
 * The OpenAPI document of the BFF's API, generated from the same zod contracts the routes validate with, so the
 * document cannot drift from the code.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import {
  HealthSchema,
  ListRecommendationsQuerySchema,
  ProblemSchema,
  QuarantineQuerySchema,
  QuarantineResponseSchema,
  RecommendationDetailSchema,
  RecommendationIdParamsSchema,
  RecommendationPageSchema,
  SourceParamsSchema,
  SourcesResponseSchema,
  StreamMessagesBodySchema,
  StreamMessagesResponseSchema,
  SyncQuerySchema,
  SyncSummarySchema,
} from '@recdesk/shared-types';
import type { z } from 'zod';
import { registerActivityPaths } from '../activity/activity-openapi.ts';
import { registerAdvertiserPaths } from '../advertisers/advertiser-openapi.ts';
import { registerApplyPaths } from '../apply/apply-openapi.ts';
import { registerAuthPaths } from '../auth/auth-openapi.ts';
import { registerImpactPaths } from '../impact/impact-openapi.ts';
import { registerLifecyclePaths } from '../lifecycle/lifecycle-openapi.ts';
import { registerObservabilityPaths } from '../observability/observability-openapi.ts';
import { registerPerformancePaths } from '../performance/performance-openapi.ts';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });

export function buildOpenApiDocument(version: string) {
  const registry = new OpenAPIRegistry();
  registry.registerPath({
    method: 'get',
    path: '/api/health',
    summary: 'Liveness, database and Ads API reachability',
    responses: { 200: json('Healthy or degraded', HealthSchema), 503: json('Down', HealthSchema) },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/sync',
    summary: 'Run an ingestion now and return its summary per source',
    request: { query: SyncQuerySchema },
    responses: {
      200: json('What each source fetched, stored and quarantined', SyncSummarySchema),
      400: problem('Invalid query'),
      502: problem('The Ads API failed'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/recommendations',
    summary: 'The recommendation queue, filtered and paged by cursor',
    request: { query: ListRecommendationsQuerySchema },
    responses: { 200: json('A page of recommendations', RecommendationPageSchema), 400: problem('Invalid query') },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/recommendations/{id}',
    summary: 'One recommendation with its raw upstream payload',
    request: { params: RecommendationIdParamsSchema },
    responses: {
      200: json('The recommendation', RecommendationDetailSchema),
      400: problem('Invalid id'),
      404: problem('No such recommendation'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/sources',
    summary: 'Each source: enabled, schedule, last and next run, freshness against its policy, counts, last error, quarantine',
    responses: { 200: json('Every source', SourcesResponseSchema) },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/sources/{source}/quarantine',
    summary: 'The items a source quarantined, with their reasons and raw payloads',
    request: { params: SourceParamsSchema, query: QuarantineQuerySchema },
    responses: {
      200: json('Quarantined items, most recently seen first', QuarantineResponseSchema),
      400: problem('Unknown source or invalid query'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/stream/messages',
    summary: 'Amazon Marketing Stream deliveries (SQS message body or SNS notification; one or a batch), deduplicated',
    request: {
      body: { content: { 'application/json': { schema: StreamMessagesBodySchema }, 'text/plain': { schema: StreamMessagesBodySchema } } },
    },
    responses: {
      200: json('What happened to each message: accepted, duplicate, ignored or quarantined', StreamMessagesResponseSchema),
      400: problem('The body is not a delivery or a batch of them'),
    },
  });
  registerAuthPaths(registry);
  registerLifecyclePaths(registry);
  registerApplyPaths(registry);
  registerImpactPaths(registry);
  registerObservabilityPaths(registry);
  registerPerformancePaths(registry);
  registerActivityPaths(registry);
  registerAdvertiserPaths(registry);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'RecDesk BFF', version, description: 'Review, approve, apply and measure Amazon Ads recommendations.' },
  });
}
