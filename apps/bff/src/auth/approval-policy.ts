/**
 * The two-person rule: each advertiser may set an amount above which an approval needs a second approver. The amount
 * an approval moves is the new value of a money field (a daily budget or a bid), or the approver's edited value. The
 * lifecycle's approve path asks `secondApproverNeeded` and, when it is, keeps the first approval pending until a
 * different approver approves the same version.
 */
import type { ApprovalPolicy, ProposedAction } from '@recdesk/shared-types';
import type { Db } from '../db/database.ts';

/** Money moved by approving `action` (with the approver's edit, if any); null when it moves no money. */
export function amountAtStake(action: ProposedAction, editedValue?: number): number | null {
  if (action.unit !== 'currency') return null;
  const to = editedValue ?? (typeof action.to === 'number' ? action.to : Number.NaN);
  return Number.isFinite(to) ? Math.abs(to) : null;
}

/** Pure: does this approval, by this approver, after these earlier approvers of the same version, need one more? */
export function secondApproverNeeded(input: {
  threshold: number | null;
  amount: number | null;
  approverId: string;
  earlierApproverIds: readonly string[];
}): boolean {
  if (input.threshold === null || input.amount === null || input.amount <= input.threshold) return false;
  return !input.earlierApproverIds.some((id) => id !== input.approverId);
}

export class ApprovalPolicyStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  async get(advertiserId: string): Promise<ApprovalPolicy> {
    const row = await this.db.selectFrom('approval_policies').selectAll().where('advertiser_id', '=', advertiserId).executeTakeFirst();
    return { advertiserId, secondApproverAbove: row?.second_approver_above ?? null };
  }

  /** The lifecycle's question, inside its transaction (`db`): null when one approver is always enough. */
  async secondApproverAbove(advertiserId: string, db: Db = this.db): Promise<number | null> {
    const row = await db
      .selectFrom('approval_policies')
      .select('second_approver_above')
      .where('advertiser_id', '=', advertiserId)
      .executeTakeFirst();
    return row?.second_approver_above ?? null;
  }

  async set(advertiserId: string, secondApproverAbove: number | null): Promise<{ before: ApprovalPolicy; after: ApprovalPolicy }> {
    const before = await this.get(advertiserId);
    await this.db
      .insertInto('approval_policies')
      .values({ advertiser_id: advertiserId, second_approver_above: secondApproverAbove, updated_at: this.now() })
      .onConflict((oc) => oc.column('advertiser_id').doUpdateSet({ second_approver_above: secondApproverAbove, updated_at: this.now() }))
      .execute();
    return { before, after: { advertiserId, secondApproverAbove } };
  }
}
