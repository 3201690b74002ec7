/**
 * The auth component's one public module: who is signed in, what they may see and do, and what keeps strangers out.
 * `createAuth` builds it from the database and the configuration; `createApp` mounts, in this order:
 *   - `security`: helmet's headers with a strict Content-Security-Policy, for the SPA and the API alike;
 *   - `sameOrigin`: an API request from another site (Origin or Sec-Fetch-Site) is refused; no CORS header is ever
 *     sent, so browsers keep other sites' scripts out;
 *   - `session`: express-session (cookie `recdesk.sid`: httpOnly, SameSite=Lax, Secure over HTTPS and outside
 *     localhost, signed with session-secrets.ts's list) over the database, then the user is loaded and the request
 *     runs within that user's advertiser scope (scope.ts);
 *   - `gate(route)`: the checks a route's declaration names (http/api-route.ts), mounted with it: the Stream secret,
 *     or a session, a rate limit per user, the session's CSRF token in `x-csrf-token` for a change, the role, and the
 *     advertiser the route names within the user's scope. Nothing is checked by matching the URL;
 *   - `routes`: sign-in, users, the audit log and the approval policies, declared like every other route.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  AdsCredentialsBodySchema,
  AdsCredentialsStatusSchema,
  AdvertiserParamsSchema,
  ApprovalPolicyBodySchema,
  ApprovalPolicySchema,
  AuditPageSchema,
  AuditQuerySchema,
  type AuthConfig as AuthConfigBody,
  AuthConfigSchema,
  CreateUserBodySchema,
  CSRF_HEADER,
  LoginBodySchema,
  type Role,
  type SessionInfo,
  SessionInfoSchema,
  UpdateUserBodySchema,
  type User,
  UserIdParamsSchema,
  UserListSchema,
  UserSchema,
} from '@recdesk/shared-types';
import type { Request, RequestHandler } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import { NotFoundError } from '../errors/domain-errors.ts';
import { ACCESS, type AdvertiserSource, type AnyApiRoute, apiRoute, changesState, json, problem } from '../http/api-route.ts';
import { AdsCredentialsStore } from './ads-credentials-store.ts';
import { ApprovalPolicyStore } from './approval-policy.ts';
import { AuditLog, auditCsv } from './audit-log.ts';
import { ForbiddenError, TooManyRequestsError, UnauthenticatedError } from './auth-errors.ts';
import { ApiRateLimit, type CounterStore, LoginThrottle, type ThrottleLimits } from './login-throttle.ts';
import { type OidcConfig, OidcRefusal, OidcSignIn } from './oidc-sign-in.ts';
import { burnPasswordCheck, type ScryptCost, verifyPassword } from './password.ts';
import { setUserOf, userOf } from './request-user.ts';
import { auditRuleChange } from './rule-change-audit.ts';
import { ALL_ADVERTISERS, asSystem, scopeIncludes, withinScope } from './scope.ts';
import { KyselySessionStore } from './session-store.ts';
import { scopeOfUser, UserStore } from './user-store.ts';

export { amountAtStake, secondApproverNeeded } from './approval-policy.ts';
export type { AuditRecord } from './audit-log.ts';
export { bootstrapUsers, DEMO_USERS, demoUsersBanner } from './bootstrap-users.ts';
export { TEST_COST } from './password.ts';
export { userOf } from './request-user.ts';
export { asSystem, currentScope, type Scope, ScopePlugin, scopeIncludes } from './scope.ts';

export interface AuthConfig {
  /** Sign the session cookie: the first signs, every one verifies (session-secrets.ts loads them). */
  sessionSecrets: readonly string[];
  /** A session unused this long ends. */
  sessionIdleHours: number;
  /** A session ends this long after sign-in, however active. */
  sessionMaxAgeHours: number;
  apiRateLimitPerMinute: number;
  /** `POST /api/stream/messages` needs it (header `x-recdesk-stream-secret`, or HTTP Basic's password); unset: closed. */
  streamSharedSecret?: string | undefined;
  throttle?: ThrottleLimits;
  /** scrypt's cost; the default unless NODE_ENV=test. */
  passwordCost?: ScryptCost | undefined;
  /** Reverse proxies to trust for the client address and https (Express's `trust proxy`). */
  trustProxy?: number;
  /** OpenID Connect sign-in beside the password (OIDC_* variables); unset: password only. */
  oidc?: OidcConfig | undefined;
  /** PostgreSQL: sign-in throttle and API rate limit counters shared by every process; unset: this process's memory. */
  counterStore?: CounterStore | undefined;
  /** RECDESK_SECRETS_KEY: seals Ads API credentials an admin stores; unset: none can be stored. */
  secretsKey?: string | undefined;
  /** Which Ads API credentials the environment sets (they win over stored ones). */
  credentialsFromEnvironment?: ReadonlySet<'client_id' | 'client_secret' | 'refresh_token'>;
}

