/**
 * Runs `work` over `inputs` with at most `limit` in flight and yields each outcome as soon as it settles, in the
 * order they finish. A source uses it to wait for several upstream reports at once (each takes seconds of polling)
 * while still reading the finished ones one at a time, so a sync costs about one report's wait per `limit`
 * profiles instead of one per profile, and memory holds one report's rows.
 *
 * A rejected work item is yielded as such (never left unhandled); a consumer that stops early leaves the work in
 * flight to finish or abort on its own signal.
 */
export interface SettledOutcome<T, R> {
  input: T;
  result: PromiseSettledResult<R>;
}

export async function* settledAsCompleted<T, R>(
  inputs: readonly T[],
  limit: number,
  work: (input: T) => Promise<R>,
): AsyncGenerator<SettledOutcome<T, R>> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const running = new Map<number, Promise<SettledOutcome<T, R> & { key: number }>>();
  let next = 0;
  const startNext = () => {
    const key = next++;
    const input = inputs[key] as T;
    running.set(
      key,
      work(input).then(
        (value) => ({ key, input, result: { status: 'fulfilled', value } }),
        (reason: unknown) => ({ key, input, result: { status: 'rejected', reason } }),
      ),
    );
  };
  while (next < inputs.length && running.size < limit) startNext();
  while (running.size > 0) {
    const settled = await Promise.race(running.values());
    running.delete(settled.key);
    if (next < inputs.length) startNext();
    yield { input: settled.input, result: settled.result };
  }
}
