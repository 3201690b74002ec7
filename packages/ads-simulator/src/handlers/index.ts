/** All simulated Ads API endpoints over one state: the happy path that unit tests, dev and the HTTP server share. */
import { faultHandlers } from '../faults.ts';
import type { SimulatorState } from '../state.ts';
import { audienceInsightsHandlers } from './audience-insights.ts';
import { authHandlers } from './auth.ts';
import { brandBenchmarksHandlers } from './brand-benchmarks.ts';
import { brandMetricsHandlers } from './brand-metrics.ts';
import { historicReachHandlers } from './historic-reach.ts';
import { partnerOpportunityHandlers } from './partner-opportunities.ts';
import { personaBuilderHandlers } from './persona-builder.ts';
import { profileHandlers } from './profiles.ts';
import { reachForecastingHandlers } from './reach-forecasting.ts';
import { recommendationsApiHandlers } from './recommendations-api.ts';
import { reportingHandlers } from './reporting.ts';
import { simulatorControlHandlers } from './simulator-control.ts';
import { sponsoredBrandsHandlers } from './sponsored-brands.ts';
import { sponsoredDisplayHandlers } from './sponsored-display.ts';
import { sponsoredProductsEntityHandlers } from './sponsored-products-entities.ts';
import { sponsoredProductsRecommendationHandlers } from './sponsored-products-recommendations.ts';
import { streamSubscriptionHandlers } from './stream-subscriptions.ts';

export function createHandlers(state: SimulatorState) {
  // Faults first: they answer before (or delay) the real handler; control endpoints are never faulted.
  return [
    ...faultHandlers(state),
    ...simulatorControlHandlers(state),
    ...authHandlers(state),
    ...profileHandlers(state),
    ...partnerOpportunityHandlers(state),
    ...recommendationsApiHandlers(state),
    ...brandMetricsHandlers(state),
    ...brandBenchmarksHandlers(state),
    ...audienceInsightsHandlers(state),
    ...reachForecastingHandlers(state),
    ...historicReachHandlers(state),
    ...personaBuilderHandlers(state),
    ...sponsoredProductsEntityHandlers(state),
    ...sponsoredProductsRecommendationHandlers(state),
    ...sponsoredBrandsHandlers(state),
    ...sponsoredDisplayHandlers(state),
    ...reportingHandlers(state),
    ...streamSubscriptionHandlers(state),
  ];
}
