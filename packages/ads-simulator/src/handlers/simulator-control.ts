/**
 * The simulator's own control endpoints, for tests that run it in another process: switch faults on or off, expire
 * every token now, and read what the simulator received (the ledger of changes and the request counts). They live
 * under `/_simulator`, a path no Amazon API uses, and are never subject to faults themselves.
 */
import { HttpResponse, http } from 'msw';
import { z } from 'zod';
import { expireAllTokens, FaultConfigSchema, requestCounts, setFaults } from '../faults.ts';
import type { SimulatorState } from '../state.ts';

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
    http.get('*/_simulator/ledger', () =>
      HttpResponse.json({
        ledger: state.ledger,
        requestCounts: requestCounts(state),
        faults: { config: state.faults.config, injected: state.faults.injected },
      }),
    ),
  ];
}
