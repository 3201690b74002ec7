/** Which paths are canonical: exactly a declared route's, spelt the one way encodeURIComponent spells it. */
import express from 'express';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { canonicalPathGuard, isCanonicalSegmentPath, looksLikeApi } from './canonical-path.ts';

describe('isCanonicalSegmentPath', () => {
  it.each(['/api/users', '/api/users/3fdea9bd-efb8-5e33-a294-81d4538c52b4', '/api/activity.csv', '/api/advertisers/A%20B/guardrails'])(
    'accepts %s',
    (path) => {
      expect(isCanonicalSegmentPath(path)).toBe(true);
    },
  );

  it.each([
    '/api/users/',
    '/api//users',
    '//api/users',
    '/api/./users',
    '/api/x/../users',
    '/api/%2e/users',
    '/api/%2E%2E/users',
    '/api%2Fusers',
    '/api/users%2fx',
    '/api/%75sers',
    '/api/users%',
    '/api/users%ZZ',
    '/api/advertisers/%ED%A0%80/guardrails',
    '/api/%C0%AEusers',
    '/api/advertisers/a%20b%2f/guardrails',
    '/api/advertisers/A%2a/guardrails',
    '/api\\users',
  ])('refuses %s', (path) => {
    expect(isCanonicalSegmentPath(path)).toBe(false);
  });
});

describe('looksLikeApi', () => {
  it.each(['/api', '/api/users', '/API/users', '//api/users', '/./api/users', '/%61pi/users', '/api%2Fusers', '/x/../api/users'])(
    '%s is held to the API rules',
    (path) => {
      expect(looksLikeApi(path)).toBe(true);
    },
  );
  it.each(['/', '/queue', '/apis', '/assets/index.js', '/metrics'])('%s is not', (path) => {
    expect(looksLikeApi(path)).toBe(false);
  });
});

describe('canonicalPathGuard', () => {
  const app = express();
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  let reached = 0;
  app.use(canonicalPathGuard([{ path: '/users/:id' }, { path: '/users' }]));
  app.use((_req, res) => {
    reached += 1;
    res.status(200).send('reached');
  });
  const http = supertest(app);

  it('lets canonical paths and non-API paths through, and answers 404 problem+json to the rest before anything else runs', async () => {
    expect((await http.get('/api/users')).status).toBe(200);
    expect((await http.get('/api/users/abc?x=1')).status).toBe(200);
    expect((await http.get('/queue')).status).toBe(200);
    const before = reached;
    for (const path of ['/api/Users', '/API/users', '/api/users/', '/api/users/abc/', '/api/nothing', '/api/users/a/b']) {
      const answer = await http.get(path);
      expect(answer.status, path).toBe(404);
      expect(answer.type, path).toBe('application/problem+json');
    }
    expect(reached).toBe(before);
  });
});
