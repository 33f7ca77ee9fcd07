/** The codec server process (`npm start` runs it): decodes payloads for the Web UI and the CLI. */

import { loadConfigOrExit } from '../config';
import { logger } from '../config/logger';
import { observabilityRoutes, ProjectMetrics } from '../config/metrics';
import { auditTrailFromConfig } from '../stores/audit';
import { EncryptionCodec } from './codec';
import { buildCodecServer, codecServerSettings } from './codec-server';
import { keyringFromConfig } from './from-config';

const config = loadConfigOrExit('codec-server');
const log = logger(config, 'codec');
const keyring = keyringFromConfig(config);
// The API's audit log (SQLite under DATA_DIR, or PostgreSQL with DATABASE_URL): decodes sit beside reveals.
const audit = auditTrailFromConfig(config, keyring);
const app = buildCodecServer({
  ...codecServerSettings(config),
  codec: new EncryptionCodec(keyring),
  audit,
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
    audit.close();
    process.exit(0);
  });
}
