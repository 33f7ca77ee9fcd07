/** Where the CLI connects and as whom: pure, no API needed. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_API_URL, resolveConnection } from '../../cli/connection';

describe('resolveConnection', () => {
  it('takes --token, then OPERATOR_TOKEN, then the first of OPERATOR_TOKENS, then the development operator', () => {
    const env = {
      OPERATOR_TOKEN: 'from-operator-token-0123',
      OPERATOR_TOKENS: 'op-x=first-of-the-list-0123,op-y=second-of-the-list-0123',
    };
    expect(resolveConnection({ token: 'from-the-flag-0123456' }, env).token).toBe('from-the-flag-0123456');
    expect(resolveConnection({}, env).token).toBe('from-operator-token-0123');
    expect(resolveConnection({}, { OPERATOR_TOKENS: env.OPERATOR_TOKENS }).token).toBe(
      'first-of-the-list-0123',
    );
    expect(resolveConnection({}, {})).toEqual({
      baseUrl: DEFAULT_API_URL,
      token: 'dev-operator-alice-change-me',
    });
  });

  it('takes --api-url, then API_URL', () => {
    expect(resolveConnection({ apiUrl: 'http://a:1' }, { API_URL: 'http://b:2' }).baseUrl).toBe('http://a:1');
    expect(resolveConnection({}, { API_URL: 'http://b:2' }).baseUrl).toBe('http://b:2');
  });

  it('says which variable is malformed', () => {
    expect(() => resolveConnection({}, { OPERATOR_TOKENS: 'op-x=short' })).toThrow(
      'OPERATOR_TOKENS: each entry must be who=token, with a token of 16+ characters',
    );
  });

  it('reads no other setting: a bad server variable does not stop the CLI', () => {
    expect(resolveConnection({}, { API_PORT: 'not-a-port' }).token).toBe('dev-operator-alice-change-me');
  });
});
