/** The signed-in user of a request, set by the auth middleware from the session (see auth.ts). */
import type { User } from '@recdesk/shared-types';
import type { Request } from 'express';

const users = new WeakMap<Request, User>();

export function setUserOf(req: Request, user: User): void {
  users.set(req, user);
}

export function userOf(req: Request): User | undefined {
  return users.get(req);
}
