/** Connecting the Temporal way: temporal.toml profiles and TEMPORAL_* variables (config/temporal.ts). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { describeTemporal, temporalConnectConfig } from '../../config/temporal';

const dir = mkdtempSync(path.join(os.tmpdir(), 'temporal-toml-'));
const caFile = path.join(dir, 'ca.pem');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nnot-a-real-ca\n-----END CERTIFICATE-----\n');
const tomlFile = path.join(dir, 'temporal.toml');
writeFileSync(
  tomlFile,
  `
[profile.default]
address = "temporal.internal:7233"
namespace = "account-opening"

[profile.cloud]
address = "account-opening.a1b2c.tmprl.cloud:7233"
namespace = "account-opening.a1b2c"
api_key = "cloud-api-key-0123456789"
[profile.cloud.tls]
server_name = "account-opening.a1b2c.tmprl.cloud"
server_ca_cert_path = "${caFile}"
[profile.cloud.grpc_meta]
x_team = "onboarding"

[profile.mtls]
address = "temporal.bank.example:7233"
namespace = "onboarding"
[profile.mtls.tls]
client_cert_data = "CERT"
client_key_data = "KEY"
`,
);

describe('temporalConnectConfig', () => {
  it('falls back to the local dev server when nothing is configured', () => {
    expect(temporalConnectConfig({})).toEqual({
      connectionOptions: { address: '127.0.0.1:7233' },
      namespace: 'default',
    });
  });

  it('takes TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE, as before', () => {
    const c = temporalConnectConfig({ TEMPORAL_ADDRESS: '10.1.2.3:7233', TEMPORAL_NAMESPACE: 'bank' });
    expect(c.connectionOptions).toEqual({ address: '10.1.2.3:7233' });
    expect(c.namespace).toBe('bank');
  });

  it('reads the default profile of TEMPORAL_CONFIG_FILE', () => {
    const c = temporalConnectConfig({ TEMPORAL_CONFIG_FILE: tomlFile });
    expect(c.connectionOptions.address).toBe('temporal.internal:7233');
    expect(c.namespace).toBe('account-opening');
    expect(c.connectionOptions.tls).toBeUndefined();
  });

  it('turns a Temporal Cloud profile (API key, TLS server name and CA) into connection options', () => {
    const c = temporalConnectConfig({ TEMPORAL_CONFIG_FILE: tomlFile, TEMPORAL_PROFILE: 'cloud' });
    expect(c.namespace).toBe('account-opening.a1b2c');
    expect(c.profile).toBe('cloud');
    const o = c.connectionOptions;
    expect(o.address).toBe('account-opening.a1b2c.tmprl.cloud:7233');
    expect(o.apiKey).toBe('cloud-api-key-0123456789');
    expect(o.metadata).toEqual({ 'x-team': 'onboarding' });
    expect(typeof o.tls).toBe('object');
    const tls = o.tls as { serverNameOverride?: string; serverRootCACertificate?: Uint8Array };
    expect(tls.serverNameOverride).toBe('account-opening.a1b2c.tmprl.cloud');
    expect(Buffer.from(tls.serverRootCACertificate!).toString()).toContain('not-a-real-ca');
    expect(describeTemporal(c)).toBe(
      'account-opening.a1b2c.tmprl.cloud:7233 namespace account-opening.a1b2c, profile cloud, TLS, API key',
    );
  });

  it('passes a client certificate pair (mTLS) on', () => {
    const c = temporalConnectConfig({}, { configSource: { path: tomlFile }, profile: 'mtls' });
    const tls = c.connectionOptions.tls as { clientCertPair?: { crt: Uint8Array; key: Uint8Array } };
    expect(Buffer.from(tls.clientCertPair!.crt).toString()).toBe('CERT');
    expect(Buffer.from(tls.clientCertPair!.key).toString()).toBe('KEY');
  });

  it('lets TEMPORAL_* variables override the profile, and an API key alone turns TLS on', () => {
    const c = temporalConnectConfig({
      TEMPORAL_CONFIG_FILE: tomlFile,
      TEMPORAL_ADDRESS: 'other.tmprl.cloud:7233',
      TEMPORAL_API_KEY: 'from-env-key',
    });
    expect(c.connectionOptions).toMatchObject({
      address: 'other.tmprl.cloud:7233',
      apiKey: 'from-env-key',
      tls: true,
    });
    expect(c.namespace).toBe('account-opening');
  });

  it('TEMPORAL_TLS=false disables TLS a profile asked for', () => {
    const c = temporalConnectConfig({
      TEMPORAL_CONFIG_FILE: tomlFile,
      TEMPORAL_PROFILE: 'mtls',
      TEMPORAL_TLS: 'false',
    });
    expect(c.connectionOptions.tls).toBe(false);
  });

  it('refuses a profile that the file does not have', () => {
    expect(() => temporalConnectConfig({ TEMPORAL_CONFIG_FILE: tomlFile, TEMPORAL_PROFILE: 'nope' })).toThrow(
      /Profile 'nope' not found/,
    );
  });

  it('is what loadConfig hands every process', () => {
    const config = loadConfig({ TEMPORAL_CONFIG_FILE: tomlFile, TEMPORAL_PROFILE: 'cloud' });
    expect(config.temporal.address).toBe('account-opening.a1b2c.tmprl.cloud:7233');
    expect(config.temporal.namespace).toBe('account-opening.a1b2c');
    expect(config.temporal.connect.connectionOptions.apiKey).toBe('cloud-api-key-0123456789');
  });
});
