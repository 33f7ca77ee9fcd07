/** The codec server process (`npm start` runs it): decodes payloads for the Web UI and the CLI. */
import { loadConfigOrExit } from '../config';
import { logger } from '../config/logger';
import { observabilityRoutes, ProjectMetrics } from '../config/metrics';
import { EncryptionCodec } from './codec';
import { buildCodecServer, type CodecCaller } from './codec-server';
import { keyringFromConfig } from './from-config';

const config = loadConfigOrExit('codec-server');
const log = logger(config, 'codec');
const callers: CodecCaller[] = [
  ...config.tokens
    .filter((t) => t.role === 'operator')
    .map((t) => ({ id: t.id, token: t.token, role: 'operator' as const })),
  ...config.engineerTokens.map((t) => ({ ...t, role: 'engineer' as const })),
];
const keyring = keyringFromConfig(config);
const app = buildCodecServer({
  codec: new EncryptionCodec(keyring),
  callers,
  allowedOrigins: config.codecServer.corsOrigins,
  logger: log,
});
// /metrics and /ready beside its /health (config/metrics.ts).
await app.register(
  observabilityRoutes({ metrics: new ProjectMetrics('codec-server'), ready: () => true, health: false }),
);
await app.listen({ host: config.codecServer.host, port: config.codecServer.port });
log.info({ origins: config.codecServer.corsOrigins }, 'codec server ready');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await app.close();
    process.exit(0);
  });
}
