/**
 * The conflict engine over 100,000 open items across 50 advertisers, against its floor: one pass over the same items
 * grouping them by advertiser and entity key (the least any engine keyed by entity must do). Also 10,000 items, to
 * show the growth is linear (time per item at 100k vs 10k). In memory: the engine is a pure function.
 *
 * The items are shaped like a real queue: per campaign a budget change, keyword / target bid changes (some
 * contradicting each other or the budget), new keywords, now and then a pause and duplicates across sources, so the
 * engine finds and explains real contradictions while it runs.
 */
import { performance } from 'node:perf_hooks';
import type { RecommendationSource } from '@recdesk/shared-types';
import { detectConflicts, type EngineItem } from '../src/conflicts/conflict-engine.ts';
import { entityKeyOf } from '../src/lifecycle/entity-keys.ts';
import { bidChange, budgetChange, newKeyword, stateChange } from '../src/lifecycle/recommendation-fixtures.ts';
import { type BenchMeasurement, type Benchmark, ratioOf } from './bench-report.ts';

const SOURCES: RecommendationSource[] = ['partner-opportunities', 'sp-consolidated', 'unified-recommendations', 'sp-theme-bids'];

/** A deterministic pseudo-random sequence (mulberry32), so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeItems(count: number, advertisers = 50): EngineItem[] {
  const next = random(count);
  const items: EngineItem[] = [];
  let n = 0;
  const push = (normalised: ReturnType<typeof budgetChange>) => {
    items.push({
      id: `item-${n}`,
      advertiserId: normalised.advertiserId,
      status: 'validated',
      source: normalised.source,
      title: normalised.title,
      entity: normalised.entity,
      action: normalised.action,
      priority: Math.round(next() * 10000) / 100,
      refreshedAt: normalised.refreshedAt ?? normalised.generatedAt,
      contentHash: `h${n}`,
    });
    n++;
  };
  for (let campaign = 0; items.length < count; campaign++) {
    const advertiserId = `ADV${campaign % advertisers}`;
    const campaignId = `C${campaign}`;
    const source = () => SOURCES[Math.floor(next() * SOURCES.length)] ?? 'partner-opportunities';
    const base = { advertiserId, campaignId, campaignName: `Campaign ${campaign}` };
    const budget = 50 + Math.floor(next() * 200);
    push(budgetChange({ ...base, id: `b${campaign}`, source: source(), from: budget, to: budget * (next() < 0.5 ? 0.8 : 1.25) }));
    for (let k = 0; k < 14 && items.length < count; k++) {
      const bid = 0.5 + Math.round(next() * 200) / 100;
      const keyword = { ...base, keywordId: `K${campaign}-${k}`, text: `keyword ${k}`, adGroupId: `G${campaign}-${k % 3}` };
      const to = Math.round(bid * (next() < 0.6 ? 1.2 : 0.85) * 100) / 100;
      push(bidChange({ ...keyword, id: `k${campaign}-${k}`, source: source(), from: bid, to }));
      // Now and then a second source on the same keyword: the same value (a duplicate) or another one.
      if (next() < 0.1 && items.length < count)
        push(bidChange({ ...keyword, id: `k2${campaign}-${k}`, source: source(), from: bid, to: next() < 0.5 ? to : bid * 0.7 }));
    }
    if (items.length < count) push(newKeyword({ ...base, id: `n${campaign}`, source: source(), text: `new ${campaign}`, bid: 1 }));
    if (next() < 0.05 && items.length < count) push(stateChange({ ...base, id: `p${campaign}`, source: source(), to: 'PAUSED' }));
  }
  return items;
}

/** The floor: one pass that keys every item to its entity and groups them. */
function groupByEntity(items: readonly EngineItem[]): number {
  const groups = new Map<string, EngineItem[]>();
  for (const item of items) {
    const key = `${item.advertiserId}|${entityKeyOf(item.entity)}`;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups.size;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * Medians of several runs after a warm-up, in milliseconds. Subject and floor alternate within each round, so both
 * see the same machine (other processes, garbage collection) and the ratio compares like with like.
 */
function timeInterleaved(subject: () => unknown, floor: () => unknown, rounds: number): { subject: number; floor: number } {
  subject();
  floor();
  const times = { subject: [] as number[], floor: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    let start = performance.now();
    floor();
    times.floor.push(performance.now() - start);
    start = performance.now();
    subject();
    times.subject.push(performance.now() - start);
  }
  return { subject: median(times.subject), floor: median(times.floor) };
}

export const benchmark: Benchmark = {
  name: 'Conflict engine (issue 4)',
  async run() {
    const measurements: BenchMeasurement[] = [];
    const notes: string[] = [];
    const perItem: Record<number, number> = {};
    for (const count of [10_000, 100_000]) {
      const items = makeItems(count);
      const { subject: engine, floor } = timeInterleaved(
        () => detectConflicts(items),
        () => groupByEntity(items),
        count >= 100_000 ? 9 : 25,
      );
      const found = detectConflicts(items);
      perItem[count] = engine / count;
      const ratio = ratioOf(engine, floor);
      measurements.push({
        label: `detect conflicts, ${count.toLocaleString('en')} open items / 50 advertisers`,
        value: engine,
        unit: 'ms',
        floor,
        ratio,
        // The issue states the goal at 100k; the 10k run is there to show the growth.
        ...(count >= 100_000 ? { goal: '≤ 5× floor', met: ratio <= 5 } : {}),
      });
      const byKind = new Map<string, number>();
      for (const c of found.conflicts) byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
      notes.push(
        `${count.toLocaleString('en')} items: ${found.conflicts.length} conflicts (${[...byKind].map(([k, v]) => `${k} ${v}`).join(', ')}), ${found.supersede.length} duplicates superseded; floor = one pass grouping by advertiser and entity key.`,
      );
    }
    const growth = (perItem[100_000] ?? 0) / (perItem[10_000] ?? 1);
    measurements.push({
      label: 'time per item, 100k vs 10k (1.00 = linear)',
      value: growth,
      unit: '×',
      goal: '≤ 1.5 (linear)',
      met: growth <= 1.5,
    });
    notes.push(
      'Median of 9 rounds (100k) / 25 rounds (10k) after a warm-up, engine and floor alternating, in one Node.js process (pure in-memory engine).',
    );
    return { name: this.name, measurements, notes };
  },
};
