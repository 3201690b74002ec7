/** Declarations that cannot be enforced stop the start; the rest mount behind their gate and are documented. */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import express from 'express';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AnyApiRoute, apiRoute, checkDeclarations, mountApiRoutes, registerApiRoutes } from './api-route.ts';
import { errorHandler } from './problem-details.ts';

const ok = (overrides: Partial<AnyApiRoute> = {}): AnyApiRoute =>
  apiRoute({
    method: 'get',
    path: '/things/:id',
    access: 'signed-in',
    advertiser: { from: 'item' },
    summary: 'A thing',
    request: { params: z.strictObject({ id: z.uuid() }) },
    responses: { 200: { description: 'The thing' } },
    handler: ({ params }, _req, res) => {
      res.json({ id: params.id });
    },
    ...overrides,
  });

describe('checkDeclarations', () => {
  it('accepts a complete declaration', () => {
    expect(() => checkDeclarations([ok()])).not.toThrow();
  });

  it('refuses a route without a known access (default deny), or without an advertiser source', () => {
    expect(() => checkDeclarations([ok({ access: undefined as never })])).toThrow(/no known access/);
    expect(() => checkDeclarations([ok({ access: 'everyone' as never })])).toThrow(/no known access/);
    expect(() => checkDeclarations([ok({ advertiser: undefined as never })])).toThrow(/advertiser source/);
  });

  it('refuses paths that are not canonical, params the schema does not name, and a route declared twice', () => {
    expect(() => checkDeclarations([ok({ path: '/Things/:id' })])).toThrow(/lower case/);
    expect(() => checkDeclarations([ok({ path: '/things/:id/' })])).toThrow(/lower case/);
    expect(() => checkDeclarations([ok({ path: '/things/:key' })])).toThrow(/params schema/);
    expect(() => checkDeclarations([ok({ advertiser: { from: 'param', field: 'advertiserId' } })])).toThrow(/not in its path/);
    expect(() => checkDeclarations([ok(), ok()])).toThrow(/declared twice/);
  });

  it('is a type error to declare a route without access', () => {
    // @ts-expect-error: `access` is required.
    const route = apiRoute({ method: 'get', path: '/x', advertiser: { from: 'none' }, summary: 'x', responses: {}, handler: () => {} });
    expect(() => checkDeclarations([route])).toThrow(/no known access/);
  });
});

describe('mountApiRoutes', () => {
  function appWith(routes: AnyApiRoute[], gate: Parameters<typeof mountApiRoutes>[2]) {
    const app = express();
    app.set('query parser', 'simple');
    const router = express.Router({ caseSensitive: true, strict: true });
    mountApiRoutes(router, routes, gate);
    app.use('/api', router);
    app.use(errorHandler);
    return supertest(app);
  }

  it('runs the gate the declaration asks for before validation and the handler', async () => {
    const seen: string[] = [];
    const http = appWith([ok()], (route) => [
      (_req, res, next) => {
        seen.push(route.access);
        if (_req.get('x-deny')) res.status(403).end();
        else next();
      },
    ]);
    const id = '3fdea9bd-efb8-5e33-a294-81d4538c52b4';
    expect((await http.get(`/api/things/${id}`)).body).toEqual({ id });
    expect((await http.get(`/api/things/${id}`).set('x-deny', '1')).status).toBe(403);
    expect((await http.get('/api/things/not-a-uuid')).status).toBe(400);
    expect(seen).toEqual(['signed-in', 'signed-in', 'signed-in']);
  });

  it('refuses a query parameter the declaration does not name', async () => {
    const http = appWith([ok()], () => []);
    expect((await http.get('/api/things/3fdea9bd-efb8-5e33-a294-81d4538c52b4?admin=1')).status).toBe(400);
  });
});

describe('registerApiRoutes', () => {
  it('documents each route with the answers its access implies', () => {
    const registry = new OpenAPIRegistry();
    registerApiRoutes(registry, [ok(), ok({ method: 'put', path: '/things/:id', access: 'admin' })]);
    const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
    });
    const thing = document.paths?.['/api/things/{id}'];
    expect(Object.keys(thing?.get?.responses ?? {}).sort()).toEqual(['200', '400', '401']);
    expect(Object.keys(thing?.put?.responses ?? {}).sort()).toEqual(['200', '400', '401', '403']);
    expect(thing?.put?.summary).toContain('[access: admin]');
  });
});
