/**
 * The core banking sandbox: accounts, bindings, holds, agreements, debits and a ledger per
 * account, idempotent, in an embedded database.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { catalogue } from '../catalogue';
import { type FaultSettings, installFaults, pathOf, type RefusableOperation } from '../faults';
import { createServer, parseOr400 } from '../http';
import { registerAccountRoutes } from './accounts';
import { registerAgreementRoutes } from './agreements';
import { registerDebitRoutes } from './debits';
import { registerLedgerRoutes } from './ledger';
import { CoreBankingStore } from './store';

const statsQuerySchema = z.object({ idNumber: z.string().min(1).optional() });

export interface CoreBankingSandboxOptions {
  dbFile: string;
  /**
   * The bank's cap on accounts per person and class, counted over every channel (the catalogue's
   * `perPersonCaps` unless given): opening one more answers 409 PERSON_ACCOUNT_CAP_REACHED.
   */
  perPersonCaps?: Partial<Record<'II' | 'III', number>>;
  logger?: boolean;
  /** Where log lines go when `logger` is on. */
  logStream?: { write(line: string): void };
  /** Fault knobs in force at startup (PUT /sandbox/faults changes them later). */
  faults?: FaultSettings;
  /** How long a simulated timeout hangs; 30 s unless a test wants it shorter. */
  faultHangMs?: number;
  /** The sandbox's clock (openedAt, boundAt, placedAt; the China day and year of the caps and limits). */
  now?: () => Date;
}

export function buildCoreBankingSandbox(opts: CoreBankingSandboxOptions): FastifyInstance {
  const app = createServer({ logger: opts.logger, logStream: opts.logStream });
  const store = new CoreBankingStore(opts.dbFile);
  const now = opts.now ?? (() => new Date());
  app.addHook('onClose', async () => store.close());

  installFaults(app, {
    prefixes: ['/core/'],
    refusable: CORE_REFUSABLE,
    initial: opts.faults,
    transient: {
      status: 503,
      body: { error: 'UNAVAILABLE', message: 'core banking is unavailable (sandbox fault)' },
    },
    hangMs: opts.faultHangMs,
  });
  app.get('/sandbox/catalogue', async () => catalogue.coreBanking);
  app.get('/sandbox/stats', async (request) => {
    const { idNumber } = parseOr400(statsQuerySchema, request.query, 'query');
    return store.stats(idNumber);
  });
  registerAccountRoutes(app, store, now, { ...catalogue.coreBanking.perPersonCaps, ...opts.perPersonCaps });
  registerAgreementRoutes(app, store, now);
  registerDebitRoutes(app, store, now);
  registerLedgerRoutes(app, store, now);
  return app;
}

/**
 * What `PUT /sandbox/faults {"refuse": [...]}` may refuse: open, bind, place a hold, lift a hold,
 * register or cancel an agreement, debit, close.
 */
const CORE_REFUSABLE: RefusableOperation[] = [
  {
    name: 'open',
    matches: (r) => r.method === 'POST' && pathOf(r.url).join('/') === 'core/v1/accounts',
  },
  { name: 'bind', matches: (r) => r.method === 'POST' && pathOf(r.url)[4] === 'binding' },
  { name: 'hold', matches: (r) => r.method === 'POST' && pathOf(r.url)[4] === 'holds' },
  { name: 'lift', matches: (r) => r.method === 'DELETE' && pathOf(r.url)[4] === 'holds' },
  {
    name: 'agreement',
    matches: (r) => ['PUT', 'DELETE'].includes(r.method) && pathOf(r.url)[2] === 'agreements',
  },
  { name: 'debit', matches: (r) => r.method === 'POST' && pathOf(r.url).join('/') === 'core/v1/debits' },
  { name: 'close', matches: (r) => r.method === 'POST' && pathOf(r.url)[4] === 'close' },
];
