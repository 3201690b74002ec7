/**
 * Who is acting on a request: the signed-in user of its session (src/auth), named by email in the history and the
 * audit log. This is the ONE place routes learn it; every route calls `actorOf(req)`, and `personOf(req)` for what
 * they may do (role and advertisers, for allowed-actions). A request without a session never reaches a route that
 * acts (the auth guard answers 401 first), so 'anonymous' only names the impossible.
 */
import type { Actor } from '@recdesk/shared-types';
import type { Request } from 'express';
import { userOf } from '../auth/auth.ts';
import type { Person } from '../lifecycle/allowed-actions.ts';

export function actorOf(req: Request): Actor {
  return { type: 'user', id: userOf(req)?.email ?? 'anonymous', version: null };
}

/** The signed-in person as allowed-actions weighs them; no session (impossible past the guard) may do nothing. */
export function personOf(req: Request): Person {
  const user = userOf(req);
  if (!user) return { role: 'viewer', id: 'anonymous', advertiserIds: [] };
  return { role: user.role, id: user.email, advertiserIds: user.allAdvertisers ? 'all' : user.advertiserIds };
}
