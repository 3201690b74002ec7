/**
 * Contracts of the activity log: every change RecDesk applied, failed to apply or undid upstream, read from the apply
 * tables, with who did it (a person, or `rule:<name> v<version>`), what, when, and the values before and after.
 * `GET /api/activity` pages it newest first; `GET /api/activity.csv` streams the same rows (same filters) as CSV.
 */
import { z } from 'zod';
import { RecommendationKindSchema } from '../model/recommendation.ts';
import { RecommendationSourceSchema } from '../model/source.ts';
import { AdvertiserIdInputSchema, boundedDay, boundedInstant, cursorOf, safeText } from './safe-input.ts';

/**
 * What happened: `applied`, `failed` (upstream refused, with its reason), `drifted` (the live value had changed, so
 * nothing was written), `undone` (an undo restored the value before), `undo_failed`.
 */
export const ACTIVITY_OUTCOMES = ['applied', 'failed', 'drifted', 'undone', 'undo_failed'] as const;
export const ActivityOutcomeSchema = z.enum(ACTIVITY_OUTCOMES);
export type ActivityOutcome = z.infer<typeof ActivityOutcomeSchema>;

/** A day (`2026-11-23`, the whole day in UTC) or an instant (`2026-11-23T08:00:00Z`). */
const DayOrInstantSchema = z.union([boundedDay(), boundedInstant()]);

/** The activity page's cursor: the time and id of the last entry seen (base64url JSON). */
export const ActivityCursorSchema = z.tuple([boundedInstant(), z.uuid()]);

export const ActivityQuerySchema = z.strictObject({
  advertiserId: AdvertiserIdInputSchema.optional(),
  /**
   * Who acted: a person's email (any case), `rule` for every rule, `rule:<name>` for every version of a rule, or
   * `rule:<name> v<version>` for one version.
   */
  actor: safeText().trim().min(1).max(300).optional(),
  source: RecommendationSourceSchema.optional(),
  /** The recommendation's kind (bid, budget...). */
  kind: RecommendationKindSchema.optional(),
  outcome: ActivityOutcomeSchema.optional(),
  /** From this day or instant, inclusive. */
  from: DayOrInstantSchema.optional(),
  /** Up to this instant, or to the end of this day, inclusive. */
  to: DayOrInstantSchema.optional(),
  cursor: cursorOf(ActivityCursorSchema, 200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ActivityQuery = z.infer<typeof ActivityQuerySchema>;

/** The CSV export takes the same filters; it has no pages. */
export const ActivityCsvQuerySchema = ActivityQuerySchema.omit({ cursor: true, limit: true });
export type ActivityCsvQuery = z.infer<typeof ActivityCsvQuerySchema>;

const ValueSchema = z.union([z.number(), z.string()]).nullable();

export const ActivityActorSchema = z.object({
  type: z.enum(['user', 'rule', 'system']),
  /** The email of a person, the id of a rule. */
  id: z.string(),
  /** A rule's name (null for people, or a rule no longer stored). */
  name: z.string().nullable(),
  version: z.number().int().nullable(),
  /** As shown and exported: the email, or `rule:<name> v<version>`. */
  label: z.string(),
});
export type ActivityActor = z.infer<typeof ActivityActorSchema>;

export const ActivityEntrySchema = z.object({
  /** The apply item. */
  id: z.uuid(),
  at: z.iso.datetime(),
  outcome: ActivityOutcomeSchema,
  actor: ActivityActorSchema,
  batchId: z.uuid(),
  recommendationId: z.uuid(),
  title: z.string(),
  advertiserId: z.string(),
  advertiserName: z.string().nullable(),
  source: RecommendationSourceSchema,
  kind: RecommendationKindSchema,
  /** The upstream call: `sp.keywords.update`, `po.apply`... */
  call: z.string(),
  /** The value read upstream right before the write, and read back after it (null where not read or not written). */
  valueBefore: ValueSchema,
  valueAfter: ValueSchema,
  /** The value the change set (an undo: the value it restored). */
  targetValue: ValueSchema,
  currency: z.string().nullable(),
  reasonCode: z.string().nullable(),
  reason: z.string().nullable(),
});
export type ActivityEntry = z.infer<typeof ActivityEntrySchema>;

export const ActivityPageSchema = z.object({
  items: z.array(ActivityEntrySchema),
  nextCursor: z.string().nullable(),
});
export type ActivityPage = z.infer<typeof ActivityPageSchema>;

/** The CSV export's columns, in order (its header row). */
export const ACTIVITY_CSV_COLUMNS = [
  'at',
  'outcome',
  'actor',
  'advertiserId',
  'advertiserName',
  'source',
  'kind',
  'title',
  'call',
  'valueBefore',
  'valueAfter',
  'targetValue',
  'currency',
  'reasonCode',
  'reason',
  'recommendationId',
  'batchId',
] as const;
