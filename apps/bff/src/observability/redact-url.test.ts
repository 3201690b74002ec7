import { describe, expect, it } from 'vitest';
import { redactQuery, redactUrl } from './redact-url.ts';

describe('redactUrl', () => {
  it("hides the OIDC callback's code and state and keeps the rest", () => {
    expect(redactUrl('/api/auth/oidc/callback?code=abc123&state=xyz&iss=https%3A%2F%2Fidp')).toBe(
      '/api/auth/oidc/callback?code=%5Bredacted%5D&state=%5Bredacted%5D&iss=https%3A%2F%2Fidp',
    );
  });

  it('hides tokens whatever their case', () => {
    expect(redactUrl('/api/x?Access_Token=t1')).not.toContain('t1');
  });

  it('leaves URLs without secrets untouched', () => {
    expect(redactUrl('/api/recommendations?status=approved&limit=50')).toBe('/api/recommendations?status=approved&limit=50');
    expect(redactUrl('/api/health')).toBe('/api/health');
    expect(redactUrl(undefined)).toBeUndefined();
  });

  it('hides them in a parsed query too', () => {
    expect(redactQuery({ code: 'abc', state: 's', iss: 'idp' })).toEqual({ code: '[redacted]', state: '[redacted]', iss: 'idp' });
    const plain = { status: 'approved' };
    expect(redactQuery(plain)).toBe(plain);
  });
});
