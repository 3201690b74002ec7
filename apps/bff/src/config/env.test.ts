import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from './env.ts';

describe('parseEnv', () => {
  it('runs on the embedded default with nothing set', () => {
    const env = parseEnv({});
    expect(env.ADS_API_MODE).toBe('simulated');
    expect(env.PORT).toBe(3000);
    expect(env.ADS_REGIONS).toEqual(['NA', 'EU', 'FE']);
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('runs an apply worker in the server unless APPLY_EMBEDDED=false, which needs a PostgreSQL server', () => {
    expect(parseEnv({}).APPLY_EMBEDDED).toBe(true);
    expect(parseEnv({ APPLY_EMBEDDED: 'false', DATABASE_URL: 'postgres://db/recdesk' }).APPLY_EMBEDDED).toBe(false);
    expect(() => parseEnv({ APPLY_EMBEDDED: 'false' })).toThrow(/APPLY_EMBEDDED/);
    expect(() => parseEnv({ APPLY_EMBEDDED: 'no' })).toThrow(/APPLY_EMBEDDED/);
  });

  it('reads SESSION_SECRET as a list, the signing secret first, and refuses a short one without echoing it', () => {
    const [next, previous] = ['n'.repeat(32), 'p'.repeat(40)];
    expect(parseEnv({ SESSION_SECRET: `${next}, ${previous}` }).SESSION_SECRET).toEqual([next, previous]);
    expect(parseEnv({ SESSION_SECRET: next }).SESSION_SECRET).toEqual([next]);
    expect(parseEnv({}).SESSION_SECRET).toBeUndefined();
    expect(() => parseEnv({ SESSION_SECRET: `${next},too-short-secret` })).toThrow(/SESSION_SECRET/);
    expect(() => parseEnv({ SESSION_SECRET: `${next},too-short-secret` })).not.toThrow(/too-short-secret/);
  });

  it('names every bad or missing variable in live mode', () => {
    const parse = () => parseEnv({ ADS_API_MODE: 'live', ADS_CLIENT_ID: 'id', PORT: 'eighty', ADS_REGIONS: 'NA,XX' });
    expect(parse).toThrow(ConfigError);
    try {
      parse();
    } catch (error) {
      const message = (error as ConfigError).message;
      for (const name of ['PORT', 'ADS_REGIONS', 'ADS_CLIENT_SECRET', 'ADS_REFRESH_TOKEN', 'ADS_PARTNER_ACCOUNT_ID']) {
        expect(message).toContain(name);
      }
      expect(message).not.toContain('ADS_CLIENT_ID:');
    }
  });

  it('never echoes a secret in its message', () => {
    expect(() => parseEnv({ ADS_API_MODE: 'bogus', ADS_CLIENT_SECRET: '' })).toThrow(/ADS_API_MODE/);
    try {
      parseEnv({ DATABASE_URL: 'mysql://user:hunter2@x/db', ADS_REFRESH_TOKEN: 'Atzr|secret', ADS_API_MODE: 'nope' });
    } catch (error) {
      expect((error as Error).message).not.toContain('Atzr|secret');
    }
  });
});
