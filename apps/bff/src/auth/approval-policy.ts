/**
 * The two-person rule: each advertiser may set an amount above which an approval needs a second approver, and a
 * percentage of its own. What an approval sets is the new value of the field it changes (a daily budget or a bid in
 * money; a placement bid adjustment or another percentage in percent), or the approver's edited value: an edit is
 * measured like the proposal it replaces. The lifecycle's approve path asks `secondApproverNeeded` and, when it is,
 * keeps the first approval pending until a different approver approves the same version.
 */
import type { ApprovalPolicy, ApprovalPolicyBody, ProposedAction } from '@recdesk/shared-types';
import type { Db } from '../db/database.ts';

/** An advertiser's thresholds; null: that kind of change never needs a second approver. */
export type ApprovalThresholds = Omit<ApprovalPolicy, 'advertiserId'>;
export const NO_THRESHOLDS: ApprovalThresholds = { secondApproverAbove: null, secondApproverAbovePercent: null };

/** What approving `action` (with the approver's edit, if any) sets, and which threshold measures it; null: neither. */
export interface Stake {
  kind: 'amount' | 'percent';
  value: number;
}

export function stakeOf(action: ProposedAction, editedValue?: number): Stake | null {
  if (action.unit !== 'currency' && action.unit !== 'percent') return null;
  const to = editedValue ?? (typeof action.to === 'number' ? action.to : Number.NaN);
  if (!Number.isFinite(to)) return null;
  return { kind: action.unit === 'currency' ? 'amount' : 'percent', value: Math.abs(to) };
}

/** Money moved by approving `action` (with the approver's edit, if any); null when it moves no money. */
export function amountAtStake(action: ProposedAction, editedValue?: number): number | null {
  const stake = stakeOf(action, editedValue);
  return stake?.kind === 'amount' ? stake.value : null;
}

/** The threshold a stake passes, or null when it passes none. */
export function thresholdPassed(thresholds: ApprovalThresholds, stake: Stake | null): number | null {
  if (!stake) return null;
  const threshold = stake.kind === 'amount' ? thresholds.secondApproverAbove : thresholds.secondApproverAbovePercent;
  return threshold !== null && stake.value > threshold ? threshold : null;
}

/** Pure: does this approval, by this approver, after these earlier approvers of the same version, need one more? */
export function secondApproverNeeded(input: {
  thresholds: ApprovalThresholds;
  stake: Stake | null;
  approverId: string;
  earlierApproverIds: readonly string[];
}): boolean {
  if (thresholdPassed(input.thresholds, input.stake) === null) return false;
  return !input.earlierApproverIds.some((id) => id !== input.approverId);
}

export class ApprovalPolicyStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  async get(advertiserId: string): Promise<ApprovalPolicy> {
    return { advertiserId, ...(await this.thresholdsOf(advertiserId)) };
  }

  /** The lifecycle's and the rules' question, inside their transaction (`db`). */
  async thresholdsOf(advertiserId: string, db: Db = this.db): Promise<ApprovalThresholds> {
    const row = await db
      .selectFrom('approval_policies')
      .select(['second_approver_above', 'second_approver_above_percent'])
      .where('advertiser_id', '=', advertiserId)
      .executeTakeFirst();
    return {
      secondApproverAbove: row?.second_approver_above ?? null,
      secondApproverAbovePercent: row?.second_approver_above_percent ?? null,
    };
  }

  /** A threshold left out of `change` keeps its value. */
  async set(advertiserId: string, change: ApprovalPolicyBody): Promise<{ before: ApprovalPolicy; after: ApprovalPolicy }> {
    const before = await this.get(advertiserId);
    const after: ApprovalPolicy = {
      advertiserId,
      secondApproverAbove: change.secondApproverAbove === undefined ? before.secondApproverAbove : change.secondApproverAbove,
      secondApproverAbovePercent:
        change.secondApproverAbovePercent === undefined ? before.secondApproverAbovePercent : change.secondApproverAbovePercent,
    };
    const values = {
      second_approver_above: after.secondApproverAbove,
      second_approver_above_percent: after.secondApproverAbovePercent,
      updated_at: this.now(),
    };
    await this.db
      .insertInto('approval_policies')
      .values({ advertiser_id: advertiserId, ...values })
      .onConflict((oc) => oc.column('advertiser_id').doUpdateSet(values))
      .execute();
    return { before, after };
  }
}
