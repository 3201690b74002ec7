/**
 * The simulator's own control endpoints, for tests that run it in another process: switch faults on or off, expire
 * every token now, and read what the simulator received (the ledger of changes and the request counts). They live
 * under `/_simulator`, a path no Amazon API uses, and are never subject to faults themselves.
 */
import { HttpResponse, http } from 'msw';
import { z } from 'zod';
import { isAdvanceable } from '../clock.ts';
import { expireAllTokens, FaultConfigSchema, requestCounts, setFaults } from '../faults.ts';
import type { SimulatorState } from '../state.ts';

/** `POST /_simulator/clock`: move the simulated clock forward (a year at most per call). */
export const ClockAdvanceSchema = z
  .strictObject({
    advanceDays: z.number().min(0).max(366).optional(),
    advanceHours: z
      .number()
      .min(0)
      .max(24 * 366)
      .optional(),
  })
  .refine((body) => body.advanceDays !== undefined || body.advanceHours !== undefined, 'name advanceDays or advanceHours');

const FaultRequestSchema = z.union([
  z.strictObject({ faults: FaultConfigSchema.nullable() }),
  z.strictObject({ expireTokensNow: z.literal(true) }),
]);

export function simulatorControlHandlers(state: SimulatorState) {
  return [
    http.post('*/_simulator/faults', async ({ request }) => {
      const parsed = FaultRequestSchema.safeParse(await request.json().catch(() => undefined));
      if (!parsed.success) {
        return HttpResponse.json(
          { code: 'BAD_REQUEST', details: `expected {faults: {...} | null} or {expireTokensNow: true}: ${z.prettifyError(parsed.error)}` },
          { status: 400 },
        );
      }
      if ('expireTokensNow' in parsed.data) expireAllTokens(state);
      else setFaults(state, parsed.data.faults);
      return HttpResponse.json({ faults: state.faults.config, injected: state.faults.injected });
    }),
    // The simulated clock: where the world's "today" is; advancing it makes new days of performance exist.
    http.get('*/_simulator/clock', () =>
      HttpResponse.json({ now: state.clock.now().toISOString(), offsetMs: isAdvanceable(state.clock) ? state.clock.offsetMs : 0 }),
    ),
    http.post('*/_simulator/clock', async ({ request }) => {
      const clock = state.clock;
      if (!isAdvanceable(clock)) {
        return HttpResponse.json({ code: 'CONFLICT', details: 'this simulator runs on a clock its host controls' }, { status: 409 });
      }
      const parsed = ClockAdvanceSchema.safeParse(await request.json().catch(() => undefined));
      if (!parsed.success) {
        return HttpResponse.json(
          { code: 'BAD_REQUEST', details: `expected {advanceDays?: number, advanceHours?: number}: ${z.prettifyError(parsed.error)}` },
          { status: 400 },
        );
      }
      const now = clock.advance({ days: parsed.data.advanceDays, hours: parsed.data.advanceHours });
      return HttpResponse.json({ now: now.toISOString(), offsetMs: clock.offsetMs });
    }),
    http.get('*/_simulator/ledger', () =>
      HttpResponse.json({
        ledger: state.ledger,
        refusedRepeats: state.refusedRepeats,
        requestCounts: requestCounts(state),
        faults: { config: state.faults.config, injected: state.faults.injected },
      }),
    ),
  ];
}
