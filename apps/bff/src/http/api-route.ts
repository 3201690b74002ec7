/**
 * An API route is declared once, here in one shape: its method and path, who may call it (`access`), where its
 * advertiser comes from (`advertiser`), its zod schemas and its documented answers. From that one declaration
 * `mountApiRoutes` mounts it behind the checks the declaration names (default deny: a route without a known access is
 * a type error and a start-up error), `registerApiRoutes` documents it in the OpenAPI document, and
 * `canonicalPathGuard` (canonical-path.ts) knows which paths exist. No check anywhere reads the URL as a string.
 */
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { ProblemSchema } from '@recdesk/shared-types';
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { parseBody, parseParams, parseQuery } from './validate.ts';

/**
 * Who may call a route:
 * - `public`: anyone, no session (health, sign-in, this document);
 * - `stream-secret`: the Marketing Stream forwarder with the shared secret, never a session;
 * - `signed-in`: any role (a viewer too, even for a change: signing out);
 * - `approver`: approvers and admins;
 * - `admin`: admins only.
 * Every access but `public` and `stream-secret` needs a session, counts against the rate limit, and a change needs
 * the session's CSRF token.
 */
export const ACCESS = ['public', 'stream-secret', 'signed-in', 'approver', 'admin'] as const;
export type Access = (typeof ACCESS)[number];

/**
 * Where the advertiser a request touches comes from, so that a user scoped to some advertisers reaches no other's:
 * - `param` / `query` / `body`: named by that field; one outside the user's scope is not found (404) before the route
 *   runs (a body field may hold one id or a list);
 * - `item`: the route names items (recommendations, batches, conflicts) read through the scoped database, which finds
 *   no item of another advertiser;
 * - `none`: not an advertiser's data (users, rules, alerts, sign-in);
 * - `system`: works over every advertiser whoever asks (a sync fetches everything): run outside the user's scope.
 */
export type AdvertiserSource =
  | { from: 'param' | 'query' | 'body'; field: string }
  | { from: 'item' }
  | { from: 'none' }
  | { from: 'system' };

export type Method = 'get' | 'post' | 'put' | 'delete';

type Schema = z.ZodType | undefined;
type Infer<S extends Schema> = S extends z.ZodType ? z.infer<S> : undefined;

export interface RouteInput<P extends Schema, Q extends Schema, B extends Schema> {
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
}

export interface ApiRoute<P extends Schema = Schema, Q extends Schema = Schema, B extends Schema = Schema> {
  method: Method;
  /** Below /api, in Express's syntax (`/users/:id`); matched case-sensitively and strictly. */
  path: string;
  access: Access;
  advertiser: AdvertiserSource;
  summary: string;
  /** Without `query`, any query parameter is refused (400); without `body`, the body is not read. */
  request?: { params?: P; query?: Q; body?: B; bodyTypes?: readonly string[] };
  /** The answers beside the ones the access implies (401, 403, 404 for an advertiser outside the scope, 400). */
  responses: RouteConfig['responses'];
  /** A successful create or edit of a rule is written to the audit log with the rule before and after. */
  audits?: 'rule-change';
  /** Middleware before validation (another body parser). */
  before?: RequestHandler[];
  handler: (input: RouteInput<P, Q, B>, req: Request, res: Response) => Promise<void> | void;
}

// biome-ignore lint/suspicious/noExplicitAny: a list holds routes of every input type; each was checked where declared.
export type AnyApiRoute = ApiRoute<any, any, any>;

/** Declares a route; the handler's input is typed from the schemas. */
export function apiRoute<P extends Schema = undefined, Q extends Schema = undefined, B extends Schema = undefined>(
  route: ApiRoute<P, Q, B>,
): AnyApiRoute {
  return route as AnyApiRoute;
}

const NO_QUERY = z.strictObject({});
const STATE_CHANGING: ReadonlySet<Method> = new Set(['post', 'put', 'delete']);

export const changesState = (route: Pick<ApiRoute, 'method'>): boolean => STATE_CHANGING.has(route.method);
export const needsSession = (route: Pick<ApiRoute, 'access'>): boolean => route.access !== 'public' && route.access !== 'stream-secret';

