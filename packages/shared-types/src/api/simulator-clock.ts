/**
 * The simulated clock (simulated mode only): `GET /api/simulator/clock` reads it, `POST /api/simulator/clock` moves it
 * forward so a demo or a test can walk a lifecycle (ingest, apply, wait out the measurement window, measure) in
 * minutes. The simulator and the BFF share it: new days of performance exist upstream, expiry and freshness see the
 * new time.
 */
import { z } from 'zod';

export const SimulatorClockAdvanceSchema = z
  .strictObject({
    advanceDays: z.number().min(0).max(366).optional(),
    advanceHours: z
      .number()
      .min(0)
      .max(24 * 366)
      .optional(),
  })
  .refine((body) => (body.advanceDays ?? 0) + (body.advanceHours ?? 0) > 0, 'name advanceDays or advanceHours, more than zero');
export type SimulatorClockAdvance = z.infer<typeof SimulatorClockAdvanceSchema>;

export const SimulatorClockSchema = z.object({
  /** The simulated now. */
  now: z.iso.datetime(),
  /** How far the simulated clock runs ahead of the wall clock. */
  offsetMs: z.number().nonnegative(),
});
export type SimulatorClock = z.infer<typeof SimulatorClockSchema>;
