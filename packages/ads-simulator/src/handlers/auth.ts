/** Login with Amazon: the refresh-token grant on any regional token host (facts.md §5). */
import { randomBytes } from 'node:crypto';
import { HttpResponse, http } from 'msw';
import type { SimulatorState } from '../state.ts';
import { logRequest } from './amazon-http.ts';

export function authHandlers(state: SimulatorState) {
  return [
    http.post('*/auth/o2/token', async ({ request }) => {
      logRequest(state, request);
      const form = new URLSearchParams(await request.text());
      const fail = (error: string, description: string) => HttpResponse.json({ error, error_description: description }, { status: 400 });
      if (form.get('grant_type') !== 'refresh_token') return fail('unsupported_grant_type', 'grant_type must be refresh_token');
      if (form.get('client_id') !== state.credentials.clientId || form.get('client_secret') !== state.credentials.clientSecret) {
        return HttpResponse.json({ error: 'invalid_client', error_description: 'Client authentication failed' }, { status: 401 });
      }
      if (form.get('refresh_token') !== state.credentials.refreshToken) {
        return fail('invalid_grant', 'The request has an invalid grant parameter : refresh_token');
      }
      const accessToken = `Atza|${randomBytes(24).toString('base64url')}`;
      state.accessTokens.set(accessToken, state.clock.now().getTime() + state.accessTokenLifetimeSeconds * 1000);
      return HttpResponse.json({
        access_token: accessToken,
        refresh_token: state.credentials.refreshToken,
        token_type: 'bearer',
        expires_in: state.accessTokenLifetimeSeconds,
      });
    }),
  ];
}
