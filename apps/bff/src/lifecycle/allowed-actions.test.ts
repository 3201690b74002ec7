import { ACTION_BLOCKS, type ActionBlock } from '@recdesk/shared-types';
import { describe, expect, it } from 'vitest';
import { type ActionFacts, allowedActions, decideAction, type Person, type WriterVerdict } from './allowed-actions.ts';

const NOW = new Date('2030-01-10T12:00:00.000Z');
const HOUR = 3_600_000;
const APPROVER: Person = { role: 'approver', id: 'ana@agency.test', advertiserIds: 'all' };
const WRITABLE: WriterVerdict = { ok: true, undoable: true };

/** A validated, fresh, writable budget change with no conflict, asked by an approver: everything a change allows. */
type FactsChange = Partial<Omit<ActionFacts, 'subject' | 'item'>> & {
  subject?: Partial<ActionFacts['subject']>;
  item?: Partial<ActionFacts['item']>;
};
function facts(change: FactsChange = {}): ActionFacts {
  return {
    subject: {
      id: 'a1',
      status: 'validated',
      version: 3,
      expiresAt: new Date(NOW.getTime() + 48 * HOUR),
      freshness: 'fresh',
      lastSeenAt: new Date(NOW.getTime() - HOUR),
      validatedAt: new Date(NOW.getTime() - HOUR),
      freshForMs: 24 * HOUR,
      validationIssues: [],
      source: 'sp-budget',
      ...change.subject,
    },
    item: {
      advertiserId: 'adv-1',
      action: { type: 'set-budget', field: 'dailyBudget', from: 50, to: 75, unit: 'currency', currency: 'USD', direction: 'increase' },
      applicable: true,
      awaitingSecondApprover: null,
      ...change.item,
    },
    conflicts: change.conflicts ?? [],
    writer: change.writer ?? WRITABLE,
    person: change.person ?? APPROVER,
    now: change.now ?? NOW,
  };
}

const reasonOf = (f: ActionFacts, action: Parameters<typeof decideAction>[0], request?: Parameters<typeof decideAction>[2]) =>
  decideAction(action, f, request).reason;

