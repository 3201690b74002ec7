/**
 * Contracts of sign-in, users, their roles and advertiser scope, and the audit log. A user is a viewer (reads), an
 * approver (reads and acts) or an admin (also manages users, rules and credentials); each is granted a set of
 * advertisers or all of them. Nothing here ever carries a password hash, a session id or an Ads API token.
 */
import { z } from 'zod';
import { safeText } from './safe-input.ts';

export const ROLES = ['viewer', 'approver', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

const EmailSchema = safeText()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: 'must be an email address' }));
/** Long enough to resist guessing; the upper bound keeps hashing cheap to refuse. */
export const PasswordSchema = safeText().min(12, { message: 'must be at least 12 characters' }).max(200);
const AdvertiserIdSchema = safeText().trim().min(1).max(100);

export const UserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  /** True: every advertiser, now and later; false: only `advertiserIds`. */
  allAdvertisers: z.boolean(),
  advertiserIds: z.array(z.string()),
  active: z.boolean(),
  createdAt: z.iso.datetime(),
  lastSignInAt: z.iso.datetime().nullable(),
});
export type User = z.infer<typeof UserSchema>;

export const LoginBodySchema = z.strictObject({
  email: EmailSchema,
  password: safeText().min(1).max(200),
});
export type LoginBody = z.infer<typeof LoginBodySchema>;

/** `POST /api/auth/login` and `GET /api/auth/me`: who is signed in, and the token every state-changing request sends. */
export const SessionInfoSchema = z.object({
  user: UserSchema,
  /** Sent back in the `x-csrf-token` header of every POST, PUT, PATCH and DELETE. */
  csrfToken: z.string(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

export const CSRF_HEADER = 'x-csrf-token';

/** `GET /api/auth/config` (no session needed): how the sign-in page may sign a person in. */
export const AuthConfigSchema = z.object({
  /** Email and password (`POST /api/auth/login`): always offered. */
  password: z.literal(true),
  /** OpenID Connect, when configured: the page links to `startUrl` with the words "Sign in with <providerName>". */
  oidc: z.object({ providerName: z.string(), startUrl: z.string() }).nullable(),
});
export type AuthConfig = z.infer<typeof AuthConfigSchema>;

export const UserListSchema = z.object({ items: z.array(UserSchema) });
export type UserList = z.infer<typeof UserListSchema>;

export const UserIdParamsSchema = z.strictObject({ id: z.uuid() });

export const CreateUserBodySchema = z
  .strictObject({
    email: EmailSchema,
    name: safeText().trim().min(1).max(200).optional(),
    role: RoleSchema,
    password: PasswordSchema,
    allAdvertisers: z.boolean().default(false),
    advertiserIds: z.array(AdvertiserIdSchema).max(1000).default([]),
  })
  .refine((body) => body.allAdvertisers || body.advertiserIds.length > 0 || body.role === 'viewer', {
    path: ['advertiserIds'],
    message: 'grant at least one advertiser, or all of them',
  });
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

export const UpdateUserBodySchema = z
  .strictObject({
    name: safeText().trim().min(1).max(200).optional(),
    role: RoleSchema.optional(),
    password: PasswordSchema.optional(),
    allAdvertisers: z.boolean().optional(),
    advertiserIds: z.array(AdvertiserIdSchema).max(1000).optional(),
    /** False signs the user out everywhere and refuses further sign-ins. */
    active: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'name at least one field to change' });
export type UpdateUserBody = z.infer<typeof UpdateUserBodySchema>;

/**
 * The two-person rule of one advertiser: an approval moving more money than `secondApproverAbove`, or setting a
 * percentage (a placement bid adjustment and the like) above `secondApproverAbovePercent`, needs a second approver.
 * The approver's edited value counts as the value set.
 */
export const ApprovalPolicySchema = z.object({
  advertiserId: z.string(),
  /** In the advertiser's currency; null: one approver is always enough for money. */
  secondApproverAbove: z.number().nonnegative().nullable(),
  /** In percent (25 = 25 %); null: one approver is always enough for percentages. */
  secondApproverAbovePercent: z.number().nonnegative().nullable(),
});
export type ApprovalPolicy = z.infer<typeof ApprovalPolicySchema>;
/** A field left out keeps its current value; null switches that threshold off. */
export const ApprovalPolicyBodySchema = z
  .strictObject({
    secondApproverAbove: z.number().nonnegative().max(1e12).nullable().optional(),
    secondApproverAbovePercent: z.number().nonnegative().max(100_000).nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'name at least one threshold' });
export type ApprovalPolicyBody = z.infer<typeof ApprovalPolicyBodySchema>;

export const AUDIT_ACTIONS = [
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_out',
  'user.created',
  'user.updated',
  'user.sessions_revoked',
  'credentials.changed',
  'approval_policy.changed',
  'rule.changed',
  'alert_condition.changed',
  'recommendation.approved',
  'recommendation.rejected',
  'recommendation.applied',
  'recommendation.undone',
  'recommendation.acknowledged',
  'recommendation.dismissed',
  'recommendation.approval_withdrawn',
  'recommendation.measured',
  'recommendation.control_group_left',
  'recommendation.changed',
  /** A person drafted a change from the Plan page (source `plan`). */
  'recommendation.planned',
] as const;
export const AuditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditActionSchema>;

export const AuditEntrySchema = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  /** The user's email (or the system component) that acted; for a failed sign-in, the email tried. */
  actor: z.string(),
  action: AuditActionSchema,
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  advertiserId: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditQuerySchema = z.strictObject({
  action: AuditActionSchema.optional(),
  actor: safeText().trim().min(1).max(254).optional(),
  advertiserId: AdvertiserIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** The `id` of the last entry seen: the next page holds older entries. */
  before: z
    .string()
    .regex(/^\d{1,18}$/, 'must be an entry id')
    .optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export const AuditPageSchema = z.object({ items: z.array(AuditEntrySchema), nextBefore: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPageSchema>;

/**
 * Ads API credentials an admin stores in RecDesk instead of the environment (`PUT /api/admin/ads-credentials`). They
 * are kept encrypted and never sent back: the status says only whether each is set, its last four characters, and who
 * set it when. A value set in the environment wins over a stored one.
 */
export const ADS_CREDENTIAL_NAMES = ['client_id', 'client_secret', 'refresh_token'] as const;
export const AdsCredentialNameSchema = z.enum(ADS_CREDENTIAL_NAMES);
const CredentialValueSchema = safeText().trim().min(1).max(4000);
export const AdsCredentialsBodySchema = z
  .strictObject({
    clientId: CredentialValueSchema.optional(),
    clientSecret: CredentialValueSchema.optional(),
    refreshToken: CredentialValueSchema.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'name at least one credential to store' });
export type AdsCredentialsBody = z.infer<typeof AdsCredentialsBodySchema>;

export const AdsCredentialStatusSchema = z.object({
  name: AdsCredentialNameSchema,
  /** Where the runtime takes it from: the environment wins over a stored value. */
  source: z.enum(['environment', 'stored', 'none']),
  /** Of the stored value only; never the value itself. */
  last4: z.string().nullable(),
  updatedBy: z.string().nullable(),
  updatedAt: z.iso.datetime().nullable(),
});
export const AdsCredentialsStatusSchema = z.object({
  /** False: RECDESK_SECRETS_KEY is not set, and nothing can be stored. */
  canStore: z.boolean(),
  items: z.array(AdsCredentialStatusSchema),
});
export type AdsCredentialsStatus = z.infer<typeof AdsCredentialsStatusSchema>;
