/**
 * Holds a Ctrl+C (SIGINT) or SIGTERM that arrives while the server is still starting (loading its modules, opening
 * the database, migrating) until its graceful shutdown is ready: without a listener Node would die of the signal, and
 * pnpm would report the start script as failed. `npm start` preloads this module (`node --import`) so that it listens
 * before anything else loads; main.ts imports it too, for other ways of starting.
 */
let held: NodeJS.Signals | null = null;
const hold = (signal: NodeJS.Signals) => {
  held ??= signal;
};
process.on('SIGINT', hold);
process.on('SIGTERM', hold);

/** Stops holding, and answers the signal that came meanwhile (to be sent again once shutdown is ready), if any. */
export function releaseHeldSignal(): NodeJS.Signals | null {
  process.off('SIGINT', hold);
  process.off('SIGTERM', hold);
  return held;
}
