import { LIFECYCLE_STATUSES, LIFECYCLE_TRANSITIONS } from '@recdesk/shared-types';
import { describe, expect, it } from 'vitest';
import {
  type ActionSubject,
  type ApprovalRequest,
  decideApply,
  decideApproval,
  decideRejection,
  decideTransition,
  quietPeriodOver,
} from './lifecycle-machine.ts';

const now = new Date('2026-06-01T12:00:00Z');
const HOUR = 3_600_000;

function subject(overrides: Partial<ActionSubject> = {}): ActionSubject {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    status: 'validated',
    version: 3,
    expiresAt: new Date(now.getTime() + 48 * HOUR),
    freshness: 'fresh',
    lastSeenAt: new Date(now.getTime() - HOUR),
    validatedAt: new Date(now.getTime() - HOUR / 2),
    freshForMs: 24 * HOUR,
    validationIssues: [],
    source: 'partner-opportunities',
    ...overrides,
  };
}

function request(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return { expectedVersion: 3, valueIssues: [], conflicts: [], bulk: false, now, ...overrides };
}

describe('decideTransition', () => {
  it('allows exactly the transitions of the shared table and names both states when refusing', () => {
    for (const from of LIFECYCLE_STATUSES) {
      for (const to of LIFECYCLE_STATUSES) {
        const decision = decideTransition(from, to);
        expect(decision.ok).toBe(LIFECYCLE_TRANSITIONS[from].includes(to));
        if (!decision.ok) {
          expect(decision.refusal.code).toBe('not_allowed');
          expect(decision.refusal.message).toContain(`'${from}'`);
          expect(decision.refusal.message).toContain(`'${to}'`);
        }
      }
    }
  });
});

describe('decideApproval', () => {
  it('approves a validated, fresh, unexpired item at the version the person saw', () => {
    expect(decideApproval(subject(), request())).toEqual({ ok: true });
  });

  it('refuses a stale version, naming the current one', () => {
    const decision = decideApproval(subject({ version: 4 }), request());
    expect(decision).toMatchObject({ ok: false, refusal: { code: 'stale_version' } });
    if (!decision.ok) expect(decision.refusal.message).toMatch(/version 3.*version 4/);
  });

  it('refuses an item past its expiry even before the job marked it expired', () => {
    const decision = decideApproval(subject({ expiresAt: new Date(now.getTime() - 1) }), request());
    expect(decision).toMatchObject({
      ok: false,
      refusal: { code: 'expired', message: expect.stringMatching(/expired at .*can no longer be approved/) },
    });
    expect(decideApproval(subject({ status: 'expired', expiresAt: null }), request())).toMatchObject({ refusal: { code: 'expired' } });
  });

  it('refuses what the machine does not allow, with the reason of the state', () => {
    expect(decideApproval(subject({ status: 'rejected' }), request())).toMatchObject({
      refusal: { code: 'not_allowed', message: expect.stringContaining("from 'rejected' to 'approved'") },
    });
    expect(
      decideApproval(
        subject({ status: 'discovered', validationIssues: [{ code: 'entity_archived', message: 'campaign:1 is archived.' }] }),
        request(),
      ),
    ).toMatchObject({ refusal: { code: 'not_allowed', message: expect.stringContaining('campaign:1 is archived.') } });
    expect(decideApproval(subject({ status: 'drifted' }), request())).toMatchObject({
      refusal: { message: expect.stringContaining('re-validate') },
    });
  });

  it('refuses a stale item unless upstream re-sent it recently and it was validated since', () => {
    const stale = { freshness: 'stale' as const };
    expect(decideApproval(subject({ ...stale, lastSeenAt: new Date(now.getTime() - 30 * HOUR) }), request())).toMatchObject({
      refusal: { code: 'stale', message: expect.stringMatching(/Re-sync .*re-validate/) },
    });
    expect(
      decideApproval(
        subject({ ...stale, lastSeenAt: new Date(now.getTime() - HOUR), validatedAt: new Date(now.getTime() - 2 * HOUR) }),
        request(),
      ),
    ).toMatchObject({ refusal: { code: 'stale' } });
    expect(decideApproval(subject(stale), request())).toEqual({ ok: true });
  });

  it('refuses a value with validation issues (guardrails, limits)', () => {
    expect(
      decideApproval(subject(), request({ valueIssues: [{ code: 'bid_out_of_range', message: 'The bid is out of range.' }] })),
    ).toMatchObject({
      refusal: { code: 'validation', message: expect.stringContaining('The bid is out of range.') },
    });
  });

  it('asks for a conflict resolution, refuses bulk approval of a conflicting item, and ignores duplicates', () => {
    const conflict = { id: 'c1', kind: 'opposite_directions', explanation: 'Keyword "shoes": bid up vs bid down', blocking: true };
    expect(decideApproval(subject(), request({ conflicts: [conflict] }))).toMatchObject({
      refusal: { code: 'conflict', message: expect.stringMatching(/Keyword "shoes".*reject_others.*keep_others/) },
    });
    expect(decideApproval(subject(), request({ conflicts: [conflict], conflictResolution: 'keep_others' }))).toEqual({ ok: true });
    expect(decideApproval(subject(), request({ conflicts: [conflict], conflictResolution: 'reject_others', bulk: true }))).toMatchObject({
      refusal: { code: 'conflict', message: expect.stringContaining('in bulk') },
    });
    const duplicate = { ...conflict, kind: 'duplicate', blocking: false };
    expect(decideApproval(subject(), request({ conflicts: [duplicate], bulk: true }))).toEqual({ ok: true });
  });
});

describe('decideRejection and decideApply', () => {
  it('rejects from any open state at the seen version, never an expired item', () => {
    expect(decideRejection(subject({ status: 'approved' }), 3)).toEqual({ ok: true });
    expect(decideRejection(subject(), 2)).toMatchObject({ refusal: { code: 'stale_version' } });
    expect(decideRejection(subject({ status: 'expired' }), 3)).toMatchObject({ refusal: { code: 'not_allowed' } });
  });

  it('applies only an approved, unexpired item outside blocking conflicts', () => {
    expect(decideApply(subject({ status: 'approved' }), [], now)).toEqual({ ok: true });
    expect(decideApply(subject({ status: 'validated' }), [], now)).toMatchObject({ refusal: { code: 'not_allowed' } });
    expect(decideApply(subject({ status: 'approved', expiresAt: now }), [], now)).toMatchObject({ refusal: { code: 'expired' } });
    expect(
      decideApply(subject({ status: 'approved' }), [{ id: 'c', kind: 'pause_with_change', explanation: 'x', blocking: true }], now),
    ).toMatchObject({
      refusal: { code: 'conflict' },
    });
  });

  it('lets a rejected item back only after its quiet period', () => {
    expect(quietPeriodOver(new Date(now.getTime() - 10 * HOUR), 24 * HOUR, now)).toBe(false);
    expect(quietPeriodOver(new Date(now.getTime() - 25 * HOUR), 24 * HOUR, now)).toBe(true);
  });
});
