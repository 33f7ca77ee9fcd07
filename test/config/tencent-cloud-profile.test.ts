/**
 * PROVIDER_PROFILE=tencent-cloud in the settings: development falls back to the sandbox's key
 * pair and endpoint; production refuses the profile with any Tencent setting missing, a
 * development pair, or an endpoint at a sandbox, naming each setting and never its value.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { productionProblems } from '../../config/production';
import { TENCENT_SANDBOX_CREDENTIALS } from '../../contracts/tencent-cloud';
import { PRODUCTION_ENV } from '../support/production-env';

const TENCENT = {
  PROVIDER_PROFILE: 'tencent-cloud',
  TENCENTCLOUD_SECRET_ID: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
  TENCENTCLOUD_SECRET_KEY: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLEKEY',
  TENCENTCLOUD_REGION: 'ap-shanghai',
  TENCENTCLOUD_ENDPOINT: 'https://{service}.tencentcloudapi.com',
};

describe('the provider profile in development', () => {
  it('is the sandbox contract unless said', () => {
    expect(loadConfig({}).providerProfile).toEqual({ kind: 'sandbox' });
  });

  it('tencent-cloud without settings: the sandbox’s pair and its Tencent endpoint', () => {
    expect(
      loadConfig({ PROVIDER_PROFILE: 'tencent-cloud', PROVIDERS_SANDBOX_PORT: '7410' }).providerProfile,
    ).toEqual({
      kind: 'tencent-cloud',
      ...TENCENT_SANDBOX_CREDENTIALS,
      region: 'ap-guangzhou',
      endpoint: 'http://127.0.0.1:7410/sandbox/tencentcloud/{service}',
    });
  });

  it('an unknown profile or an endpoint that is no URL is refused, naming the setting', () => {
    expect(() => loadConfig({ PROVIDER_PROFILE: 'aliyun' })).toThrow(/PROVIDER_PROFILE/);
    expect(() => loadConfig({ PROVIDER_PROFILE: 'tencent-cloud', TENCENTCLOUD_ENDPOINT: 'nowhere' })).toThrow(
      /TENCENTCLOUD_ENDPOINT/,
    );
  });
});

describe('the provider profile in production', () => {
  it('starts with every Tencent setting given', () => {
    expect(productionProblems({ ...PRODUCTION_ENV, ...TENCENT })).toEqual([]);
    expect(loadConfig({ ...PRODUCTION_ENV, ...TENCENT }).providerProfile).toMatchObject({
      kind: 'tencent-cloud',
      region: 'ap-shanghai',
      endpoint: 'https://{service}.tencentcloudapi.com',
    });
  });

  it.each([
    'TENCENTCLOUD_SECRET_ID',
    'TENCENTCLOUD_SECRET_KEY',
    'TENCENTCLOUD_REGION',
    'TENCENTCLOUD_ENDPOINT',
  ])('refuses tencent-cloud without %s', (name) => {
    const env = { ...PRODUCTION_ENV, ...TENCENT, [name]: undefined };
    expect(productionProblems(env)).toEqual([`${name} is not set (PROVIDER_PROFILE=tencent-cloud needs it)`]);
  });

  it('refuses the sandbox’s key pair and an endpoint at a sandbox, quoting neither', () => {
    const env = {
      ...PRODUCTION_ENV,
      ...TENCENT,
      TENCENTCLOUD_SECRET_ID: TENCENT_SANDBOX_CREDENTIALS.secretId,
      TENCENTCLOUD_SECRET_KEY: TENCENT_SANDBOX_CREDENTIALS.secretKey,
      TENCENTCLOUD_ENDPOINT: 'http://127.0.0.1:7310/sandbox/tencentcloud/{service}',
    };
    const problems = productionProblems(env);
    expect(problems).toEqual([
      'TENCENTCLOUD_SECRET_ID holds a development value',
      'TENCENTCLOUD_SECRET_KEY holds a development value',
      'TENCENTCLOUD_ENDPOINT points at a sandbox',
    ]);
    expect(() => loadConfig(env)).toThrow(/TENCENTCLOUD_ENDPOINT points at a sandbox/);
  });

  it('a sandbox port on loopback is a sandbox too, whatever the path', () => {
    const env = { ...PRODUCTION_ENV, ...TENCENT, TENCENTCLOUD_ENDPOINT: 'http://localhost:7310/' };
    expect(productionProblems(env)).toEqual(['TENCENTCLOUD_ENDPOINT points at a sandbox']);
  });

  it('the sandbox profile asks for no Tencent setting', () => {
    expect(productionProblems({ ...PRODUCTION_ENV })).toEqual([]);
  });
});
