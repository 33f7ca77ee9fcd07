import type { Config } from '../../config';
import { DocumentStore } from '../documents';
import type { Ports } from '../ports';
import { httpAppNotifier } from './app-notifier';
import { httpCoreBanking } from './core-banking';
import {
  httpFaceVerifier,
  httpIdCardReader,
  httpIdentityRegister,
  httpUnionPay,
  httpWatchlist,
} from './providers';

/** The production wiring: every port over HTTP, documents from the shared store. */
export function httpPorts(
  config: Pick<
    Config,
    'providersUrl' | 'coreBankingUrl' | 'appWebhookUrl' | 'opsWebhookUrl' | 'webhookSecret' | 'documentsDir'
  >,
): Ports {
  return {
    idCards: httpIdCardReader(config.providersUrl),
    identity: httpIdentityRegister(config.providersUrl),
    watchlist: httpWatchlist(config.providersUrl),
    unionPay: httpUnionPay(config.providersUrl),
    face: httpFaceVerifier(config.providersUrl),
    coreBanking: httpCoreBanking(config.coreBankingUrl),
    notifier: httpAppNotifier(config.appWebhookUrl, config.webhookSecret),
    opsNotifier: httpAppNotifier(config.opsWebhookUrl, config.webhookSecret),
    documents: new DocumentStore(config.documentsDir),
  };
}
