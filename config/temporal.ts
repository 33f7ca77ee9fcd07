/**
 * How every process reaches Temporal, the Temporal way (`@temporalio/envconfig`): a profile of a
 * `temporal.toml` file (TEMPORAL_CONFIG_FILE, else the platform's default path such as
 * ~/.config/temporalio/temporal.toml; TEMPORAL_PROFILE picks the profile, else `default`), then
 * the TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS* and
 * TEMPORAL_GRPC_META_* variables over it. What neither sets falls back to the local dev
 * server's 127.0.0.1:7233 and the `default` namespace. Temporal Cloud is a profile with an
 * address, a namespace and an API key (or a client certificate): a configuration change.
 *
 * The worker (NativeConnection), the API, the key commands and the benchmarks (Connection) all
 * connect with `connectionOptions` and use `namespace` from here.
 */
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import { type ConfigDataSource, loadClientConnectConfig } from '@temporalio/envconfig';

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';

/** What `Connection.connect` and `NativeConnection.connect` both accept. */
export interface TemporalConnectionOptions {
  address: string;
  /** true: TLS with the system's roots (an API key implies it); an object: certificates, server name. */
  tls?: TLSConfig | boolean;
  apiKey?: string;
  /** gRPC metadata sent with every call (TEMPORAL_GRPC_META_*, or the profile's grpc_meta). */
  metadata?: Record<string, string>;
}

export interface TemporalConnectConfig {
  connectionOptions: TemporalConnectionOptions;
  namespace: string;
  /** The profile's name when a file supplied one, for logs (never the key or certificates). */
  profile?: string;
}

export interface TemporalConnectOptions {
  /** A `temporal.toml` to read instead of TEMPORAL_CONFIG_FILE or the default path (tests). */
  configSource?: ConfigDataSource;
  /** A profile of the file instead of TEMPORAL_PROFILE or `default`. */
  profile?: string;
}

/**
 * The connection as configured in `env` (the process's by default). Throws when a named profile
 * or a named file is missing, or the file is malformed: a typo must not connect elsewhere.
 */
export function temporalConnectConfig(
  env: NodeJS.ProcessEnv = process.env,
  opts: TemporalConnectOptions = {},
): TemporalConnectConfig {
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') vars[k] = v;
  const loaded = loadClientConnectConfig({
    overrideEnvVars: vars,
    ...(opts.configSource && { configSource: opts.configSource }),
    ...(opts.profile && { profile: opts.profile }),
  });
  const c = loaded.connectionOptions;
  const connectionOptions: TemporalConnectionOptions = { address: c.address ?? DEFAULT_TEMPORAL_ADDRESS };
  if (c.tls !== undefined && c.tls !== null) connectionOptions.tls = c.tls;
  if (c.apiKey !== undefined && typeof c.apiKey === 'string') connectionOptions.apiKey = c.apiKey;
  if (c.metadata && Object.keys(c.metadata).length > 0) {
    connectionOptions.metadata = Object.fromEntries(
      Object.entries(c.metadata).map(([k, v]) => [k, String(v)]),
    );
  }
  const profile = opts.profile ?? vars.TEMPORAL_PROFILE;
  return {
    connectionOptions,
    namespace: loaded.namespace ?? DEFAULT_TEMPORAL_NAMESPACE,
    ...(profile && { profile }),
  };
}

/** A one-line description for logs and the run commands: address, namespace, TLS, key present. */
export function describeTemporal(c: TemporalConnectConfig): string {
  const o = c.connectionOptions;
  const parts = [`${o.address} namespace ${c.namespace}`];
  if (c.profile) parts.push(`profile ${c.profile}`);
  if (o.tls) parts.push('TLS');
  if (o.apiKey) parts.push('API key');
  return parts.join(', ');
}
