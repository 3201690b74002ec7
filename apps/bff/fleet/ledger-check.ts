/**
 * The fleet run's verdict, from two independent records: what RecDesk's database says of every item a person or a
 * rule allowed, and the simulator's ledger of every change it received. Pure, so that it can be read and tested apart.
 */

export interface AllowedItem {
  /** RecDesk's recommendation id. */
  id: string;
  /** The key the simulator's ledger records a change of this item under (the upstream recommendation id). */
  upstreamKey: string;
  /** Who allowed it: a person's approval or an auto-apply rule. */
  by: 'person' | 'rule';
  /** The item's lifecycle status now. */
  status: string;
  /** Whether an unfinished apply chunk still holds it (a worker or the sweep will take it again). */
  inOpenChunk: boolean;
}

export interface LedgerEntry {
  api: string;
  key: string;
}

export interface LedgerCheck {
  approved: number;
  allowedByRule: number;
  applied: number;
  failed: number;
  drifted: number;
  resumable: number;
  inLedger: number;
  duplicates: number;
  /** Changes sent again after they were made: upstream refused the repeat (already applied), RecDesk should not have sent it. */
  sentTwice: number;
  lost: number;
  notAllowed: number;
  stuck: number;
  violations: string[];
}

const FINAL = new Set(['applied', 'failed', 'drifted', 'rolled_back']);

/**
 * `applyApi`: the ledger's api name of the apply calls under test (other APIs' entries are counted for duplicates).
 * `refusedRepeats`: applies upstream refused as already applied; for an API that refuses repeats, a duplicate in the
 * ledger cannot happen, so a repeat sent is the sign of the same fault.
 */
export function checkLedger(
  items: readonly AllowedItem[],
  ledger: readonly LedgerEntry[],
  applyApi: string,
  refusedRepeats: readonly LedgerEntry[] = [],
): LedgerCheck {
  const violations: string[] = [];
  const repeats = refusedRepeats.filter((e) => e.api === applyApi);
  for (const entry of repeats.slice(0, 10)) violations.push(`sent again after it was applied (refused upstream): ${entry.key}`);
  const perKey = new Map<string, number>();
  for (const entry of ledger) perKey.set(`${entry.api} ${entry.key}`, (perKey.get(`${entry.api} ${entry.key}`) ?? 0) + 1);
  const duplicates = [...perKey.entries()].filter(([, count]) => count > 1);
  for (const [key, count] of duplicates.slice(0, 10)) violations.push(`applied ${count} times upstream: ${key}`);

  const applyKeys = new Set(ledger.filter((e) => e.api === applyApi).map((e) => e.key));
  const allowedKeys = new Set(items.map((i) => i.upstreamKey));
  const notAllowed = [...applyKeys].filter((key) => !allowedKeys.has(key));
  for (const key of notAllowed.slice(0, 10)) violations.push(`applied upstream without a person's approval or a rule: ${key}`);

  let lost = 0;
  let stuck = 0;
  let resumable = 0;
  const counts = { applied: 0, failed: 0, drifted: 0 };
  for (const item of items) {
    const upstream = applyKeys.has(item.upstreamKey);
    if (item.status === 'applied') {
      counts.applied++;
      if (!upstream) {
        lost++;
        violations.push(`RecDesk says applied, the ledger has no change: ${item.id} (${item.upstreamKey})`);
      }
    } else if (FINAL.has(item.status)) {
      if (item.status === 'failed') counts.failed++;
      if (item.status === 'drifted') counts.drifted++;
      if (upstream) {
        lost++;
        violations.push(`applied upstream but recorded ${item.status}: ${item.id} (${item.upstreamKey})`);
      }
    } else if (item.status === 'approved' || (item.status === 'applying' && item.inOpenChunk)) {
      // Resumable: approved and not yet queued, or queued in a chunk a worker will take (again).
      resumable++;
    } else {
      stuck++;
      violations.push(`neither final nor resumable: ${item.id} is ${item.status}${item.status === 'applying' ? ' in no open chunk' : ''}`);
    }
  }
  return {
    approved: items.filter((i) => i.by === 'person').length,
    allowedByRule: items.filter((i) => i.by === 'rule').length,
    ...counts,
    resumable,
    inLedger: applyKeys.size,
    duplicates: duplicates.length,
    sentTwice: repeats.length,
    lost,
    notAllowed: notAllowed.length,
    stuck,
    violations,
  };
}
