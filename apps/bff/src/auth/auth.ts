/**
 * The auth component's one public module: who is signed in, what they may see and do, and what keeps strangers out.
 * `createAuth` builds it from the database and the configuration; `createApp` mounts, in this order:
 *   - `security`: helmet's headers with a strict Content-Security-Policy, for the SPA and the API alike;
 *   - `sameOrigin`: an API request from another site (Origin or Sec-Fetch-Site) is refused; no CORS header is ever
 *     sent, so browsers keep other sites' scripts out;
 *   - `session`: express-session (cookie `recdesk.sid`: httpOnly, SameSite=Lax, Secure over HTTPS and outside
 *     localhost, signed with session-secrets.ts's list) over the database, then the user is loaded and the request
 *     runs within that user's advertiser scope (scope.ts);
 *   - `guard`: every route needs a session except the public ones below; a state-changing request needs the session's
 *     CSRF token in `x-csrf-token`; viewers change nothing; admin-only routes; a rate limit per user;
 *   - `routes`: sign-in, users, the audit log and the approval policies.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  AdsCredentialsBodySchema,
  AdvertiserParamsSchema,
  ApprovalPolicyBodySchema,
  AuditQuerySchema,
  type AuthConfig as AuthConfigBody,
  CreateUserBodySchema,
  CSRF_HEADER,
  LoginBodySchema,
  type Role,
  type SessionInfo,
  UpdateUserBodySchema,
  type User,
  UserIdParamsSchema,
} from '@recdesk/shared-types';
import express, { type NextFunction, type Request, type RequestHandler, type Response, Router } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { NotFoundError } from '../http/errors.ts';
import { parseBody, parseParams, parseQuery, refuseQuery } from '../http/validate.ts';
import { AdsCredentialsStore } from './ads-credentials-store.ts';
import { ApprovalPolicyStore } from './approval-policy.ts';
import { AuditLog, auditCsv } from './audit-log.ts';
import { ForbiddenError, TooManyRequestsError, UnauthenticatedError } from './auth-errors.ts';
import { ApiRateLimit, type CounterStore, LoginThrottle, type ThrottleLimits } from './login-throttle.ts';
import { type OidcConfig, OidcRefusal, OidcSignIn } from './oidc-sign-in.ts';
import { burnPasswordCheck, type ScryptCost, verifyPassword } from './password.ts';
import { setUserOf, userOf } from './request-user.ts';
import { auditRuleChange } from './rule-change-audit.ts';
import { ALL_ADVERTISERS, currentScope, scopeIncludes, withinScope } from './scope.ts';
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

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Reachable without a session (paths below /api). */
const PUBLIC_ROUTES: ReadonlyArray<readonly [string, string]> = [
  ['GET', '/health'],
  ['HEAD', '/health'],
  ['GET', '/openapi.json'],
  ['POST', '/auth/login'],
  ['GET', '/auth/config'],
  ['GET', '/auth/oidc/start'],
  ['GET', '/auth/oidc/callback'],
];
const STREAM_ROUTE = '/stream/messages';

