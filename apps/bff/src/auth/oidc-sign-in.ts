/**
 * OpenID Connect sign-in (openid-client 6): the authorization code flow with PKCE, state and nonce, for agencies with
 * an identity provider. The provider is found by discovery; its ID token's signature is checked against its JWKS
 * (non-repudiation checks on, not only the TLS of the token call). A person is matched to an existing RecDesk user by
 * their verified email; with `autoCreate` an unknown person becomes a viewer of no advertiser until an admin grants
 * more. The session it ends in is the same as a password sign-in's (auth.ts).
 */
import * as client from 'openid-client';

export interface OidcConfig {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  /** This BFF's `/api/auth/oidc/callback`, as registered at the provider. */
  redirectUrl: string;
  autoCreate: boolean;
  /** Shown on the sign-in page: "Sign in with <providerName>". */
  providerName: string;
}

/** What the browser's session keeps between the redirect to the provider and its way back. */
export interface OidcPending {
  state: string;
  nonce: string;
  codeVerifier: string;
  startedAt: number;
}

export interface OidcIdentity {
  subject: string;
  email: string;
  name: string | null;
}

/** Why a sign-in through the provider was refused, in words safe to show and to audit (never a token). */
export class OidcRefusal extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'OidcRefusal';
  }
}

/** A round trip to the provider that takes longer than this is refused (a stale or replayed callback). */
const PENDING_TTL_MS = 10 * 60_000;

function isLocalHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export class OidcSignIn {
  private configuration: Promise<client.Configuration> | null = null;

  constructor(
    readonly config: OidcConfig,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private discover(): Promise<client.Configuration> {
    this.configuration ??= (async () => {
      const issuer = new URL(this.config.issuerUrl);
      // Plain http only for a provider on this machine (development and tests); anything else must be https.
      const execute = [client.enableNonRepudiationChecks, ...(isLocalHttp(issuer) ? [client.allowInsecureRequests] : [])];
      return client.discovery(issuer, this.config.clientId, undefined, client.ClientSecretPost(this.config.clientSecret), { execute });
    })().catch((error: unknown) => {
      // A provider that was down at the first try is tried again next time.
      this.configuration = null;
      throw error;
    });
    return this.configuration;
  }

  /** The provider's authorization URL for a new sign-in, and what the session must keep until the callback. */
  async start(): Promise<{ url: URL; pending: OidcPending }> {
    const configuration = await this.discover();
    const pending: OidcPending = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
      startedAt: this.now().getTime(),
    };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.redirectUrl,
      scope: 'openid email profile',
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  /** Exchanges the callback's code (checking state, PKCE, nonce and the ID token) for the person it names. */
  async finish(query: string, pending: OidcPending | undefined): Promise<OidcIdentity> {
    if (!pending || this.now().getTime() - pending.startedAt > PENDING_TTL_MS) {
      throw new OidcRefusal('no_pending_sign_in', 'This sign-in was not started here or took too long; start again.');
    }
    const configuration = await this.discover();
    const callbackUrl = new URL(this.config.redirectUrl);
    callbackUrl.search = query;
    let claims: client.IDToken | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : 'token_exchange_failed';
      throw new OidcRefusal(code, 'The identity provider did not confirm this sign-in.');
    }
    if (!claims) throw new OidcRefusal('no_id_token', 'The identity provider sent no ID token.');
    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
    if (!email || claims.email_verified !== true) {
      throw new OidcRefusal('email_not_verified', 'The identity provider did not vouch for an email address; ask an admin.');
    }
    return { subject: claims.sub, email, name: typeof claims.name === 'string' ? claims.name : null };
  }
}
