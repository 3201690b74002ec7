/** Applying a Partner Opportunity twice: upstream refuses the repeat, and the simulator keeps a record of it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../server.ts';
import { DEFAULT_CREDENTIALS } from '../state.ts';
import { accessTokenOf } from '../testing/access-token.ts';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(async () => {
  await simulator.close();
});

async function headers(): Promise<Record<string, string>> {
  const accessToken = await accessTokenOf(simulator.url);
  return {
    authorization: `Bearer ${accessToken}`,
    'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId,
    'amazon-advertising-api-manager-account': DEFAULT_CREDENTIALS.partnerAccountId,
    'content-type': 'application/vnd.partneropportunity.v1+json',
    accept: 'application/vnd.partneropportunity.v1+json',
  };
}

describe('Partner Opportunities apply', () => {
  it('refuses to apply a recommendation twice (PO_APPLY_ALREADY_APPLIED) and records the refused repeat apart from the ledger', async () => {
    const opportunity = simulator.state.opportunities[0];
    const row = opportunity?.rows[0];
    if (!opportunity || !row) throw new Error('the seeded world has no opportunity');
    const apply = async () =>
      fetch(`${simulator.url}/partnerOpportunities/${opportunity.partnerOpportunityId}/apply`, {
        method: 'POST',
        headers: await headers(),
        body: JSON.stringify({
          advertiserType: row.advertiserType,
          encryptedAdvertiserId: row.encryptedAdvertiserId,
          entityId: row.entityId,
          marketplace: row.marketplace,
          recommendationIds: [row.recommendationId],
        }),
      });

    expect((await apply()).status).toBe(202);
    const repeat = await apply();
    expect(repeat.status).toBeGreaterThanOrEqual(400);
    expect(await repeat.json()).toMatchObject({ failures: [{ recommendationId: row.recommendationId, code: 'PO_APPLY_ALREADY_APPLIED' }] });

    const { ledger, refusedRepeats } = (await (await fetch(`${simulator.url}/_simulator/ledger`)).json()) as Record<
      string,
      { api: string; key: string }[]
    >;
    expect(ledger?.filter((e) => e.key === row.recommendationId)).toHaveLength(1);
    expect(refusedRepeats).toEqual([expect.objectContaining({ api: 'partnerOpportunities.apply', key: row.recommendationId })]);
  });
});
