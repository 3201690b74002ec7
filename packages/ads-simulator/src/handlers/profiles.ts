/** `GET /v2/profiles`: each regional host answers with the profiles of its own region (facts.md §5). */
import { HttpResponse, http } from 'msw';
import type { Region } from '../data/world.ts';
import type { SimulatorState } from '../state.ts';
import { checkBearer, logRequest } from './amazon-http.ts';

/**
 * The simulator serves every region from one origin: the region comes from Amazon's regional host name, or from a
 * `/na`, `/eu`, `/fe` path prefix (how the BFF addresses the simulator). A bare origin answers for all regions, like
 * a proxy in front of all three would.
 */
export function regionOf(url: URL): Region | 'ALL' {
  const prefix = url.pathname.split('/')[1]?.toUpperCase();
  if (prefix === 'NA' || prefix === 'EU' || prefix === 'FE') return prefix;
  if (url.hostname.includes('-eu.')) return 'EU';
  if (url.hostname.includes('-fe.')) return 'FE';
  if (url.hostname.startsWith('advertising-api.')) return 'NA';
  return 'ALL';
}

export function profileHandlers(state: SimulatorState) {
  return [
    http.get('*/v2/profiles', ({ request }) => {
      logRequest(state, request);
      const denied = checkBearer(state, request);
      if (denied) return denied;
      const region = regionOf(new URL(request.url));
      const profiles = state.world.profiles.filter((p) => region === 'ALL' || p.marketplace.region === region);
      return HttpResponse.json(
        profiles.map((p) => ({
          profileId: p.profileId,
          countryCode: p.marketplace.countryCode,
          currencyCode: p.marketplace.currency,
          dailyBudget: 999_999_999,
          timezone: p.marketplace.timezone,
          accountInfo: {
            marketplaceStringId: p.marketplace.marketplaceStringId,
            id: p.advertiser.entityId,
            type: p.advertiser.type.toLowerCase(),
            name: p.advertiser.name,
            validPaymentMethod: true,
          },
        })),
      );
    }),
  ];
}
