// Preloaded with `node --import` by test-with-shifted-clock.mjs: moves this process's wall clock
// RECDESK_CLOCK_SHIFT_DAYS days ahead, as `faketime` would, but with nothing to install. `new Date()` and
// `Date.now()` see the shifted time; a date built from a value is untouched.
const days = Number(process.env.RECDESK_CLOCK_SHIFT_DAYS ?? 0);
if (!Number.isFinite(days))
  throw new Error(`RECDESK_CLOCK_SHIFT_DAYS must be a number of days, not "${process.env.RECDESK_CLOCK_SHIFT_DAYS}"`);
const shiftMs = days * 86_400_000;
const RealDate = globalThis.Date;

class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + shiftMs);
    else super(...args);
  }

  static now() {
    return RealDate.now() + shiftMs;
  }
}

// `Date()` called without `new` returns the current time as a string; a class cannot be called, so wrap it.
globalThis.Date = new Proxy(ShiftedDate, {
  apply: () => new ShiftedDate().toString(),
});
