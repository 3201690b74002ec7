/**
 * PostgreSQL aborts one of two transactions that wait on each other (deadlock_detected, 40P01) or that a serializable
 * schedule cannot order (serialization_failure, 40001), and expects the application to run the loser again: nothing
 * it wrote is kept, so running it again is safe. Writers of `recommendations` lock rows in one order (by id,
 * row-locks.ts) so that such cycles are rare; this makes the rest harmless.
 */
const TRANSIENT_CODES = new Set(['40P01', '40001']);

export function isTransientConflict(error: unknown): boolean {
  return TRANSIENT_CODES.has((error as { code?: unknown } | null)?.code as string);
}

/**
 * Runs `work` (one whole transaction, or an idempotent pass of several) and runs it again when the database aborted
 * it as a transient conflict, after a short jittered pause so that the two parties do not meet again at once.
 */
export async function retryOnTransientConflict<T>(
  work: () => Promise<T>,
  { attempts = 5, isRetryable = isTransientConflict }: { attempts?: number; isRetryable?: (error: unknown) => boolean } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt + Math.random() * 100));
    }
  }
}
