/**
 * The recommendation lifecycle (discover → validate → approve → implement → measure, as the Amazon Ads
 * Well-Architected insights component describes it), as data. The BFF enforces these transitions in one place and
 * the SPA reads the same table to decide which buttons to offer, so the two can never disagree.
 */
import { z } from 'zod';

export const LIFECYCLE_STATUSES = [
  'discovered',
  'validated',
  'drifted',
  'approved',
  'rejected',
  'applying',
  'applied',
  'failed',
  'expired',
  'superseded',
  'measured',
  'rolled_back',
  'acknowledged',
  'dismissed',
] as const;

export const LifecycleStatusSchema = z.enum(LIFECYCLE_STATUSES);
export type LifecycleStatus = z.infer<typeof LifecycleStatusSchema>;

/**
 * Allowed transitions. `drifted` means the live value no longer equals the value the recommendation assumed: it
 * needs a new validation (and so a new approval) before it can be applied.
 */
export const LIFECYCLE_TRANSITIONS: Readonly<Record<LifecycleStatus, readonly LifecycleStatus[]>> = {
  discovered: ['validated', 'drifted', 'rejected', 'expired', 'superseded', 'acknowledged', 'dismissed'],
  validated: ['approved', 'drifted', 'rejected', 'expired', 'superseded', 'discovered', 'acknowledged', 'dismissed'],
  drifted: ['validated', 'rejected', 'expired', 'superseded', 'acknowledged', 'dismissed'],
  approved: ['applying', 'drifted', 'rejected', 'expired', 'superseded', 'validated'],
  rejected: ['discovered'],
  applying: ['applied', 'failed', 'drifted'],
  applied: ['measured', 'rolled_back'],
  failed: ['approved', 'applying', 'rejected', 'expired'],
  expired: [],
  superseded: ['validated', 'discovered'],
  measured: ['rolled_back'],
  rolled_back: [],
  // An insight (nothing to apply) is acknowledged (read, noted) or dismissed (with a reason); both are final.
  acknowledged: [],
  dismissed: [],
};

/** States in which an item still waits for a person or a rule: the "open" queue. */
export const OPEN_STATUSES = ['discovered', 'validated', 'drifted', 'approved', 'failed'] as const satisfies readonly LifecycleStatus[];

/** States an item never leaves by itself. */
export const TERMINAL_STATUSES = ['expired', 'rolled_back', 'acknowledged', 'dismissed'] as const satisfies readonly LifecycleStatus[];

export function canTransition(from: LifecycleStatus, to: LifecycleStatus): boolean {
  return LIFECYCLE_TRANSITIONS[from].includes(to);
}
