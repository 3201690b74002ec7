/**
 * Time per stage of a sync, for the ingest benchmarks' profile (issue 18: a goal not met is explained by where the time
 * goes). Wraps the runtime's own store, lifecycle and conflict engine for the benchmark's process only: the store's
 * batches (preparing the rows, staging them, the merge statement), validation, and conflict detection. Download,
 * parse, normalise and join are what the source run spent beside its writes (the writes overlap the next batch's
 * fetch, so the stages of the source run do not add up to its wall time).
 */
import type { ConflictService } from '../src/conflicts/conflict-service.ts';
import type { LifecycleService } from '../src/lifecycle/lifecycle-service.ts';
import type { RecommendationStore } from '../src/lifecycle/recommendation-store.ts';
import type { BenchMeasurement } from './bench-report.ts';

interface Profiled {
  store: RecommendationStore;
  lifecycle: LifecycleService;
  conflicts: ConflictService;
}

export function profileStages(runtime: Profiled) {
  const totals = { batches: 0, storeMs: 0, prepareMs: 0, admitMs: 0, stageMs: 0, mergeMs: 0, validateMs: 0, conflictsMs: 0 };
  const store = runtime.store;
  const upsertMany = store.upsertMany.bind(store);
  store.upsertMany = async (items) => {
    const started = performance.now();
    const result = await upsertMany(items);
    totals.batches++;
    totals.storeMs += performance.now() - started;
    totals.prepareMs += result.timings.prepareMs;
    totals.admitMs += result.timings.admitMs;
    totals.stageMs += result.timings.stageMs;
    totals.mergeMs += result.timings.mergeMs;
    return result;
  };
  const lifecycle = runtime.lifecycle;
  // The after-ingest pass (after each source and after the sync) validates and re-detects what changed.
  const validate = lifecycle.validateChanged.bind(lifecycle);
  lifecycle.validateChanged = async (changes, actor) => {
    const started = performance.now();
    try {
      return await validate(changes, actor);
    } finally {
      totals.validateMs += performance.now() - started;
    }
  };
  const conflicts = runtime.conflicts;
  const redetect = conflicts.redetectChanged.bind(conflicts);
  conflicts.redetectChanged = async (changes) => {
    const started = performance.now();
    try {
      return await redetect(changes);
    } finally {
      totals.conflictsMs += performance.now() - started;
    }
  };
  return {
    /** The stages as measurements (seconds), labelled for the results table. */
    measurements(sourceSeconds: number): BenchMeasurement[] {
      const s = (ms: number) => ms / 1000;
      return [
        {
          label: `stage: store batches (${totals.batches}), wall time of the writes`,
          value: s(totals.storeMs),
          unit: 's',
        },
        { label: 'stage: prepare rows (ids, hashes, priorities)', value: s(totals.prepareMs), unit: 's' },
        { label: 'stage: validate the batch before the merge (a new item is written once)', value: s(totals.admitMs), unit: 's' },
        { label: 'stage: load the staging table (COPY)', value: s(totals.stageMs), unit: 's' },
        { label: 'stage: merge statement (insert, update, events)', value: s(totals.mergeMs), unit: 's' },
        {
          label: 'stage: download, parse, normalise, join (source run minus the writes; the two overlap)',
          value: Math.max(0, sourceSeconds - s(totals.storeMs)),
          unit: 's',
        },
        { label: 'stage: validation after the sync', value: s(totals.validateMs), unit: 's' },
        { label: 'stage: conflict detection after the sync', value: s(totals.conflictsMs), unit: 's' },
      ];
    },
  };
}
