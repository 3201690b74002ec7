/** An open conflict with its members, as GET /api/conflicts answers it, for component tests. */
import type { ConflictWithMembers, Recommendation } from '@recdesk/shared-types';

export function conflictOf(id: string, members: Recommendation[]): ConflictWithMembers {
  return {
    id,
    kind: 'budget_cut_with_expansion',
    status: 'open',
    advertiserId: members[0]?.advertiserId ?? 'A1',
    entityKey: 'campaign:123',
    explanation: 'A budget cut on a campaign while expansions on it are pending',
    suggestedResolution: 'Keep one side',
    memberIds: members.map((m) => m.id),
    primaryId: null,
    detectedAt: '2026-11-22T10:00:00.000Z',
    resolvedAt: null,
    resolution: null,
    members,
  } as ConflictWithMembers;
}
