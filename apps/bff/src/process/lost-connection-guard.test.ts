import { describe, expect, it } from 'vitest';
import { isLostConnection } from './lost-connection-guard.ts';

describe('lost database connections', () => {
  it('knows a reset socket, a refused connection and a server shutting down', () => {
    expect(isLostConnection(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isLostConnection(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isLostConnection(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isLostConnection(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('does not excuse anything else', () => {
    expect(isLostConnection(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
    expect(isLostConnection(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isLostConnection('ECONNRESET')).toBe(false);
  });
});
