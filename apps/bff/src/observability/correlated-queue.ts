/** The apply queue, with each chunk a job of its own in the logs (under the request's id when a request queued it). */
import type { ApplyQueue } from '../apply/apply-queue.ts';
import { inJob } from './correlation.ts';

export function correlatedQueue(queue: ApplyQueue): ApplyQueue {
  return {
    enqueue: (chunkIds) => queue.enqueue(chunkIds),
    get runsHere() {
      return queue.runsHere;
    },
    work: (handler, options) => queue.work((chunkId) => inJob('apply-chunk', () => handler(chunkId)), options),
    stop: () => queue.stop(),
  };
}
