/** An access token from the simulator's LwA endpoint for the default credentials, as a client gets one. */
import { DEFAULT_CREDENTIALS } from '../state.ts';

export async function accessTokenOf(simulatorUrl: string): Promise<string> {
  const answer = await fetch(`${simulatorUrl}/auth/o2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: DEFAULT_CREDENTIALS.refreshToken,
      client_id: DEFAULT_CREDENTIALS.clientId,
      client_secret: DEFAULT_CREDENTIALS.clientSecret,
    }),
  });
  return ((await answer.json()) as { access_token: string }).access_token;
}
