/**
 * The Partner Opportunities source, as the seeds' implementation guide describes it: discover the opportunities of
 * the whole partner network in one paged list, skip those whose `dataMetadata.rowCount` is 0, download each data
 * file through its 307, and stream its rows into normalised recommendations. A malformed opportunity or row is
 * quarantined with its reason; a file that cannot be fetched is reported and the other files go on. Campaign and ad
 * group names, portfolio and current values are joined in from the SP list endpoints (shared/entity-join.ts).
 *
 * A row names its advertiser by `encryptedAdvertiserId`, which no other source uses; every other source (and the
 * performance reports, the Stream, the users' advertiser grants) knows the advertiser as its profile's account id. A
 * row whose `profileId` (or, without one, `entityId`) belongs to one of the partner's profiles is filed under that
 * account, so scope, conflicts and impact line up across sources; the encrypted id stays in the raw row, which is
 * what the apply call sends.
 */

import type { NormalisedRecommendation } from '@recdesk/shared-types';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { readCsvRows } from '../shared/csv-rows.ts';
import { withJoinedEntities } from '../shared/entity-join.ts';
import type { SourceAdapter, SourceContext, SourceItem } from '../source-adapter.ts';
import { downloadOpportunityFile, listOpportunities } from './po-api.ts';
import { normalisePoRow } from './po-normalise.ts';

export const partnerOpportunitiesSource: SourceAdapter = {
  source: 'partner-opportunities',
  fetch: (context: SourceContext) => withJoinedEntities(opportunityRows(context), context),
};

async function* opportunityRows(context: SourceContext): AsyncGenerator<SourceItem> {
  // The partner network is global: one region lists every advertiser's opportunities.
  const region = context.client.regions[0] ?? 'NA';
  const accounts = accountDirectoryOf(context.profiles);
  for await (const item of listOpportunities(context.client, region, context.signal)) {
    if (!item.ok) {
      yield { type: 'quarantined', reason: item.reason, location: item.location, raw: item.raw };
      continue;
    }
    const { opportunity } = item;
    if (opportunity.dataMetadata.rowCount === 0) continue;
    const file = await downloadOpportunityFile(context.client, region, opportunity.partnerOpportunityId, context.signal);
    if (!file?.body) {
      context.log.warn({ opportunity: opportunity.partnerOpportunityId }, 'opportunity announced rows but has no data file');
      continue;
    }
    for await (const csv of readCsvRows(file.body)) {
      const location = `${opportunity.partnerOpportunityId} line ${csv.line}`;
      if (!csv.ok) {
        yield {
          type: 'quarantined',
          reason: `unreadable CSV row: ${csv.reason}`,
          location,
          raw: { opportunityId: opportunity.partnerOpportunityId, line: csv.raw },
        };
        continue;
      }
      const result = normalisePoRow(csv.row, opportunity);
      yield result.ok
        ? { type: 'recommendation', recommendation: underProfileAccount(result.recommendation, accounts) }
        : {
            type: 'quarantined',
            reason: result.reason,
            location,
            raw: { opportunityId: opportunity.partnerOpportunityId, row: csv.row },
          };
    }
  }
}

/**
 * Files the item under its profile's account when the profile is one of the partner's (or, for a row without a
 * profile, when its `entityId` is one of the partner's accounts); as the row says otherwise.
 */
function underProfileAccount(recommendation: NormalisedRecommendation, accounts: AccountDirectory): NormalisedRecommendation {
  const entityId = (recommendation.raw as { row?: Record<string, unknown> } | undefined)?.row?.entityId;
  const profile =
    (recommendation.profileId ? accounts.byProfile.get(recommendation.profileId) : undefined) ??
    (typeof entityId === 'string' ? accounts.byAccount.get(entityId.trim()) : undefined);
  if (!profile) return recommendation;
  return { ...recommendation, advertiserId: profile.accountId, advertiserName: recommendation.advertiserName ?? profile.accountName };
}

interface AccountDirectory {
  byProfile: ReadonlyMap<string, AdsProfile>;
  byAccount: ReadonlyMap<string, AdsProfile>;
}

function accountDirectoryOf(profiles: readonly AdsProfile[]): AccountDirectory {
  return {
    byProfile: new Map(profiles.map((profile) => [profile.profileId, profile])),
    byAccount: new Map(profiles.map((profile) => [profile.accountId, profile])),
  };
}
