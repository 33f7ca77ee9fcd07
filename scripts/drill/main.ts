/**
 * `npm run drill`: a fault drill on one machine. The pieces run as processes of their own on
 * free ports (a Temporal dev server on a SQLite file, the sandboxes, the worker, the API), with
 * their data in a temp folder. Traffic goes through the HTTP API while the drill kills -9 the
 * pieces in turn and the sandboxes fail a share of vendor and core-banking calls. Then it heals
 * the faults, lets the workflows finish, reads the real stores and prints figures and a verdict
 * (scripts/drill/verdict.ts). Not a timed test: no figure is judged against a time. docs/drill.md.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { nonNegativeInt, positiveInt, share } from '../bench/stats';
import { findOrBuildTemporalCli } from '../temporal-cli';
import { observe, readVisibility } from './observe';
import { GaveUpError, type Persistence, persist, sleep } from './persist';
import { nodePiece, PIECE_NAMES, type Piece, type PieceName, temporalPiece } from './pieces';
import { AGREEMENTS_PER_ACCOUNT, type DrillInstitution, INSTITUTIONS, makePlan, seeded } from './plan';
import { type Journey, Traffic, whyStopped } from './traffic';
import { type ToldDebit, verdict, verdictTable } from './verdict';

const NAMESPACE = 'default';

function killList(value: string): PieceName[] {
  if (value === 'none') return [];
  const names = value.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(PIECE_NAMES as readonly string[]).includes(name))
      throw new InvalidArgumentError(`"${name}" is not a piece: use ${PIECE_NAMES.join(', ')} or none`);
  }
  return names as PieceName[];
}

const program = new Command('npm run drill')
  .description(
    'A fault drill on this machine. Starts a Temporal dev server (on a SQLite file), the sandboxes, the ' +
      'worker and the API as separate processes on free 127.0.0.1 ports, data in a temp folder. Drives ' +
      'applications (some through a review, some of those rejected and re-submitted), agreements signed ' +
      "with the SMS code and each account's burst of debits, each retried under its own reference, while " +
      'it kills -9 the pieces in turn and the sandboxes fail a share of calls. Then it heals the faults, ' +
      'lets the workflows finish, reads the real stores and prints figures and a verdict. Exits 0 on a ' +
      'clean verdict, 1 otherwise. Pass flags after --, e.g. `npm run drill -- --seed 7`.',
  )
  .addOption(new Option('--applications <n>', 'applications to open').default(32).argParser(positiveInt))
  .addOption(
    new Option('--reviews-share <share>', 'share of applications whose blurred photo sends them to a review')
      .default(0.25)
      .argParser(share),
  )
  .addOption(
    new Option(
      '--resubmit-share <share>',
      'share of those reviews an operator rejects first (a payment hold), then the customer re-submits photos and another operator approves',
    )
      .default(0.5)
      .argParser(share),
  )
  .addOption(
    new Option(
      '--debits <n>',
      `debits in all, spread over the accounts' ${AGREEMENTS_PER_ACCOUNT} agreements each; an account's go out at once once it is funded, enough to reach the limits`,
    )
      .default(400)
      .argParser(nonNegativeInt),
  )
  .addOption(
    new Option(
      '--ramp <seconds>',
      'applications start spread over this long, so that every step meets the kills',
    )
      .default(120)
      .argParser(nonNegativeInt),
  )
  .addOption(
    new Option(
      '--fault-rate <share>',
      'share of vendor (providers sandbox) and core-banking calls answered 503 while traffic runs',
    )
      .default(0.1)
      .argParser(share),
  )
  .addOption(
    new Option('--kills <pieces>', `pieces to kill -9 in turn, comma-separated, or none`)
      .default([...PIECE_NAMES], PIECE_NAMES.join(','))
      .argParser(killList),
  )
  .addOption(
    new Option('--kill-every <seconds>', 'pause between kills (±25%)').default(10).argParser(positiveInt),
  )
  .addOption(
    new Option('--down-for <seconds>', 'how long a killed piece stays down')
      .default(2)
      .argParser(nonNegativeInt),
  )
  .addOption(
    new Option(
      '--seed <n>',
      'seeds the plan: applicants, reviews, amounts, kill order (default: random, printed)',
    ).argParser(nonNegativeInt),
  )
  .addOption(
    new Option(
      '--timeout <seconds>',
      'overall deadline: past it the drill stops, reports what it found and fails',
    )
      .default(600)
      .argParser(positiveInt),
  )
  .addOption(
    new Option('--keep-data', 'keep the temp folder (logs of every piece, databases) and print where'),
  )
  .addHelpText(
    'after',
    `
Checks of the verdict (each read from the real stores):
  applications opened           every application OPENED (API)
  accounts and bindings         one account and one binding per person (core banking)
  reviews cleared               every review CLEARED, no hold left (API, core banking)
  ledgers                       each ledger holds exactly the debits its institution was told settled, once each
  every debit answered          each debit ended settled or refused (422), none left without an answer
  no limit passed               per-debit and daily limits of each agreement, the class's daily cap, no overdraft
  nothing stuck                 no application, review or signing still running, none failed (Temporal visibility)

Examples:
  npm run drill
  npm run drill -- --applications 40 --debits 400 --fault-rate 0.2
  npm run drill -- --kills temporal,worker --kill-every 10 --seed 42
  npm run drill -- --kills none --fault-rate 0     # the same traffic without faults`,
  );

interface Options {
  applications: number;
  reviewsShare: number;
  resubmitShare: number;
  debits: number;
  ramp: number;
  faultRate: number;
  kills: PieceName[];
  killEvery: number;
  downFor: number;
  seed?: number;
  timeout: number;
  keepData?: boolean;
}

const say = (line: string) => process.stderr.write(`[drill] ${line}\n`);
const secondsSince = (t: number) => `${((performance.now() - t) / 1000).toFixed(1)} s`;
const token = () => randomBytes(18).toString('base64url');

/** Distinct free ports: each held open until all are picked, so none is picked twice. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

const tally = (values: readonly string[]) => {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, n]) => `${v} ${n}`).join(', ') || 'none';
};

async function main(): Promise<boolean> {
  const opts = program.parse().opts<Options>();
  const seed = opts.seed ?? randomInt(1_000_000);
  const t0 = performance.now();
  const startedAt = Date.now();
  /** A point of the overall deadline: traffic until 70% of it, settling until 85%, reading the stores until the end. */
  const at = (share: number) => startedAt + opts.timeout * 1000 * share;
  const plan = makePlan({ ...opts, seed });
  const reviews = plan.applicants.filter((a) => a.review).length;
  const resubmits = plan.applicants.filter((a) => a.resubmit).length;
  say(
    `seed ${seed}: ${opts.applications} applications (${reviews} through a review, ${resubmits} of them re-submitted), ` +
      `${opts.applications * AGREEMENTS_PER_ACCOUNT} agreements, ${opts.debits} debits; fault rate ${opts.faultRate}; ` +
      `kills every ~${opts.killEvery} s: ${opts.kills.join(', ') || 'none'}`,
  );

  const dir = await mkdtemp(path.join(os.tmpdir(), 'account-opening-drill-'));
  const pieces = new Map<PieceName, Piece>();
  let finished = false;
  let removed = false;
  const cleanUp = async () => {
    if (finished) return;
    finished = true;
    // The front first, then what it depends on.
    for (const name of ['api', 'worker', 'sandboxes', 'temporal'] as const) await pieces.get(name)?.stop();
    if (opts.keepData) say(`data and logs kept in ${dir}`);
    else await rm(dir, { recursive: true, force: true });
    removed = true;
  };
  // Nothing outlives the drill: Ctrl-C, SIGTERM and the overall deadline stop every piece.
  process.on('exit', () => {
    for (const piece of pieces.values()) piece.killNow();
    if (!removed && !opts.keepData) rmSync(dir, { recursive: true, force: true });
  });
  let interruptedAt: number | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      // npm and tsx pass a terminal's Ctrl-C on too: the same one may arrive twice in a moment.
      if (interruptedAt !== undefined) {
        if (Date.now() - interruptedAt > 2000) process.exit(130);
        return;
      }
      interruptedAt = Date.now();
      say(`${signal}: stopping every piece (again to stop at once)`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  const overall = setTimeout(
    () => {
      say(`the overall deadline (${opts.timeout} s) passed: stopping every piece`);
      void cleanUp().finally(() => process.exit(1));
    },
    opts.timeout * 1000 + 30_000,
  );

  try {
    const [temporalPort, providersPort, coreBankingPort, apiPort, workerHealthPort] = (await freePorts(
      5,
    )) as [number, number, number, number, number];
    const temporalAddress = `127.0.0.1:${temporalPort}`;
    const providersUrl = `http://127.0.0.1:${providersPort}`;
    const coreBankingUrl = `http://127.0.0.1:${coreBankingPort}`;
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const tokens = {
      app: token(),
      alice: token(),
      bob: token(),
      supervisor: token(),
      engineer: token(),
      partner: token(),
      institutions: Object.fromEntries(INSTITUTIONS.map((i) => [i, token()])) as Record<
        DrillInstitution,
        string
      >,
    };
    // A temporal.toml of its own: a profile of the user's must not send the pieces elsewhere.
    const temporalToml = path.join(dir, 'temporal.toml');
    await writeFile(
      temporalToml,
      `[profile.default]\naddress = "127.0.0.1:${temporalPort}"\nnamespace = "${NAMESPACE}"\n`,
    );
    // Only what a process needs from ours: nothing of the caller's DATABASE_URL, tokens, TLS or keys.
    const inherited = Object.fromEntries(
      ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])),
    );
    const env: NodeJS.ProcessEnv = {
      ...inherited,
      DATA_DIR: dir,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_CONFIG_FILE: temporalToml,
      TASK_QUEUE: 'account-opening',
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      PROVIDERS_SANDBOX_PORT: String(providersPort),
      CORE_BANKING_SANDBOX_PORT: String(coreBankingPort),
      WORKER_HEALTH_HOST: '127.0.0.1',
      WORKER_HEALTH_PORT: String(workerHealthPort),
      WORKER_SHUTDOWN_GRACE_SECONDS: '5',
      WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
      DECISION_SIGNING_KEY: token() + token(),
      COUNTER_HMAC_KEY: token(),
      ENCRYPTION_MASTER_KEY: randomBytes(32).toString('base64'),
      ENCRYPTION_MASTER_KEY_ID: 'drill-1',
      APP_TOKENS: `drill-app=${tokens.app}`,
      PARTNER_APP_TOKENS: `drill-partner=${tokens.partner}`,
      PARTNER_WEBHOOK_SECRETS: `drill-partner=whsec_${randomBytes(24).toString('base64')}`,
      OPERATOR_TOKENS: `op-alice=${tokens.alice},op-bob=${tokens.bob}`,
      SUPERVISOR_TOKENS: `sup-carol=${tokens.supervisor}`,
      ENGINEER_TOKENS: `eng-dave=${tokens.engineer}`,
      INSTITUTION_TOKENS: INSTITUTIONS.map((i) => `${i}=${tokens.institutions[i]}`).join(','),
      LOG_LEVEL: 'warn',
    };

    let faultRate = 0;
    const setFaults = async (errorRate: number) => {
      for (const url of [providersUrl, coreBankingUrl]) {
        const res = await fetch(`${url}/sandbox/faults`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ errorRate }),
          signal: AbortSignal.timeout(5000),
        });
        if (!res.ok) throw new Error(`${url}/sandbox/faults answered ${res.status}`);
      }
    };
    const downMs = opts.downFor * 1000;
    const log = (line: string) => say(line);
    const pieceOpts = { dir, env, log, downMs };
    const cli = await findOrBuildTemporalCli({ log: (line) => say(`[temporal-cli] ${line}`) });
    pieces.set('temporal', temporalPiece(cli, temporalPort, pieceOpts));
    pieces.set(
      'sandboxes',
      nodePiece(
        'sandboxes',
        'sandbox/main.ts',
        [
          '--providers-port',
          String(providersPort),
          '--core-banking-port',
          String(coreBankingPort),
          '--host',
          '127.0.0.1',
          '--data-dir',
          dir,
        ],
        [`${providersUrl}/health`, `${coreBankingUrl}/health`],
        // The knobs live in memory: a restarted sandbox comes back healthy until told again.
        { ...pieceOpts, afterReady: () => setFaults(faultRate) },
      ),
    );
    pieces.set(
      'worker',
      nodePiece('worker', 'worker/main.ts', [], [`http://127.0.0.1:${workerHealthPort}/ready`], pieceOpts),
    );
    pieces.set('api', nodePiece('api', 'api/main.ts', [], [`${apiUrl}/health`], pieceOpts));
    const piece = (name: PieceName) => pieces.get(name)!;

    const started = performance.now();
    await Promise.all([piece('temporal').start(), piece('sandboxes').start()]);
    await Promise.all([piece('worker').start(), piece('api').start()]);
    say(`pieces up in ${secondsSince(started)}: Temporal ${temporalAddress}, API ${apiUrl}, data in ${dir}`);

    // Traffic stops retrying with time left to settle and read the stores.
    const p: Persistence = {
      deadline: at(0.7),
      noFirstTryAfterDeadline: true,
      retries: new Map(),
      lastFailure: new Map(),
    };
    const traffic = new Traffic(
      {
        apiUrl,
        providersUrl,
        coreBankingUrl,
        tokens: { app: tokens.app, alice: tokens.alice, bob: tokens.bob, institutions: tokens.institutions },
      },
      p,
    );

    faultRate = opts.faultRate;
    await setFaults(faultRate);
    let chaosOver = false;
    const chaosRandom = seeded(seed + 1);
    const chaos = (async () => {
      for (let i = 0; plan.kills.length > 0; i++) {
        const pause = opts.killEvery * 1000 * (0.75 + 0.5 * chaosRandom());
        for (const until = Date.now() + pause; Date.now() < until && !chaosOver; ) await sleep(200);
        if (chaosOver) return;
        const victim = piece(plan.kills[i % plan.kills.length]!);
        await victim.ready();
        if (chaosOver) return;
        const at = performance.now();
        say(`kill -9 ${victim.name}`);
        await victim.kill();
        await victim.ready();
        say(`${victim.name} back after ${secondsSince(at)}`);
      }
    })();

    const journeys: Journey[] = plan.applicants.map((applicant) => ({ applicant, agreements: [] }));
    const phases: [string, string][] = [];
    const told: ToldDebit[] = [];
    const progress = () =>
      `${journeys.filter((j) => j.accountNumber).length}/${journeys.length} opened, ` +
      `${journeys.filter((j) => j.reviewCleared).length}/${reviews} reviews cleared, ` +
      `${journeys.reduce((n, j) => n + j.agreements.length, 0)} agreements signed, ` +
      `${told.length}/${plan.debits.length} debits answered`;
    /**
     * One applicant's journey, start to end, while the pieces die around it: open, the review,
     * the agreements, the funding, then its debits all at once (the account's burst: its two
     * agreements race each other for the class's daily cap). Journeys start spread over the ramp,
     * so that every kind of step meets the kills.
     */
    const journey = async (j: Journey) => {
      const offset = (opts.ramp * 1000 * j.applicant.index) / journeys.length;
      await sleep(Math.max(0, Math.min(offset, p.deadline - Date.now())));
      let step = 'open';
      try {
        await traffic.open(j);
        step = 'review';
        if (j.applicant.review) await traffic.clearReview(j);
        step = 'agreements';
        await traffic.signAgreements(j);
        step = 'fund';
        await traffic.fund(j);
      } catch (err) {
        j.stoppedAt = whyStopped(step, err);
        say(`application ${j.applicant.index} stopped: ${j.stoppedAt}`);
      }
      // Sent even when the journey stopped short: the institution is told no, and the verdict says why.
      const mine = plan.debits.filter((d) => d.applicant === j.applicant.index);
      await Promise.all(mine.map(async (planned) => told.push(await traffic.debit(j, planned))));
    };
    const phase = performance.now();
    const reporter = setInterval(() => say(`${secondsSince(phase)}: ${progress()}`), 15_000);
    await Promise.all(journeys.map(journey));
    clearInterval(reporter);
    phases.push(['traffic', secondsSince(phase)]);
    say(`traffic done in ${secondsSince(phase)}: ${progress()}`);

    // Heal: no more kills, every piece up, no more faults; then let the workflows finish.
    chaosOver = true;
    await chaos;
    for (const name of PIECE_NAMES) await piece(name).ready();
    faultRate = 0;
    const settle: Persistence = { deadline: at(0.85), retries: new Map(), lastFailure: new Map() };
    await persist(
      settle,
      'heal faults',
      () => setFaults(0),
      () => true,
    );
    const settling = performance.now();
    const settled = await (async () => {
      for (;;) {
        const v = await persist(
          settle,
          'settle',
          () => readVisibility(temporalAddress, NAMESPACE),
          () => true,
        ).catch(() => undefined);
        if (v?.running === 0) return true;
        if (Date.now() > settle.deadline) return false;
        await sleep(1000);
      }
    })();
    phases.push([settled ? 'settle' : 'settle (gave up)', secondsSince(settling)]);
    const reading: Persistence = { deadline: at(1), retries: new Map(), lastFailure: new Map() };

    const { input, visibility } = await observe(
      {
        apiUrl,
        coreBankingUrl,
        temporalAddress,
        namespace: NAMESPACE,
        appToken: tokens.app,
        operatorToken: tokens.alice,
        since: new Date(Date.now() - (performance.now() - t0) - 60_000),
        logDir: dir,
      },
      reading,
      { applications: opts.applications, reviews, debits: opts.debits },
      plan.applicants,
      told,
    );
    const result = verdict(input);

    const out: string[] = [];
    out.push('', `Drill figures (seed ${seed})`);
    out.push(
      `  total                 ${secondsSince(t0)}; ${phases.map(([k, v]) => `${k} ${v}`).join(', ')}`,
    );
    out.push(
      `  traffic               ${opts.applications} applications, ${reviews} reviews (${resubmits} re-submitted), ` +
        `${journeys.reduce((n, j) => n + j.agreements.length, 0)} agreements signed, ${opts.debits} debits`,
    );
    out.push(
      `  debits                settled ${told.filter((d) => d.outcome === 'SETTLED').length}; refused: ` +
        `${tally(told.filter((d) => d.outcome === 'REFUSED').map((d) => d.reason ?? '?'))}; ` +
        `unanswered ${told.filter((d) => d.outcome === 'UNANSWERED').length}`,
    );
    out.push(
      `  faults                error rate ${opts.faultRate} on the providers and core-banking sandboxes`,
    );
    for (const name of PIECE_NAMES) {
      const f = piece(name).figures;
      out.push(
        `  ${name.padEnd(22)}kills ${f.kills}, restarts ${f.restarts}, unplanned exits ${f.unplannedExits}` +
          (f.exits.length ? ` (${f.exits.join(', ')})` : ''),
      );
    }
    out.push(`  client retries        ${tally([...p.retries].flatMap(([k, n]) => Array(n).fill(k)))}`);
    const stopped = journeys.flatMap((j) => (j.stoppedAt ? [j.stoppedAt] : []));
    if (stopped.length) out.push(`  journeys stopped      ${tally(stopped)}`);
    if (visibility.examples.length) out.push(`  workflows left        ${visibility.examples.join('; ')}`);
    out.push('', verdictTable(result.rows), '', `VERDICT: ${result.ok ? 'CLEAN' : 'NOT CLEAN'}`);
    process.stdout.write(`${out.join('\n')}\n`);
    return result.ok;
  } catch (err) {
    say(
      `failed: ${err instanceof GaveUpError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return false;
  } finally {
    clearTimeout(overall);
    await cleanUp();
  }
}

const ok = await main();
process.exit(ok ? 0 : 1);
