/** All simulated Ads API endpoints over one state: the happy path that unit tests, dev and the HTTP server share. */
import type { SimulatorState } from '../state.ts';
import { authHandlers } from './auth.ts';
import { partnerOpportunityHandlers } from './partner-opportunities.ts';
import { profileHandlers } from './profiles.ts';

export function createHandlers(state: SimulatorState) {
  return [...authHandlers(state), ...profileHandlers(state), ...partnerOpportunityHandlers(state)];
}
