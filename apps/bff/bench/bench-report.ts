/**
 * The shape every benchmark reports in, so `pnpm bench` can gather them into one table (bench/results.md). A
 * benchmark measures its subject and its floor in the same run (the best the machine can do for the same work, e.g.
 * a bare COPY or SQL query) and reports the ratio against the goal.
 */
export interface BenchMeasurement {
  /** What was measured, e.g. "ingest 100k PO rows". */
  label: string;
  value: number;
  unit: string;
  /** The same work at its floor, measured in the same run. */
  floor?: number;
  /** value / floor, when a floor exists. */
  ratio?: number;
  /** The goal as text ("≤ 3× floor") and whether this run met it. */
  goal?: string;
  met?: boolean;
}

export interface BenchResult {
  name: string;
  measurements: BenchMeasurement[];
  notes?: string[];
}

export interface Benchmark {
  name: string;
  run(): Promise<BenchResult>;
}

export function ratioOf(value: number, floor: number): number {
  return floor > 0 ? value / floor : Number.POSITIVE_INFINITY;
}