function paramNames(path: string): string[] {
  return [...path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
}

/** Start-up checks: a declaration that cannot be enforced stops the process instead of serving an open route. */
export function checkDeclarations(routes: readonly AnyApiRoute[]): void {
  const seen = new Set<string>();
  for (const route of routes) {
    const name = `${route.method.toUpperCase()} /api${route.path}`;
    if (!ACCESS.includes(route.access)) throw new Error(`${name} declares no known access (${String(route.access)}): refusing to start`);
    if (!route.advertiser || !['param', 'query', 'body', 'item', 'none', 'system'].includes(route.advertiser.from)) {
      throw new Error(`${name} declares no advertiser source: refusing to start`);
    }
    if (!/^(\/(:\w+|[a-z0-9][a-z0-9.-]*))+$/.test(route.path)) throw new Error(`${name}: a path is lower case, without a trailing slash`);
    const names = paramNames(route.path);
    const shape = route.request?.params instanceof z.ZodObject ? Object.keys(route.request.params.shape).sort() : [];
    if (names.sort().join() !== shape.join()) throw new Error(`${name}: its params schema must name exactly ${names.join(', ') || 'none'}`);
    if (route.advertiser.from === 'param' && !names.includes(route.advertiser.field)) {
      throw new Error(`${name}: the advertiser param ${route.advertiser.field} is not in its path`);
    }
    if (seen.has(name)) throw new Error(`${name} is declared twice`);
    seen.add(name);
  }
}

/**
 * Mounts each route behind `gate(route)` (the checks its access and advertiser name, from src/auth), then the
 * validation of its params, query and body, then its handler.
 */
export function mountApiRoutes(router: Router, routes: readonly AnyApiRoute[], gate: (route: AnyApiRoute) => RequestHandler[]): void {
  checkDeclarations(routes);
  for (const route of routes) {
    const validate: RequestHandler = async (req, res) => {
      const request = route.request;
      const input = {
        params: request?.params ? parseParams(request.params, req) : undefined,
        query: parseQuery(request?.query ?? NO_QUERY, req),
        body: request?.body ? parseBody(request.body, req) : undefined,
      };
      await route.handler(input, req, res);
    };
    router[route.method](route.path, ...gate(route), ...(route.before ?? []), validate);
  }
}

/** A documented problem+json answer. */
export const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
/** A documented JSON answer. */
export const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });

/** The OpenAPI path of a route: `/api/users/{id}`. */
export const openApiPath = (route: Pick<ApiRoute, 'path'>): string => `/api${route.path.replace(/:(\w+)/g, '{$1}')}`;

/** Documents every route from its declaration, with the answers its access implies. */
export function registerApiRoutes(registry: OpenAPIRegistry, routes: readonly AnyApiRoute[]): void {
  for (const route of routes) {
    const { params, query, body, bodyTypes } = route.request ?? {};
    const implied: RouteConfig['responses'] = {};
    if (params || query || body) implied[400] = problem('Invalid path parameter, query or body');
    if (route.access === 'stream-secret') implied[401] = problem('The Stream shared secret is missing or wrong');
    if (needsSession(route)) implied[401] = problem('No session');
    if (needsSession(route) && (route.access === 'approver' || route.access === 'admin' || changesState(route))) {
      implied[403] = problem(
        route.access === 'signed-in' ? 'No CSRF token' : `Not allowed for this role (${route.access}s only), or no CSRF token`,
      );
    }
    if (route.advertiser.from === 'param' || route.advertiser.from === 'query' || route.advertiser.from === 'body') {
      implied[404] = problem('An advertiser outside your scope');
    }
    const csrf = needsSession(route) && changesState(route) ? { headers: z.object({ 'x-csrf-token': z.string() }) } : {};
    registry.registerPath({
      method: route.method,
      path: openApiPath(route),
      summary: `${route.summary} [access: ${route.access}]`,
      request: {
        ...csrf,
        ...(params ? { params } : {}),
        ...(query ? { query } : {}),
        ...(body
          ? { body: { content: Object.fromEntries((bodyTypes ?? ['application/json']).map((type) => [type, { schema: body }])) } }
          : {}),
      },
      responses: { ...implied, ...route.responses },
    });
  }
}