export interface AuthDeps {
  db: Db;
  log: Logger;
  now: () => Date;
  config: AuthConfig;
}

export const SESSION_COOKIE = 'recdesk.sid';
export const STREAM_SECRET_HEADER = 'x-recdesk-stream-secret';

/** What an identity provider sends back: the code flow's fields, and whatever else it adds (read by openid-client). */
const OidcCallbackQuerySchema = z.looseObject({ code: z.string().optional(), state: z.string().optional(), iss: z.string().optional() });

function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isLocalhost(hostname: string): boolean {
  return (
    hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '::1' || hostname === '[::1]' || hostname.endsWith('.localhost')
  );
}

function streamSecretOf(req: Request): string | undefined {
  const header = req.get(STREAM_SECRET_HEADER);
  if (header) return header;
  // An SNS HTTPS subscription cannot add headers, but it sends the URL's user:password as HTTP Basic.
  const basic = /^Basic (.+)$/i.exec(req.get('authorization') ?? '');
  if (!basic?.[1]) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

export type Auth = ReturnType<typeof createAuth>;

export function createAuth(deps: AuthDeps) {
  const { db, log, now, config } = deps;
  const users = new UserStore(db, now, config.passwordCost);
  const audit = new AuditLog(db, now);
  const policies = new ApprovalPolicyStore(db, now);
  const sessions = new KyselySessionStore(db, now, config.sessionIdleHours * 3_600_000);
  const throttle = new LoginThrottle(config.throttle, config.counterStore);
  const rateLimit = new ApiRateLimit(config.apiRateLimitPerMinute, config.counterStore);
  const oidc = config.oidc ? new OidcSignIn(config.oidc, now) : null;
  const adsCredentials = new AdsCredentialsStore(db, now, log, config.secretsKey, config.credentialsFromEnvironment);
  // One session configuration. `secure: 'auto'` makes express-session mark the cookie Secure (and send it) exactly
  // when it sees `req.secure`; `httpsForCookies` below sets that for every request whose cookie must be Secure.
  const expressSession = session({
    name: SESSION_COOKIE,
    secret: [...config.sessionSecrets],
    store: sessions,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    unset: 'destroy',
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', path: '/', maxAge: config.sessionIdleHours * 3_600_000 },
  });
  /**
   * The session cookie is Secure when the request came over HTTPS (directly, or through a trusted proxy's
   * X-Forwarded-Proto: Express's `req.secure` with `trust proxy`) and for every host but localhost, even over plain
   * HTTP: there a TLS-terminating proxy that is not trusted (TRUST_PROXY unset) must not downgrade the cookie, and a
   * real plain-HTTP deployment then fails closed (the browser drops the cookie) instead of leaking it.
   */
  const httpsForCookies: RequestHandler = (req, res, next) => {
    if (!req.secure && !isLocalhost(req.hostname)) Object.defineProperty(req, 'secure', { value: true, configurable: true });
    expressSession(req, res, next);
  };

  const security: RequestHandler = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
  });

  /** Refuses an API request made by another site's page: the browser names it in Sec-Fetch-Site and Origin. */
  const sameOrigin: RequestHandler = (req, _res, next) => {
    const site = req.get('sec-fetch-site');
    if (site && site !== 'same-origin' && site !== 'none') {
      throw new ForbiddenError('Requests from other sites are refused.');
    }
    const origin = req.get('origin');
    if (origin !== undefined) {
      let host: string | null = null;
      try {
        host = new URL(origin).host;
      } catch {
        host = null;
      }
      if (host === null || host !== req.get('host')) throw new ForbiddenError('Requests from other sites are refused.');
    }
    next();
  };

  /** The session, the user it names (reloaded on every request, so a role change or revocation is immediate), the scope. */
  const loadUser: RequestHandler = async (req, _res, next) => {
    const data = req.session;
    // A stored session keeps the flag it was created with; the request decides (see httpsForCookies).
    if (data?.cookie) data.cookie.secure = req.secure;
    let user: User | null = null;
    if (data?.userId) {
      user = await users.get(data.userId);
      const tooOld = now().getTime() - (data.signedInAt ?? 0) > config.sessionMaxAgeHours * 3_600_000;
      if (!user?.active || tooOld) {
        user = null;
        await new Promise<void>((resolve) => data.destroy(() => resolve()));
      }
    }
    if (user) setUserOf(req, user);
    withinScope(user ? scopeOfUser(user) : ALL_ADVERTISERS, next);
  };

  const sessionMiddleware: RequestHandler[] = [httpsForCookies, loadUser];

  /** The advertiser ids a request names where its declaration says (one or a list); the rest is the schemas' job. */
  const advertisersNamed = (req: Request, source: AdvertiserSource): string[] => {
    if (source.from !== 'param' && source.from !== 'query' && source.from !== 'body') return [];
    const holder: Record<string, unknown> =
      source.from === 'param' ? req.params : source.from === 'query' ? (req.query as Record<string, unknown>) : (req.body ?? {});
    const value = typeof holder === 'object' && holder !== null ? holder[source.field] : undefined;
    return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
  };

  /** The checks a route's declaration names, in order; mounted with the route, so no route exists without them. */
  function gate(route: AnyApiRoute): RequestHandler[] {
    const checks: RequestHandler[] = [];
    // Default deny: an access this gate does not know is no route at all.
    if (!ACCESS.includes(route.access)) throw new Error(`${route.method} ${route.path}: unknown access ${String(route.access)}`);
    if (route.access === 'stream-secret') {
      checks.push((req, _res, next) => {
        if (!config.streamSharedSecret || !sameSecret(streamSecretOf(req), config.streamSharedSecret)) {
          throw new UnauthenticatedError('Marketing Stream deliveries must carry the shared secret (STREAM_SHARED_SECRET).');
        }
        next();
      });
    } else if (route.access !== 'public') {
      const change = changesState(route);
      checks.push(async (req, res, next) => {
        const user = userOf(req);
        if (!user) throw new UnauthenticatedError();
        const wait = await rateLimit.take(user.id);
        if (wait > 0) {
          res.set('Retry-After', String(wait));
          throw new TooManyRequestsError(`Too many requests; try again in ${wait} s.`, wait);
        }
        if (change) {
          const token = req.session.csrfToken;
          if (!token || !sameSecret(req.get(CSRF_HEADER), token)) {
            throw new ForbiddenError(`A change needs the ${CSRF_HEADER} header from GET /api/auth/me; reload the page and try again.`);
          }
          if (user.role === 'viewer' && route.access !== 'signed-in') {
            throw new ForbiddenError('Viewers can look but not change anything; ask an admin for the approver role.');
          }
        }
        // An advertiser outside the scope does not exist, whatever the role.
        for (const advertiserId of advertisersNamed(req, route.advertiser)) {
          if (!scopeIncludes(scopeOfUser(user), advertiserId)) throw new NotFoundError('Advertiser', advertiserId);
        }
        const role = route.access;
        if ((role === 'approver' || role === 'admin') && ROLE_RANK[user.role] < ROLE_RANK[role]) {
          throw new ForbiddenError(`Only an ${role} can do this.`);
        }
        if (route.audits === 'rule-change')
          await auditRuleChange(db, audit, req, res, user.email, typeof req.params.id === 'string' ? req.params.id : undefined);
        next();
      });
    }
    if (route.advertiser.from === 'system') checks.push((_req, _res, next) => asSystem(next));
    return checks;
  }

  const actorName = (req: Request) => userOf(req)?.email ?? 'anonymous';

  function sessionInfo(user: User, req: Request): SessionInfo {
    return { user, csrfToken: req.session.csrfToken ?? '' };
  }

  const routes: AnyApiRoute[] = [];

  routes.push(
    apiRoute({
      method: 'post',
      path: '/auth/login',
      access: 'public',
      advertiser: { from: 'none' },
      summary: 'Sign in with email and password: sets the session cookie (httpOnly) and returns the user and the CSRF token',
      request: { body: LoginBodySchema },
      responses: {
        200: json('Signed in', SessionInfoSchema),
        401: problem('Wrong email or password'),
        429: problem('Too many failed sign-ins for this account or address (Retry-After)'),
      },
      handler: async (input, req, res) => {
        const { email, password } = input.body;
        const address = req.ip ?? 'unknown';
        const wait = await throttle.retryAfterSeconds(email, address);
        if (wait > 0) {
          await audit.record({ actor: email, action: 'auth.sign_in_failed', ip: address, details: { reason: 'locked' } });
          res.set('Retry-After', String(wait));
          throw new TooManyRequestsError(`Too many failed sign-ins; try again in ${Math.ceil(wait / 60)} min.`, wait);
        }
        const credentials = await users.credentialsOf(email);
        let ok = false;
        if (credentials?.passwordHash) ok = await verifyPassword(password, credentials.passwordHash);
        else await burnPasswordCheck(password, config.passwordCost);
        if (!credentials || !ok || !credentials.active) {
          await throttle.recordFailure(email, address);
          await audit.record({
            actor: email,
            action: 'auth.sign_in_failed',
            ip: address,
            details: { reason: ok && credentials && !credentials.active ? 'deactivated' : 'wrong email or password' },
          });
          throw new UnauthenticatedError('The email or the password is wrong.');
        }
        await throttle.recordSuccess(email);
        const user = await signInAs(req, credentials.id, { method: 'password' });
        res.json(sessionInfo(user, req));
      },
    }),
  );

  /** The one way a session starts, whatever proved who the person is (password or identity provider). */
  async function signInAs(req: Request, userId: string, details: Record<string, unknown>): Promise<User> {
    // A new session id at sign-in: an id planted before (session fixation) is worth nothing.
    await new Promise<void>((resolve, reject) => req.session.regenerate((error) => (error ? reject(error) : resolve())));
    req.session.userId = userId;
    req.session.signedInAt = now().getTime();
    req.session.csrfToken = randomBytes(32).toString('base64url');
    await new Promise<void>((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
    await users.recordSignIn(userId);
    const user = (await users.get(userId)) as User;
    await audit.record({ actor: user.email, action: 'auth.sign_in', targetType: 'user', targetId: userId, ip: req.ip ?? null, details });
    return user;
  }

  routes.push(
    apiRoute({
      method: 'get',
      path: '/auth/config',
      access: 'public',
      advertiser: { from: 'none' },
      summary: 'How one may sign in here: password, and OpenID Connect when configured (no session needed)',
      responses: { 200: json('Sign-in methods', AuthConfigSchema) },
      handler: (_input, _req, res) => {
        const body: AuthConfigBody = {
          password: true,
          oidc: config.oidc ? { providerName: config.oidc.providerName, startUrl: '/api/auth/oidc/start' } : null,
        };
        res.json(body);
      },
    }),
  );

  routes.push(
    apiRoute({
      method: 'get',
      path: '/auth/oidc/start',
      access: 'public',
      advertiser: { from: 'none' },
      summary: 'Start OpenID Connect sign-in: redirects to the identity provider (code flow with PKCE, state and nonce)',
      responses: { 302: { description: 'To the identity provider' }, 404: problem('OpenID Connect is not configured') },
      handler: async (_input, req, res) => {
        if (!oidc) throw new NotFoundError('Sign-in method', 'oidc');
        const { url, pending } = await oidc.start();
        req.session.oidcPending = pending;
        await new Promise<void>((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
        res.redirect(302, url.href);
      },
    }),
  );

  routes.push(
    apiRoute({
      method: 'get',
      path: '/auth/oidc/callback',
      access: 'public',
      advertiser: { from: 'none' },
      summary: "The identity provider's redirect back: checks state, PKCE, nonce and the ID token, then starts the session",
      request: { query: OidcCallbackQuerySchema },
      responses: {
        302: { description: 'Signed in: to the app' },
        401: problem('The provider did not confirm the sign-in, or no RecDesk user has this verified email'),
        404: problem('OpenID Connect is not configured'),
      },
      handler: async (_input, req, res) => {
        if (!oidc) throw new NotFoundError('Sign-in method', 'oidc');
        const pending = req.session.oidcPending;
        // Used once: a replayed callback finds nothing to finish.
        delete req.session.oidcPending;
        const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
        const failed = async (actor: string, reason: string) =>
          audit.record({ actor, action: 'auth.sign_in_failed', ip: req.ip ?? null, details: { method: 'oidc', reason } });
        let identity: Awaited<ReturnType<OidcSignIn['finish']>>;
        try {
          identity = await oidc.finish(query, pending);
        } catch (error) {
          if (!(error instanceof OidcRefusal)) throw error;
          await failed('oidc', error.reason);
          throw new UnauthenticatedError(error.message);
        }
        let account = await users.getByEmail(identity.email);
        if (!account && config.oidc?.autoCreate) {
          account = await users.create({
            email: identity.email,
            name: identity.name ?? undefined,
            role: 'viewer',
            oidcSubject: identity.subject,
            allAdvertisers: false,
            advertiserIds: [],
          });
          await audit.record({
            actor: `oidc:${identity.email}`,
            action: 'user.created',
            targetType: 'user',
            targetId: account.id,
            ip: req.ip ?? null,
            details: { email: account.email, role: account.role, allAdvertisers: false, advertiserIds: [], via: 'oidc' },
          });
        }
        if (!account?.active) {
          await failed(identity.email, account ? 'deactivated' : 'no such user');
          throw new UnauthenticatedError(
            account ? 'This account is deactivated.' : 'No RecDesk user has this email; ask an admin to create one.',
          );
        }
        await signInAs(req, account.id, { method: 'oidc', subject: identity.subject });
        res.redirect(302, '/');
      },
    }),
  );

  routes.push(
    apiRoute({
      method: 'post',
      path: '/auth/logout',
      access: 'signed-in',
      advertiser: { from: 'none' },
      summary: 'Sign out: the session ends',
      responses: { 204: { description: 'Signed out' } },
      handler: async (_input, req, res) => {
        const user = userOf(req);
        if (user)
          await audit.record({ actor: user.email, action: 'auth.sign_out', targetType: 'user', targetId: user.id, ip: req.ip ?? null });
        await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
        res.clearCookie(SESSION_COOKIE, { path: '/' });
        res.status(204).end();
      },
    }),
  );

  routes.push(
    apiRoute({
      method: 'get',
      path: '/auth/me',
      access: 'signed-in',
      advertiser: { from: 'none' },
      summary: 'Who is signed in, and the CSRF token every state-changing request sends in x-csrf-token',
      responses: { 200: json('The session', SessionInfoSchema) },
      handler: (_input, req, res) => {
        const user = userOf(req);
        if (!user) throw new UnauthenticatedError();
        res.json(sessionInfo(user, req));
      },
    }),
  );

  routes.push(
    apiRoute({
      method: 'get',
      path: '/users',
      access: 'admin',
      advertiser: { from: 'none' },
      summary: 'Every user with their role and advertisers (admins)',
      responses: { 200: json('Users', UserListSchema) },
      handler: async (_input, _req, res) => {
        res.json({ items: await users.list() });
      },
    }),
  );

  routes.push(
    apiRoute({
      method: 'post',
      path: '/users',
      access: 'admin',
      advertiser: { from: 'none' },
      summary: 'Create a user (admins; audited)',
      request: { body: CreateUserBodySchema },
      responses: { 201: json('Created', UserSchema), 409: problem('Email taken') },
      handler: async (input, req, res) => {
        const body = input.body;
        const user = await users.create(body);
        await audit.record({
          actor: actorName(req),
          action: 'user.created',
          targetType: 'user',
          targetId: user.id,
          ip: req.ip ?? null,
          details: { email: user.email, role: user.role, allAdvertisers: user.allAdvertisers, advertiserIds: user.advertiserIds },
        });
        res.status(201).json(user);
      },
    }),
  );

  routes.push(
    apiRoute({
      method: 'get',
      path: '/users/:id',
      access: 'admin',
      advertiser: { from: 'none' },
      summary: 'One user (admins)',
      request: { params: UserIdParamsSchema },
      responses: { 200: json('The user', UserSchema), 404: problem('No such user') },
      handler: async (input, _req, res) => {
        const { id } = input.params;
        const user = await users.get(id);
        if (!user) throw new NotFoundError('User', id);
        res.json(user);
      },
    }),
  );

  routes.push(
    apiRoute({
      method: 'put',
      path: '/users/:id',
      access: 'admin',
      advertiser: { from: 'none' },
      summary: 'Change role, advertisers, name, password or active (admins; audited; deactivation signs out)',
      request: { params: UserIdParamsSchema, body: UpdateUserBodySchema },
      responses: { 200: json('The user after', UserSchema), 404: problem('No such user') },
      handler: async (input, req, res) => {
        const { id } = input.params;
        const change = input.body;
        const current = await users.get(id);
        if (!current) throw new NotFoundError('User', id);
        const losesAdmin = current.role === 'admin' && ((change.role !== undefined && change.role !== 'admin') || change.active === false);
        if (losesAdmin && (await users.list()).filter((u) => u.role === 'admin' && u.active).length <= 1) {
          throw new ForbiddenError('This is the last active admin; make another admin first.');
        }
        const { before, after } = await users.update(id, change);
        if (change.active === false || change.password !== undefined) await sessions.revokeUser(id);
        const summary = (u: User) => ({ role: u.role, allAdvertisers: u.allAdvertisers, advertiserIds: u.advertiserIds, active: u.active });
        await audit.record({
          actor: actorName(req),
          action: 'user.updated',
          targetType: 'user',
          targetId: id,
          ip: req.ip ?? null,
          details: { email: after.email, before: summary(before), after: summary(after), passwordChanged: change.password !== undefined },
        });
        res.json(after);
      },
    }),
  );

  routes.push(
    apiRoute({
      method: 'delete',
      path: '/users/:id/sessions',
      access: 'admin',
      advertiser: { from: 'none' },
      summary: 'End every session of a user (admins; audited)',
      request: { params: UserIdParamsSchema },
      responses: { 200: json('How many ended', z.object({ revoked: z.number().int() })), 404: problem('No such user') },
      handler: async (input, req, res) => {
        const { id } = input.params;
        const user = await users.get(id);
        if (!user) throw new NotFoundError('User', id);
        const revoked = await sessions.revokeUser(id);
        await audit.record({
          actor: actorName(req),
          action: 'user.sessions_revoked',
          targetType: 'user',
          targetId: id,
          ip: req.ip ?? null,
          details: { email: user.email, revoked },
        });
        res.json({ revoked });
      },
    }),
  );

  routes.push(
    apiRoute({
      method: 'get',
      path: '/admin/ads-credentials',
      access: 'admin',
      advertiser: { from: 'none' },
      summary: 'Which Ads API credentials are set and where from (set / last 4 / who / when; never the values) (admins)',
      responses: { 200: json('Status', AdsCredentialsStatusSchema) },
      handler: async (_input, _req, res) => {
        res.json(await adsCredentials.status());
      },
    }),
  );

  routes.push(
    apiRoute({
      method: 'put',
      path: '/admin/ads-credentials',
      access: 'admin',
      advertiser: { from: 'none' },
      summary: 'Store LWA client id, client secret and/or refresh token encrypted (RECDESK_SECRETS_KEY) (admins; audited)',
      request: { body: AdsCredentialsBodySchema },
      responses: {
        200: json('Status after (never the values)', AdsCredentialsStatusSchema),
        409: problem('RECDESK_SECRETS_KEY is not set'),
      },
      handler: async (input, req, res) => {
        const body = input.body;
        const changed = await adsCredentials.store(body, actorName(req));
        // Which credentials changed, never their values (nor their last characters: the status shows those to admins).
        await audit.record({
          actor: actorName(req),
          action: 'credentials.changed',
          targetType: 'ads_credentials',
          ip: req.ip ?? null,
          details: { changed },
        });
        res.json(await adsCredentials.status());
      },
    }),
  );

  routes.push(
    apiRoute({
      method: 'get',
      path: '/audit',
      access: 'admin',
      advertiser: { from: 'none' },
      summary: 'The append-only audit log, newest first, filtered; format=csv exports it (admins)',
      request: { query: AuditQuerySchema },
      responses: {
        200: {
          description: 'A page of entries, or CSV',
          content: { 'application/json': { schema: AuditPageSchema }, 'text/csv': { schema: z.string() } },
        },
      },
      handler: async (input, _req, res) => {
        const { format, ...query } = input.query;
        const page = await audit.list(query);
        if (format === 'csv') {
          res.type('text/csv').attachment('recdesk-audit.csv').send(auditCsv(page.items));
          return;
        }
        res.json(page);
      },
    }),
  );

  routes.push(
    apiRoute({
      method: 'get',
      path: '/advertisers/:advertiserId/approval-policy',
      access: 'signed-in',
      advertiser: { from: 'param', field: 'advertiserId' },
      summary: "The advertiser's two-person rule: the amount above which an approval needs a second approver",
      request: { params: AdvertiserParamsSchema },
      responses: { 200: json('The policy', ApprovalPolicySchema) },
      handler: async (input, _req, res) => {
        res.json(await policies.get(input.params.advertiserId));
      },
    }),
  );

  routes.push(
    apiRoute({
      method: 'put',
      path: '/advertisers/:advertiserId/approval-policy',
      access: 'admin',
      advertiser: { from: 'param', field: 'advertiserId' },
      summary:
        'Set the two-person thresholds, an amount and a percentage (admins; audited); a field left out keeps its value, null switches it off',
      request: { params: AdvertiserParamsSchema, body: ApprovalPolicyBodySchema },
      responses: { 200: json('The policy after', ApprovalPolicySchema) },
      handler: async (input, req, res) => {
        const { advertiserId } = input.params;
        const { before, after } = await policies.set(advertiserId, input.body);
        await audit.record({
          actor: actorName(req),
          action: 'approval_policy.changed',
          targetType: 'advertiser',
          targetId: advertiserId,
          advertiserId,
          ip: req.ip ?? null,
          details: {
            before: before.secondApproverAbove,
            after: after.secondApproverAbove,
            beforePercent: before.secondApproverAbovePercent,
            afterPercent: after.secondApproverAbovePercent,
          },
        });
        res.json(after);
      },
    }),
  );

  return {
    trustProxy: config.trustProxy ?? 0,
    users,
    audit,
    policies,
    sessions,
    adsCredentials,
    throttle,
    /** helmet, for every response. */
    security,
    /** For /api: refuse other sites' requests. */
    sameOrigin,
    /** For /api: the session and the user's scope. */
    session: sessionMiddleware,
    /** The checks a route's declaration names, mounted with it (http/api-route.ts mountApiRoutes). */
    gate,
    /** Sign-in, users, the audit log, credentials and approval policies. */
    routes: routes as readonly AnyApiRoute[],
  };
}

/** Role names in the order of what they may do. */
export const ROLE_RANK: Readonly<Record<Role, number>> = { viewer: 0, approver: 1, admin: 2 };