/** Only admins: users, the audit log, and writes to rules, credentials and per-advertiser policies. */
function adminOnly(method: string, path: string): boolean {
  if (/^\/(users|audit|admin)(\/|$)/.test(path)) return true;
  if (!STATE_CHANGING.has(method)) return false;
  return /^\/(rules|credentials)(\/|$)/.test(path) || /^\/advertisers\/[^/]+\/(approval-policy|guardrails)\/?$/.test(path);
}

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

  const guard: RequestHandler = async (req, res, next) => {
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (req.path === STREAM_ROUTE && method === 'POST') {
      if (!config.streamSharedSecret || !sameSecret(streamSecretOf(req), config.streamSharedSecret)) {
        throw new UnauthenticatedError('Marketing Stream deliveries must carry the shared secret (STREAM_SHARED_SECRET).');
      }
      return next();
    }
    if (PUBLIC_ROUTES.some(([m, p]) => m === req.method && p === req.path)) return next();
    const user = userOf(req);
    if (!user) throw new UnauthenticatedError();
    const wait = await rateLimit.take(user.id);
    if (wait > 0) {
      res.set('Retry-After', String(wait));
      throw new TooManyRequestsError(`Too many requests; try again in ${wait} s.`, wait);
    }
    if (STATE_CHANGING.has(method)) {
      const token = req.session.csrfToken;
      if (!token || !sameSecret(req.get(CSRF_HEADER), token)) {
        throw new ForbiddenError(`A change needs the ${CSRF_HEADER} header from GET /api/auth/me; reload the page and try again.`);
      }
      if (user.role === 'viewer' && req.path !== '/auth/logout') {
        throw new ForbiddenError('Viewers can look but not change anything; ask an admin for the approver role.');
      }
    }
    // Any per-advertiser route (guardrails, approval policy, later ones): an advertiser outside the scope does not exist.
    const advertiser = /^\/advertisers\/([^/]+)(\/|$)/.exec(req.path)?.[1];
    if (advertiser !== undefined && !scopeIncludes(scopeOfUser(user), decodeURIComponent(advertiser))) {
      throw new NotFoundError('Advertiser', decodeURIComponent(advertiser));
    }
    if (adminOnly(method, req.path) && user.role !== 'admin') throw new ForbiddenError('Only an admin can do this.');
    if (STATE_CHANGING.has(method)) await auditRuleChange(db, audit, req, res, user.email);
    next();
  };

  const actorName = (req: Request) => userOf(req)?.email ?? 'anonymous';

  function sessionInfo(user: User, req: Request): SessionInfo {
    return { user, csrfToken: req.session.csrfToken ?? '' };
  }

  const routes = Router();

  routes.post('/auth/login', async (req, res) => {
    refuseQuery(req);
    const { email, password } = parseBody(LoginBodySchema, req);
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
  });

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

  routes.get('/auth/config', (req, res) => {
    refuseQuery(req);
    const body: AuthConfigBody = {
      password: true,
      oidc: config.oidc ? { providerName: config.oidc.providerName, startUrl: '/api/auth/oidc/start' } : null,
    };
    res.json(body);
  });

  routes.get('/auth/oidc/start', async (req, res) => {
    refuseQuery(req);
    if (!oidc) throw new NotFoundError('Sign-in method', 'oidc');
    const { url, pending } = await oidc.start();
    req.session.oidcPending = pending;
    await new Promise<void>((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
    res.redirect(302, url.href);
  });

  routes.get('/auth/oidc/callback', async (req, res) => {
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
  });

  routes.post('/auth/logout', async (req, res) => {
    refuseQuery(req);
    const user = userOf(req);
    if (user) await audit.record({ actor: user.email, action: 'auth.sign_out', targetType: 'user', targetId: user.id, ip: req.ip ?? null });
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  routes.get('/auth/me', (req, res) => {
    refuseQuery(req);
    const user = userOf(req);
    if (!user) throw new UnauthenticatedError();
    res.json(sessionInfo(user, req));
  });

  routes.get('/users', async (req, res) => {
    refuseQuery(req);
    res.json({ items: await users.list() });
  });

  routes.post('/users', async (req, res) => {
    refuseQuery(req);
    const body = parseBody(CreateUserBodySchema, req);
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
  });

  routes.get('/users/:id', async (req, res) => {
    refuseQuery(req);
    const { id } = parseParams(UserIdParamsSchema, req);
    const user = await users.get(id);
    if (!user) throw new NotFoundError('User', id);
    res.json(user);
  });

  routes.put('/users/:id', async (req, res) => {
    refuseQuery(req);
    const { id } = parseParams(UserIdParamsSchema, req);
    const change = parseBody(UpdateUserBodySchema, req);
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
  });

  routes.delete('/users/:id/sessions', async (req, res) => {
    refuseQuery(req);
    const { id } = parseParams(UserIdParamsSchema, req);
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
  });

  routes.get('/admin/ads-credentials', async (req, res) => {
    refuseQuery(req);
    res.json(await adsCredentials.status());
  });

  routes.put('/admin/ads-credentials', async (req, res) => {
    refuseQuery(req);
    const body = parseBody(AdsCredentialsBodySchema, req);
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
  });

  routes.get('/audit', async (req, res) => {
    const { format, ...query } = parseQuery(AuditQuerySchema, req);
    const page = await audit.list(query);
    if (format === 'csv') {
      res.type('text/csv').attachment('recdesk-audit.csv').send(auditCsv(page.items));
      return;
    }
    res.json(page);
  });

  const visibleAdvertiser = (req: Request): string => {
    const { advertiserId } = parseParams(AdvertiserParamsSchema, req);
    if (!scopeIncludes(currentScope(), advertiserId)) throw new NotFoundError('Advertiser', advertiserId);
    return advertiserId;
  };

  routes.get('/advertisers/:advertiserId/approval-policy', async (req, res) => {
    refuseQuery(req);
    res.json(await policies.get(visibleAdvertiser(req)));
  });

  routes.put('/advertisers/:advertiserId/approval-policy', async (req, res) => {
    refuseQuery(req);
    const advertiserId = visibleAdvertiser(req);
    const { before, after } = await policies.set(advertiserId, parseBody(ApprovalPolicyBodySchema, req));
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
  });

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
    /** For /api: the switch that makes every route but the public ones need a session (see PUBLIC_ROUTES). */
    guard,
    routes,
  };
}

/** Role names in the order of what they may do. */
export const ROLE_RANK: Readonly<Record<Role, number>> = { viewer: 0, approver: 1, admin: 2 };

/** For a route of another component that needs more than the guard's defaults. */
export function requireRole(role: Role): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const user = userOf(req);
    if (!user) throw new UnauthenticatedError();
    if (ROLE_RANK[user.role] < ROLE_RANK[role]) throw new ForbiddenError(`Only an ${role} can do this.`);
    next();
  };
}

/** Body limits of the API: JSON only, small. */
export const jsonBody = express.json({ limit: '256kb' });
