/**
 * Who is acting on a request. Until the auth issue lands there are no users: the actor is whatever the
 * `x-recdesk-user` header names (default 'anonymous'). This is the ONE place that reads it; the auth issue replaces
 * this function's body with the authenticated session's user, and every route keeps calling `actorOf(req)`.
 */
import type { Actor } from '@recdesk/shared-types';
import type { Request } from 'express';
import { z } from 'zod';

const UserHeaderSchema = z.string().trim().min(1).max(200);

export function actorOf(req: Request): Actor {
  const parsed = UserHeaderSchema.safeParse(req.get('x-recdesk-user'));
  return { type: 'user', id: parsed.success ? parsed.data : 'anonymous', version: null };
}
