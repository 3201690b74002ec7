import { setFaults } from '@recdesk/ads-simulator/faults';
import { type RunningSimulator, startSimulator } from '@recdesk/ads-simulator/server';
import { DEFAULT_CREDENTIALS } from '@recdesk/ads-simulator/state';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdsApiError, AdsClient } from '../../ads-client/ads-client.ts';
import { LwaTokenProvider } from '../../ads-client/lwa-token-provider.ts';
import type { AdsRegion } from '../../config/env.ts';
import { downloadOpportunityFile } from './po-api.ts';

let simulator: RunningSimulator;
let client: AdsClient;
beforeAll(async () => {
  simulator = await startSimulator();
  client = new AdsClient({
    baseUrls: { NA: simulator.url } as Record<AdsRegion, string>,
    clientId: DEFAULT_CREDENTIALS.clientId,
    partnerAccountId: DEFAULT_CREDENTIALS.partnerAccountId,
    tokens: new LwaTokenProvider({ tokenUrl: `${simulator.url}/auth/o2/token`, ...DEFAULT_CREDENTIALS }),
    timeoutMs: 5_000,
  });
});
afterAll(async () => {
  await client.close();
  await simulator.close();
});
beforeEach(() => {
  setFaults(simulator.state, null);
  simulator.state.requestLog.length = 0;
});

const withRows = () => {
  const opportunity = simulator.state.opportunities.find((o) => o.rows.length > 0);
  if (!opportunity) throw new Error('no opportunity with rows');
  return opportunity;
};

describe('downloadOpportunityFile', () => {
  it('asks for a fresh file URL once when the pre-signed one has already expired', async () => {
    const opportunity = withRows();
    setFaults(simulator.state, { expiredFileUrls: 1 });
    const file = await downloadOpportunityFile(client, 'NA', opportunity.partnerOpportunityId);
    expect(file?.status).toBe(200);
    expect(await file?.text()).toContain(opportunity.columns[0]);
    expect(simulator.state.requestLog.filter((r) => r.path.endsWith('/file'))).toHaveLength(2);
  });

  it('reports a URL that keeps arriving expired instead of asking for ever', async () => {
    setFaults(simulator.state, { expiredFileUrls: 5 });
    const error = await downloadOpportunityFile(client, 'NA', withRows().partnerOpportunityId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdsApiError);
    expect(error).toMatchObject({ status: 403, code: 'AccessDenied', details: 'Request has expired' });
    expect(simulator.state.requestLog.filter((r) => r.path.endsWith('/file'))).toHaveLength(2);
  });
});
