/**
 * A small OpenID Connect provider for tests, following the standards the sign-in relies on: discovery, the
 * authorization endpoint (code flow, PKCE S256 required), the token endpoint (client_secret_post, one-use codes bound
 * to the redirect URI and the PKCE challenge) and an RS256-signed ID token whose key is published as a JWKS. The
 * person "signed in" at the provider is whoever `signInAs` names; `forgeSignature` signs with a key the JWKS does not
 * hold, as an attacker would. (oidc-provider from npm is not used: it declares Node 20 an unsupported runtime.)
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProviderPerson {
  sub: string;
  email: string;
  emailVerified: boolean;
  name?: string;
}

interface IssuedCode {
  person: ProviderPerson;
  redirectUri: string;
  challenge: string;
  nonce: string | null;
}

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  signInAs(person: ProviderPerson): void;
  forgeSignature: boolean;
  /** Every token it issued (access and ID tokens), for tests that look for them where they must not be. */
  issued: string[];
  close(): Promise<void>;
}

export async function startTestProvider(options: { clientId: string; clientSecret: string; redirectUri: string }): Promise<TestProvider> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const kid = b64url(randomBytes(8));
  const codes = new Map<string, IssuedCode>();
  let person: ProviderPerson | null = null;
  let issuer = '';

  const idToken = (code: IssuedCode, key: KeyObject) => {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
    const payload = b64url(
      JSON.stringify({
        iss: issuer,
        sub: code.person.sub,
        aud: options.clientId,
        iat: now,
        exp: now + 300,
        ...(code.nonce ? { nonce: code.nonce } : {}),
        email: code.person.email,
        email_verified: code.person.emailVerified,
        ...(code.person.name ? { name: code.person.name } : {}),
      }),
    );
    return `${header}.${payload}.${b64url(sign('sha256', Buffer.from(`${header}.${payload}`), key))}`;
  };

  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  };

  const provider: TestProvider = {
    issuer: '',
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    forgeSignature: false,
    issued: [],
    signInAs: (next) => {
      person = next;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    };
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post'],
        scopes_supported: ['openid', 'email', 'profile'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/jwks') {
      return json(200, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] });
    }
    if (req.method === 'GET' && url.pathname === '/authorize') {
      const q = url.searchParams;
      const redirectUri = q.get('redirect_uri') ?? '';
      if (q.get('client_id') !== options.clientId || redirectUri !== options.redirectUri) return json(400, { error: 'invalid_request' });
      if (q.get('response_type') !== 'code' || !q.get('scope')?.split(' ').includes('openid'))
        return json(400, { error: 'invalid_request' });
      const challenge = q.get('code_challenge');
      if (!challenge || q.get('code_challenge_method') !== 'S256')
        return json(400, { error: 'invalid_request', error_description: 'PKCE required' });
      if (!person) return json(401, { error: 'login_required' });
      const code = b64url(randomBytes(24));
      codes.set(code, { person, redirectUri, challenge, nonce: q.get('nonce') });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      const state = q.get('state');
      if (state) back.searchParams.set('state', state);
      back.searchParams.set('iss', issuer);
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      const form = await readBody(req);
      if (form.get('client_id') !== options.clientId || form.get('client_secret') !== options.clientSecret) {
        return json(401, { error: 'invalid_client' });
      }
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      if (
        form.get('grant_type') !== 'authorization_code' ||
        !code ||
        code.redirectUri !== form.get('redirect_uri') ||
        b64url(createHash('sha256').update(verifier).digest()) !== code.challenge
      ) {
        return json(400, { error: 'invalid_grant' });
      }
      const tokens = {
        access_token: b64url(randomBytes(24)),
        token_type: 'Bearer',
        expires_in: 300,
        id_token: idToken(code, provider.forgeSignature ? forger : privateKey),
      };
      provider.issued.push(tokens.access_token, tokens.id_token);
      return json(200, tokens);
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  provider.issuer = issuer;
  return provider;
}