describe('allowedActions', () => {
  it('lets an approver approve, edit and reject a validated change, and nothing that needs another state', () => {
    const actions = allowedActions(facts());
    expect(actions.approve).toEqual({ allowed: true, reason: null, message: null, link: null });
    expect(actions.edit.allowed).toBe(true);
    expect(actions.reject.allowed).toBe(true);
    expect(actions.apply).toMatchObject({ allowed: false, reason: 'state' });
    expect(actions.undo).toMatchObject({ allowed: false, reason: 'state' });
    expect(actions.acknowledge).toMatchObject({ allowed: false, reason: 'not_insight' });
    expect(actions.dismiss).toMatchObject({ allowed: false, reason: 'not_insight' });
  });

  it('gives every reason it knows, each from the rule that owns it', () => {
    const seen = new Set<ActionBlock>();
    const expectReason = (reason: ActionBlock, got: ActionBlock | null) => {
      expect(got).toBe(reason);
      seen.add(reason);
    };
    expectReason('role', reasonOf(facts({ person: { ...APPROVER, role: 'viewer' } }), 'approve'));
    expectReason('scope', reasonOf(facts({ person: { ...APPROVER, advertiserIds: ['adv-2'] } }), 'reject'));
    expectReason('state', reasonOf(facts({ subject: { status: 'rejected' } }), 'approve'));
    expectReason('expired', reasonOf(facts({ subject: { expiresAt: new Date(NOW.getTime() - 1) } }), 'approve'));
    expectReason('stale', reasonOf(facts({ subject: { freshness: 'stale', lastSeenAt: new Date(NOW.getTime() - 72 * HOUR) } }), 'approve'));
    expectReason('stale_version', reasonOf(facts(), 'approve', { expectedVersion: 2 }));
    expectReason(
      'validation',
      reasonOf(facts({ subject: { status: 'discovered', validationIssues: [{ code: 'entity_missing', message: 'gone' }] } }), 'approve'),
    );
    expectReason(
      'guardrail',
      reasonOf(
        facts({ subject: { status: 'discovered', validationIssues: [{ code: 'guardrail_budget_change', message: 'too big' }] } }),
        'approve',
      ),
    );
    expectReason(
      'conflict',
      reasonOf(facts({ conflicts: [{ id: 'c1', kind: 'budget-vs-bid', explanation: 'a cut against raises', blocking: true }] }), 'approve'),
    );
    expectReason(
      'already_approved',
      reasonOf(
        facts({ item: { awaitingSecondApprover: { approverId: APPROVER.id, at: NOW.toISOString(), editedValue: null } } }),
        'approve',
      ),
    );
    const noWriter: WriterVerdict = {
      ok: false,
      code: 'no_writer',
      message: 'no writer',
      link: 'https://advertising.amazon.com/cm/campaigns',
    };
    expectReason('no_writer', reasonOf(facts({ writer: noWriter }), 'approve'));
    const insight: WriterVerdict = { ok: false, code: 'insight', message: 'insight', link: null };
    expectReason('insight', reasonOf(facts({ writer: insight }), 'approve'));
    expectReason('not_insight', reasonOf(facts(), 'dismiss'));
    expectReason(
      'not_editable',
      reasonOf(
        facts({
          item: {
            action: {
              type: 'set-state',
              field: 'state',
              from: 'ENABLED',
              to: 'PAUSED',
              unit: 'state',
              currency: null,
              direction: 'change',
            },
          },
        }),
        'edit',
      ),
    );
    expectReason('not_undoable', reasonOf(facts({ subject: { status: 'applied' }, writer: { ok: true, undoable: false } }), 'undo'));
    expectReason('already_queued', reasonOf(facts({ subject: { status: 'applying' } }), 'unapprove'));
    expectReason('not_approved', reasonOf(facts(), 'unapprove'));
    expect([...seen].sort()).toEqual([...ACTION_BLOCKS].sort());
  });

  it('offers undo on an applied change and on one whose measurement settled (measured), and nowhere else', () => {
    expect(decideAction('undo', facts({ subject: { status: 'applied' } }))).toMatchObject({ allowed: true });
    expect(decideAction('undo', facts({ subject: { status: 'measured' } }))).toMatchObject({ allowed: true });
    expect(decideAction('undo', facts({ subject: { status: 'rolled_back' } }))).toMatchObject({ allowed: false, reason: 'state' });
  });

  it('lets an approver withdraw an approval until an apply batch claims it, and says why not after', () => {
    const approved = facts({ subject: { status: 'approved' } });
    expect(decideAction('unapprove', approved)).toEqual({ allowed: true, reason: null, message: null, link: null });
    expect(decideAction('unapprove', facts({ subject: { status: 'approved' }, person: { ...APPROVER, role: 'admin' } })).allowed).toBe(
      true,
    );
    expect(reasonOf(approved, 'unapprove', { expectedVersion: 2 })).toBe('stale_version');
    expect(decideAction('unapprove', facts({ subject: { status: 'applying' } }))).toMatchObject({
      allowed: false,
      reason: 'already_queued',
      message: expect.stringMatching(/queued for apply/),
    });
    for (const status of ['applied', 'measured'] as const)
      expect(decideAction('unapprove', facts({ subject: { status } }))).toMatchObject({
        reason: 'already_queued',
        message: expect.stringMatching(/undo/),
      });
    for (const status of ['discovered', 'validated', 'drifted', 'rejected', 'failed', 'expired', 'rolled_back'] as const)
      expect(reasonOf(facts({ subject: { status } }), 'unapprove')).toBe('not_approved');
    expect(reasonOf(facts({ subject: { status: 'approved' }, person: { ...APPROVER, role: 'viewer' } }), 'unapprove')).toBe('role');
    expect(reasonOf(facts({ subject: { status: 'approved' }, person: { ...APPROVER, advertiserIds: ['adv-2'] } }), 'unapprove')).toBe(
      'scope',
    );
  });

  it('lets the first approver of the two-person rule (or an admin) withdraw their waiting approval, not another approver', () => {
    const waiting = { approverId: APPROVER.id, at: NOW.toISOString(), editedValue: null };
    expect(decideAction('unapprove', facts({ item: { awaitingSecondApprover: waiting } })).allowed).toBe(true);
    const other: Person = { ...APPROVER, id: 'bo@agency.test' };
    expect(decideAction('unapprove', facts({ item: { awaitingSecondApprover: waiting }, person: other }))).toMatchObject({
      reason: 'not_approved',
      message: expect.stringContaining(APPROVER.id),
    });
    expect(
      decideAction('unapprove', facts({ item: { awaitingSecondApprover: waiting }, person: { ...other, role: 'admin' } })).allowed,
    ).toBe(true);
  });

  it('offers an insight acknowledge and dismiss only, and says why approving it cannot work', () => {
    const actions = allowedActions(
      facts({ item: { applicable: false }, writer: { ok: false, code: 'insight', message: 'insight', link: null } }),
    );
    expect(actions.acknowledge.allowed).toBe(true);
    expect(actions.dismiss.allowed).toBe(true);
    for (const action of ['approve', 'edit', 'reject', 'apply', 'undo'] as const) expect(actions[action].allowed).toBe(false);
    expect(actions.approve.reason).toBe('insight');
  });

  it('points a change RecDesk cannot write to Amazon Ads', () => {
    const link = 'https://advertising.amazon.com/cm/campaigns';
    const actions = allowedActions(facts({ writer: { ok: false, code: 'no_writer', message: 'Apply it in Amazon Ads.', link } }));
    expect(actions.approve).toMatchObject({ allowed: false, reason: 'no_writer', link });
    expect(actions.apply).toMatchObject({ allowed: false, reason: 'no_writer', link });
    expect(actions.reject.allowed).toBe(true);
  });

  it('lets an edit through the proposal’s guardrail issue of a validated item, but not the edit’s own', () => {
    const f = facts({ subject: { validationIssues: [{ code: 'guardrail_budget_change', message: 'too big' }] } });
    expect(decideAction('approve', f).reason).toBe('guardrail');
    expect(decideAction('edit', f).allowed).toBe(true);
    expect(reasonOf(f, 'edit', { expectedVersion: 3, valueIssues: [{ code: 'guardrail_budget_change', message: 'still too big' }] })).toBe(
      'guardrail',
    );
  });

  it('lets a conflicted item through once the person chose a side, never in bulk', () => {
    const f = facts({ conflicts: [{ id: 'c1', kind: 'budget-vs-bid', explanation: 'x', blocking: true }] });
    expect(decideAction('approve', f, { expectedVersion: 3, conflictResolution: 'reject_others' }).allowed).toBe(true);
    expect(reasonOf(f, 'approve', { expectedVersion: 3, bulk: true })).toBe('conflict');
    // A duplicate does not block.
    expect(
      decideAction('approve', facts({ conflicts: [{ id: 'c2', kind: 'duplicate', explanation: 'x', blocking: false }] })).allowed,
    ).toBe(true);
  });

  it('lets the system (rules, the apply worker) act without a role, and a second approver approve', () => {
    expect(
      decideAction('apply', facts({ subject: { status: 'approved' }, person: { role: 'system', id: 'rule', advertiserIds: 'all' } }))
        .allowed,
    ).toBe(true);
    const waiting = { approverId: 'ben@agency.test', at: NOW.toISOString(), editedValue: null };
    expect(decideAction('approve', facts({ item: { awaitingSecondApprover: waiting } })).allowed).toBe(true);
  });
});
