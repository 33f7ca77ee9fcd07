import type { Config } from '../../config';
import { auditTrailFromConfig, unconfiguredAudit } from '../../stores/audit';
import { linkedApplicantsDbFile, openLinkedApplicantsStore } from '../../stores/linked-applicants';
import { DocumentStore, type Sealer } from '../documents';
import { keyedLinkedApplicants, unconfiguredLinkedApplicants } from '../keyed-linked-applicants';
import type { Ports } from '../ports';
import { httpAppNotifier, tenantNotifier } from './app-notifier';
import { httpCoreBanking } from './core-banking';
import {
  httpBankSms,
  httpFaceVerifier,
  httpIdCardReader,
  httpIdentityRegister,
  httpPunishmentList,
  httpUnionPay,
  httpWatchlist,
} from './providers';

/**
 * The production wiring: every port over HTTP, documents from the shared store, the audit log in
 * PostgreSQL (DATABASE_URL) or <DATA_DIR>/audit.db, notes sealed with `sealer` (given dataDir and
 * counterHmacKey; without them recording fails and retries, never drops).
 */
export function httpPorts(
  config: Pick<
    Config,
    'providersUrl' | 'coreBankingUrl' | 'appWebhookUrl' | 'opsWebhookUrl' | 'webhookSecret' | 'documentsDir'
  > &
    Partial<
      Pick<Config, 'dataDir' | 'counterHmacKey' | 'partnerWebhooks' | 'databaseUrl' | 'auditCheckpoints'>
    >,
  /** Seals and opens documents under each application's data key: the keyring the codec uses. */
  sealer: Sealer,
): Ports {
  const { dataDir, counterHmacKey, databaseUrl, auditCheckpoints } = config;
  return {
    idCards: httpIdCardReader(config.providersUrl),
    identity: httpIdentityRegister(config.providersUrl),
    watchlist: httpWatchlist(config.providersUrl),
    punishmentList: httpPunishmentList(config.providersUrl),
    // Shared by every worker (SQLite under DATA_DIR, or PostgreSQL with DATABASE_URL), keyed like the daily limits.
    linkedApplicants:
      dataDir && counterHmacKey
        ? keyedLinkedApplicants(
            () => openLinkedApplicantsStore({ databaseUrl, file: linkedApplicantsDbFile(dataDir) }),
            counterHmacKey,
          )
        : unconfiguredLinkedApplicants,
    unionPay: httpUnionPay(config.providersUrl),
    face: httpFaceVerifier(config.providersUrl),
    coreBanking: httpCoreBanking(config.coreBankingUrl),
    providers: httpBankSms(config.providersUrl),
    notifier: tenantNotifier(
      { url: config.appWebhookUrl, secret: config.webhookSecret },
      config.partnerWebhooks ?? {},
    ),
    opsNotifier: httpAppNotifier(config.opsWebhookUrl, config.webhookSecret),
    documents: new DocumentStore(config.documentsDir, sealer),
    audit:
      dataDir && counterHmacKey
        ? auditTrailFromConfig({ dataDir, counterHmacKey, databaseUrl, auditCheckpoints }, sealer)
        : unconfiguredAudit,
  };
}
