/**
 * The OpenAPI document of the BFF's API, generated from the route declarations themselves (http/api-route.ts): the
 * same zod contracts the routes validate with, the same list that is mounted, so no route can exist undocumented.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { type AnyApiRoute, registerApiRoutes } from './api-route.ts';

export function buildOpenApiDocument(version: string, routes: readonly AnyApiRoute[]) {
  const registry = new OpenAPIRegistry();
  registerApiRoutes(registry, routes);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'RecDesk BFF', version, description: 'Review, approve, apply and measure Amazon Ads recommendations.' },
  });
}
