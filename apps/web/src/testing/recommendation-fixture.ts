/** A valid Recommendation for component tests, fresh and a week from expiry at TEST_NOW; override what the test is about. */
import {
  type ActionBlock,
  type AllowedActions,
  ITEM_ACTIONS,
  type ItemAction,
  type Recommendation,
  RecommendationSchema,
} from '@recdesk/shared-types';
import { daysFromTestNow, hoursFromTestNow } from './test-clock.ts';

/**
 * The server's verdicts for a test item: the listed actions allowed, every other refused for `reason` (state, unless
 * told) with a message naming it, as the BFF's allowed-actions answers them.
 */
export function actionsAllowing(
  allowed: readonly ItemAction[],
  refused: Partial<Record<ItemAction, { reason: ActionBlock; message: string; link?: string }>> = {},
): AllowedActions {
  return Object.fromEntries(
    ITEM_ACTIONS.map((action) => {
      if (allowed.includes(action)) return [action, { allowed: true, reason: null, message: null, link: null }];
      const why = refused[action];
      return [
        action,
        {
          allowed: false,
          reason: why?.reason ?? 'state',
          message: why?.message ?? `Cannot ${action} in this state.`,
          link: why?.link ?? null,
        },
      ];
    }),
  ) as AllowedActions;
}

/** Everything a viewer is told: nothing, for their role. */
export const VIEWER_ACTIONS = actionsAllowing(
  [],
  Object.fromEntries(ITEM_ACTIONS.map((a) => [a, { reason: 'role', message: 'Viewers can look but not change anything.' }])),
);

let counter = 0;

export function aRecommendation(overrides: Partial<Recommendation> = {}): Recommendation {
  counter++;
  return RecommendationSchema.parse({
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    sourceRecommendationId: `rec-${counter}`,
    source: 'partner-opportunities',
    sourceType: 'CAMPAIGN_BUDGET',
    kind: 'budget',
    goal: 'performance',
    title: 'Raise daily budget 50.00 → 75.00 USD',
    description: 'Campaign ran out of budget on 5 of the last 7 days.',
    advertiserId: 'AADVERTISER0001',
    advertiserName: 'Acme Outdoor',
    profileId: '1000000000000001',
    marketplace: 'US',
    entity: { level: 'campaign', campaignId: '123', campaignName: 'Acme | tents | Exact | US' },
    action: { type: 'set-budget', field: 'dailyBudget', from: 50, to: 75, unit: 'currency', currency: 'USD', direction: 'increase' },
    applicable: true,
    confidence: 0.86,
    impactScore: 8.1,
    estimatedImpact: [],
    generatedAt: hoursFromTestNow(-26),
    refreshedAt: hoursFromTestNow(-26),
    expiresAt: daysFromTestNow(7),
    freshness: 'fresh',
    status: 'discovered',
    validationIssues: [],
    version: 1,
    priority: null,
    actions: actionsAllowing(['approve', 'edit', 'reject']),
    createdAt: hoursFromTestNow(-25),
    updatedAt: hoursFromTestNow(-25),
    ...overrides,
  });
}
