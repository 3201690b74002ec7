/**
 * Contracts of the auto-apply rules: versioned rules (each edit is a new version of the same rule), a preview of a
 * draft, a backtest over stored history, and the recorded decisions with their traces. The condition is text in the
 * rule language (apps/bff/src/rules/rule-expression.ts), shown back exactly as written.
 */
import { z } from 'zod';
import { AdvertiserIdInputSchema, INT32_MAX, safeText } from './safe-input.ts';

export const RuleModeSchema = z.enum(['off', 'shadow', 'on']);
export type RuleMode = z.infer<typeof RuleModeSchema>;

export const RuleScopeSchema = z.strictObject({
  /** Empty means every advertiser / every source. */
  advertiserIds: z.array(AdvertiserIdInputSchema).max(1000).default([]),
  sources: z.array(safeText().min(1).max(100)).max(100).default([]),
});
export type RuleScopeBody = z.infer<typeof RuleScopeSchema>;

export const RuleLimitsSchema = z.strictObject({
  maxItemsPerRun: z.number().int().positive().max(INT32_MAX).default(100),
  maxItemsPerDay: z.number().int().positive().max(INT32_MAX).default(500),
  maxSpendChangePerRun: z.number().nonnegative().max(1e12).default(1_000),
  maxSpendChangePerDay: z.number().nonnegative().max(1e12).default(5_000),
});

export const RuleBodySchema = z.strictObject({
  name: safeText().trim().min(1).max(200),
  expression: safeText().min(1).max(2_000),
  scope: RuleScopeSchema.default({ advertiserIds: [], sources: [] }),
  mode: RuleModeSchema.default('shadow'),
  limits: RuleLimitsSchema.default({ maxItemsPerRun: 100, maxItemsPerDay: 500, maxSpendChangePerRun: 1_000, maxSpendChangePerDay: 5_000 }),
  /**
   * The share (0 to 0.5) of the items the rule would take that it holds back as a control group for measuring its
   * impact: chosen deterministically by a hash of the recommendation id, recorded as decision `hold`, never applied.
   * Unset: 0 (and an edit without it sets 0).
   */
  holdoutShare: z.number().min(0).max(0.5).optional(),
});
export type RuleBody = z.infer<typeof RuleBodySchema>;

export const RuleSchema = z.object({
  id: z.uuid(),
  version: z.number().int().positive(),
  name: z.string(),
  expression: z.string(),
  scope: z.object({ advertiserIds: z.array(z.string()), sources: z.array(z.string()) }),
  mode: RuleModeSchema,
  limits: z.object({
    maxItemsPerRun: z.number(),
    maxItemsPerDay: z.number(),
    maxSpendChangePerRun: z.number(),
    maxSpendChangePerDay: z.number(),
  }),
  /** Always sent by the BFF; optional for clients written before it existed. */
  holdoutShare: z.number().min(0).max(0.5).optional(),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
});
export type Rule = z.infer<typeof RuleSchema>;

export const RuleListSchema = z.object({ items: z.array(RuleSchema) });

export const RuleIdParamsSchema = z.object({ id: z.uuid() });

export const RulePreviewBodySchema = z.strictObject({
  expression: safeText().min(1).max(2_000),
  scope: RuleScopeSchema.default({ advertiserIds: [], sources: [] }),
  limits: RuleLimitsSchema.optional(),
  holdoutShare: z.number().min(0).max(0.5).optional(),
});

/** `hold`: it would have been taken, and is held back as the rule's control group (not applied). */
export const RuleDecisionKindSchema = z.enum(['take', 'skip', 'hold']);
export type RuleDecisionKind = z.infer<typeof RuleDecisionKindSchema>;

export const RuleDecisionSchema = z.object({
  recommendationId: z.string(),
  advertiserId: z.string(),
  decision: RuleDecisionKindSchema,
  trace: z.string(),
});

export const RulePreviewSchema = z.object({
  taken: z.array(RuleDecisionSchema),
  /** Skipped items, and held ones (decision `hold`) when the draft has a holdout share. */
  skipped: z.array(RuleDecisionSchema),
});
export type RulePreview = z.infer<typeof RulePreviewSchema>;

export const RuleBacktestSchema = z.object({
  ruleId: z.uuid(),
  version: z.number().int(),
  considered: z.number().int(),
  wouldTake: z.number().int(),
  /** Of the items it would have taken: what became of them (applied, failed, rolled_back...), where known. */
  outcomes: z.record(z.string(), z.number().int()),
});
export type RuleBacktest = z.infer<typeof RuleBacktestSchema>;

export const RecordedRuleDecisionSchema = RuleDecisionSchema.extend({
  ruleVersion: z.number().int(),
  runId: z.uuid(),
  mode: RuleModeSchema,
  applied: z.boolean(),
  batchId: z.uuid().nullable(),
  at: z.iso.datetime(),
});
export const RuleDecisionListSchema = z.object({ items: z.array(RecordedRuleDecisionSchema) });
