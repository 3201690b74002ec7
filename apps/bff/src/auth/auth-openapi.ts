/** The OpenAPI paths of sign-in, users, the audit log, approval policies and stored credentials (src/auth). */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import {
  AdsCredentialsBodySchema,
  AdsCredentialsStatusSchema,
  AdvertiserParamsSchema,
  ApprovalPolicyBodySchema,
  ApprovalPolicySchema,
  AuditPageSchema,
  AuditQuerySchema,
  AuthConfigSchema,
  CreateUserBodySchema,
  LoginBodySchema,
  ProblemSchema,
  SessionInfoSchema,
  UpdateUserBodySchema,
  UserIdParamsSchema,
  UserListSchema,
  UserSchema,
} from '@recdesk/shared-types';
import { z } from 'zod';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const body = (schema: z.ZodType) => ({ body: { content: { 'application/json': { schema } } } });
const CSRF = { headers: z.object({ 'x-csrf-token': z.string() }) };
const DENIED = { 401: problem('No session'), 403: problem('Not allowed for this role, or the CSRF token is missing') };

export function registerAuthPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/auth/config',
    summary: 'How one may sign in here: password, and OpenID Connect when configured (no session needed)',
    responses: { 200: json('Sign-in methods', AuthConfigSchema) },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Sign in with email and password: sets the session cookie (httpOnly) and returns the user and the CSRF token',
    request: body(LoginBodySchema),
    responses: {
      200: json('Signed in', SessionInfoSchema),
      400: problem('Invalid body'),
      401: problem('Wrong email or password'),
      429: problem('Too many failed sign-ins for this account or address (Retry-After)'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/auth/logout',
    summary: 'Sign out: the session ends',
    request: CSRF,
    responses: { 204: { description: 'Signed out' }, ...DENIED },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/auth/me',
    summary: 'Who is signed in, and the CSRF token every state-changing request sends in x-csrf-token',
    responses: { 200: json('The session', SessionInfoSchema), 401: problem('No session') },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/auth/oidc/start',
    summary: 'Start OpenID Connect sign-in: redirects to the identity provider (code flow with PKCE, state and nonce)',
    responses: { 302: { description: 'To the identity provider' }, 404: problem('OpenID Connect is not configured') },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/auth/oidc/callback',
    summary: "The identity provider's redirect back: checks state, PKCE, nonce and the ID token, then starts the session",
    request: { query: z.object({ code: z.string(), state: z.string(), iss: z.string().optional() }) },
    responses: {
      302: { description: 'Signed in: to the app' },
      401: problem('The provider did not confirm the sign-in, or no RecDesk user has this verified email'),
      404: problem('OpenID Connect is not configured'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/users',
    summary: 'Every user with their role and advertisers (admins)',
    responses: { 200: json('Users', UserListSchema), ...DENIED },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/users',
    summary: 'Create a user (admins; audited)',
    request: { ...CSRF, ...body(CreateUserBodySchema) },
    responses: { 201: json('Created', UserSchema), 400: problem('Invalid body'), 409: problem('Email taken'), ...DENIED },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/users/{id}',
    summary: 'One user (admins)',
    request: { params: UserIdParamsSchema },
    responses: { 200: json('The user', UserSchema), 404: problem('No such user'), ...DENIED },
  });
  registry.registerPath({
    method: 'put',
    path: '/api/users/{id}',
    summary: 'Change role, advertisers, name, password or active (admins; audited; deactivation signs out)',
    request: { ...CSRF, params: UserIdParamsSchema, ...body(UpdateUserBodySchema) },
    responses: { 200: json('The user after', UserSchema), 400: problem('Invalid body'), 404: problem('No such user'), ...DENIED },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/users/{id}/sessions',
    summary: 'End every session of a user (admins; audited)',
    request: { ...CSRF, params: UserIdParamsSchema },
    responses: { 200: json('How many ended', z.object({ revoked: z.number().int() })), 404: problem('No such user'), ...DENIED },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/audit',
    summary: 'The append-only audit log, newest first, filtered; format=csv exports it (admins)',
    request: { query: AuditQuerySchema },
    responses: {
      200: {
        description: 'A page of entries, or CSV',
        content: { 'application/json': { schema: AuditPageSchema }, 'text/csv': { schema: z.string() } },
      },
      400: problem('Invalid query'),
      ...DENIED,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/advertisers/{advertiserId}/approval-policy',
    summary: "The advertiser's two-person rule: the amount above which an approval needs a second approver",
    request: { params: AdvertiserParamsSchema },
    responses: { 200: json('The policy', ApprovalPolicySchema), 404: problem('Advertiser outside your scope'), 401: problem('No session') },
  });
  registry.registerPath({
    method: 'put',
    path: '/api/advertisers/{advertiserId}/approval-policy',
    summary: 'Set the two-person threshold (admins; audited); null: one approver is always enough',
    request: { ...CSRF, params: AdvertiserParamsSchema, ...body(ApprovalPolicyBodySchema) },
    responses: {
      200: json('The policy after', ApprovalPolicySchema),
      400: problem('Invalid body'),
      404: problem('Advertiser outside your scope'),
      ...DENIED,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/admin/ads-credentials',
    summary: 'Which Ads API credentials are set and where from (set / last 4 / who / when; never the values) (admins)',
    responses: { 200: json('Status', AdsCredentialsStatusSchema), ...DENIED },
  });
  registry.registerPath({
    method: 'put',
    path: '/api/admin/ads-credentials',
    summary: 'Store LWA client id, client secret and/or refresh token encrypted (RECDESK_SECRETS_KEY) (admins; audited)',
    request: { ...CSRF, ...body(AdsCredentialsBodySchema) },
    responses: {
      200: json('Status after (never the values)', AdsCredentialsStatusSchema),
      400: problem('Invalid body'),
      409: problem('RECDESK_SECRETS_KEY is not set'),
      ...DENIED,
    },
  });
}
