/**
 * The providers sandbox: OCR, identity register, watch list, UnionPay, face, the bank's own SMS
 * one-time codes, SMS inbox and app webhook in one service; the OCR, register, three elements and
 * face in Tencent Cloud's wire format too (sandbox/tencent-cloud/).
 */
import type { FastifyInstance } from 'fastify';
import { catalogue } from '../catalogue';
import { type FaultSettings, installFaults, pathOf, type RefusableOperation } from '../faults';
import { createServer } from '../http';
import { registerTencentCloudRoutes } from '../tencent-cloud/app';
import { registerAppWebhookRoutes } from './app-webhook';
import { registerBankOtpRoutes } from './bank-otp';
import { registerFaceRoutes } from './face';
import { registerIdentityRoutes } from './identity';
import { registerOcrRoutes } from './ocr';
import { registerPunishmentListRoutes } from './punishment-list';
import { registerSmsInboxRoutes } from './sms-inbox';
import { ProvidersStore } from './store';
import { registerUnionPayRoutes } from './unionpay';
import { registerWatchlistRoutes } from './watchlist';

export interface ProvidersSandboxOptions {
  dbFile: string;
  logger?: boolean;
  /** Where log lines go when `logger` is on. */
  logStream?: { write(line: string): void };
  smsCodeTtlSeconds?: number;
  /** Lifetime of the bank's own one-time codes (POST /sms/v1/otp); the catalogue's 300 s unless given. */
  otpTtlSeconds?: number;
  /** When set, webhook deliveries must carry a valid signature made with it (as a real app would insist). */
  webhookSecret?: string;
  /** Partner banks' inboxes and the secrets their webhooks are signed with. */
  partnerWebhookSecrets?: Record<string, string>;
  /** Fault knobs in force at startup (PUT /sandbox/faults changes them later). */
  faults?: FaultSettings;
  /** How long a simulated timeout hangs; 30 s unless a test wants it shorter. */
  faultHangMs?: number;
  /** The sandbox's clock, so tests can expire codes, age counters and date ID cards without waiting. */
  now?: () => Date;
}

/** ID-card photos arrive base64-encoded in JSON: allow phone-camera sizes. */
const BODY_LIMIT = 16 * 1024 * 1024;

export function buildProvidersSandbox(opts: ProvidersSandboxOptions): FastifyInstance {
  const app = createServer({ logger: opts.logger, logStream: opts.logStream, bodyLimit: BODY_LIMIT });
  const store = new ProvidersStore(opts.dbFile);
  const now = opts.now ?? (() => new Date());
  app.addHook('onClose', async () => store.close());

  installFaults(app, {
    prefixes: ['/ocr/', '/identity/', '/watchlist/', '/punishment-list/', '/unionpay/', '/face/', '/sms/'],
    refusable: PROVIDER_REFUSABLE,
    initial: opts.faults,
    transient: { status: 503, body: { result: 'BUSY' } },
    hangMs: opts.faultHangMs,
  });
  app.get('/sandbox/catalogue', async () => catalogue);
  registerOcrRoutes(app, now);
  registerIdentityRoutes(app);
  registerWatchlistRoutes(app);
  registerPunishmentListRoutes(app, { store, now });
  registerFaceRoutes(app);
  registerUnionPayRoutes(app, {
    store,
    now,
    smsCodeTtlSeconds: opts.smsCodeTtlSeconds ?? catalogue.providers.smsConfirm.defaultCodeTtlSeconds,
  });
  registerBankOtpRoutes(app, {
    store,
    now,
    ttlSeconds: opts.otpTtlSeconds ?? catalogue.providers.bankOtp.defaultCodeTtlSeconds,
  });
  registerSmsInboxRoutes(app, store);
  registerAppWebhookRoutes(app, store, now, opts.webhookSecret, opts.partnerWebhookSecrets);
  // Tencent Cloud's wire format over the routes above (PROVIDER_PROFILE=tencent-cloud).
  registerTencentCloudRoutes(app, { now });
  return app;
}

const under = (first: string) => (r: { url: string }) => pathOf(r.url)[0] === first;
const unionPayCall =
  (...calls: string[]) =>
  (r: { url: string }) =>
    pathOf(r.url)[0] === 'unionpay' && calls.includes(pathOf(r.url)[2] ?? '');

/**
 * What `PUT /sandbox/faults {"refuse": [...]}` may refuse: each vendor's calls; `unionpay` is the
 * element checks, `sms` every code sent or checked after them: UnionPay's confirmation and
 * re-sending, and the bank's own one-time codes (`/sms/v1/...`).
 */
const PROVIDER_REFUSABLE: RefusableOperation[] = [
  { name: 'ocr', matches: under('ocr') },
  { name: 'identity', matches: under('identity') },
  { name: 'watchlist', matches: under('watchlist') },
  { name: 'punishment-list', matches: under('punishment-list') },
  { name: 'unionpay', matches: unionPayCall('four-elements', 'three-elements') },
  { name: 'face', matches: under('face') },
  {
    name: 'sms',
    matches: (r) => unionPayCall('sms-confirm', 'sms-resend')(r) || under('sms')(r),
  },
];
