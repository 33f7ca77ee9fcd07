/**
 * The project's clean v3 and v4 applications against the floor (no-op workflows of the same
 * shape), in one run on one server: `npx tsx scripts/bench/flow.ts --help`.
 * Prints JSON lines on stdout and a short summary on stderr; it asserts nothing.
 */
import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import type { StartApplicationRequest } from '../../domain/application';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import { newApplication, readSmsCode } from '../../test/support/harness';
import type { onboarding } from '../../workflows/onboarding/onboarding';
import { addressOption, type BenchEnv, namespaceOption, withBenchEnv } from './env';
import { type Floor, type Sample, startFloor } from './floor';
import { ownCpuMs, processCpuMs } from './processes';
import {
  addTo,
  emit,
  emptyPool,
  machine,
  nonNegativeInt,
  note,
  type PoolResult,
  perSecond,
  positiveInt,
  round1,
  runPool,
  type Spread,
  spread,
} from './stats';

interface Options {
  n: number;
  concurrency: number;
  rounds: number;
  solo: number;
  warmup: number;
  address?: string;
  namespace: string;
  split: boolean;
  workerNodeArgs?: string;
  serverPid?: number;
}

const program = new Command()
  .name('bench:flow')
  .description(
    'Throughput and latency of a clean v3 and a clean v4 application against the floor (no-op workflows of the same shape), in one run on one server.',
  )
  .addOption(new Option('--n <count>', 'runs per case in the load pass').default(80).argParser(positiveInt))
  .addOption(
    new Option('--concurrency <count>', 'runs in flight at once in the load pass')
      .default(20)
      .argParser(positiveInt),
  )
  .addOption(
    new Option('--rounds <count>', 'split the load pass into rounds, case order alternating')
      .default(2)
      .argParser(positiveInt),
  )
  .addOption(
    new Option('--solo <count>', 'runs per case in the single-applicant pass (0 skips it)')
      .default(15)
      .argParser(nonNegativeInt),
  )
  .addOption(
    new Option('--warmup <count>', 'unmeasured runs per case before measuring')
      .default(5)
      .argParser(nonNegativeInt),
  )
  .addOption(addressOption())
  .addOption(namespaceOption())
  .addOption(
    new Option(
      '--no-split',
      "run the project's worker and the sandboxes in the bench's process (CPU is then not read per process)",
    ),
  )
  .addOption(
    new Option(
      '--server-pid <pid>',
      'with --address: the Temporal server process whose CPU to read (e.g. `pgrep -f temporal-server`)',
    ).argParser(positiveInt),
  )
  .addOption(
    new Option(
      '--worker-node-args <args>',
      "node flags for the project worker's process, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof'",
    ),
  )
  .addHelpText(
    'after',
    '\n' +
      'Starts its own Temporal dev server (fast SQLite pragmas, headless, eager activity\n' +
      "execution), the sandboxes (one process, databases in a temp folder), the project's worker\n" +
      "and the floor's worker each in a process of its own (--no-split: all in this one), and\n" +
      'stops them all at the end. The load pass reads each process CPU time (/proc) and prints\n' +
      'it per run: worker, floor worker, bench (the client), server, sandboxes.\n\n' +
      'Cases (the floor: no-op workflows of scripts/bench/floor-workflows.ts, as ../shared/floor-bench):\n' +
      '  floor/parallel3-then-4         3 no-ops at once, then 4 in a row\n' +
      '  floor/code-then-open           3 at once, the code by update-with-start, 3 in a row; the\n' +
      '                                 update answers the account (phases accepted, answer, rest)\n' +
      '  floor/two-step-code-then-open  the same work driven like the project: update-with-start\n' +
      '                                 answers after the 3 (toAwaiting), a code update answers\n' +
      '                                 after the 3 more (codeToOpened), then the result (rest)\n' +
      '  project/clean-v3               Applications.start (toAwaiting), SMS code from the sandbox\n' +
      '                                 inbox (readCode), submitSmsCode (codeToOpened), workflow\n' +
      '                                 result (rest); a fresh person and card each run\n' +
      '  project/clean-v4               the same in flow v4: intent and device too, the punishment\n' +
      '                                 list and linked applicants checked, a risk rating kept with\n' +
      '                                 the account; a fresh person, card and device each run\n\n' +
      'Passes, after --warmup runs of every case:\n' +
      "  solo  --solo runs of each case one at a time, cases interleaved: a single applicant's\n" +
      '        phase times, for the aim of each phase within 100 ms of the floor (two-step)\n' +
      '  load  --n runs of each case, --concurrency at a time, in --rounds rounds of alternating\n' +
      '        case order: workflows/s, for the aim of 0.9x the floor (code-then-open)\n\n' +
      'Output: one JSON line per case and pass, a "ratios" line and "machine" lines on stdout;\n' +
      'progress and a summary on stderr. Exits 1 if any run failed. Timings are figures,\n' +
      'never pass/fail.' +
      '\n\nExamples:\n' +
      '  npx tsx scripts/bench/flow.ts\n' +
      '  npx tsx scripts/bench/flow.ts --n 300 --concurrency 50 | jq -c .\n' +
      '  npx tsx scripts/bench/flow.ts --address 127.0.0.1:7233 --solo 0',
  );

type Pass = 'solo' | 'load';

interface CaseFigures {
  case: string;
  pass: Pass;
  n: number;
  concurrency: number;
  /** Load pass only: in the solo pass it would just be 1 / mean latency. */
  wfPerSec?: number;
  p50ms: number;
  p99ms: number;
  phases: Record<string, Spread>;
  errors: number;
  firstError?: string;
  historyEvents?: number;
  /** Load pass only: CPU ms per run of each process, over the case's rounds. */
  cpuMsPerRun?: CpuFigures;
}

/**
 * `worker` is the project's worker process and `floorWorker` the floor's, each idle while the
 * other's cases run; `bench` is this process, the client (Applications, the API's layer); with
 * --no-split also both workers and the sandboxes.
 */
type CpuFigures = Partial<
  Record<'worker' | 'floorWorker' | 'bench' | 'server' | 'sandboxes' | 'total', number>
>;
type CpuTotals = Record<'worker' | 'floorWorker' | 'bench' | 'server' | 'sandboxes', number | undefined>;

async function cpuNow(env: BenchEnv, floor: Floor, serverPid: number | undefined): Promise<CpuTotals> {
  const [worker, floorWorker, server, sandboxes] = await Promise.all([
    processCpuMs(env.workerPid),
    processCpuMs(floor.workerPid),
    processCpuMs(env.serverPid ?? serverPid),
    processCpuMs(env.sandboxesPid),
  ]);
  return { worker, floorWorker, bench: ownCpuMs(), server, sandboxes };
}

function cpuAdd(total: CpuTotals, before: CpuTotals, after: CpuTotals): void {
  for (const k of Object.keys(total) as (keyof CpuTotals)[]) {
    const b = before[k];
    const a = after[k];
    total[k] = a === undefined || b === undefined ? undefined : (total[k] ?? 0) + a - b;
  }
}

function cpuPerRun(total: CpuTotals, runs: number): CpuFigures | undefined {
  if (runs === 0) return undefined;
  const out: CpuFigures = {};
  let sum = 0;
  for (const [k, v] of Object.entries(total) as [keyof CpuTotals, number | undefined][]) {
    if (v === undefined) continue;
    out[k] = round1(v / runs);
    sum += v;
  }
  out.total = round1(sum / runs);
  return out;
}

function figures(name: string, pass: Pass, concurrency: number, pool: PoolResult<Sample>): CaseFigures {
  const total = spread(pool.results.map((s) => s.totalMs));
  const phaseNames = Object.keys(pool.results[0]?.phases ?? {});
  return {
    case: name,
    pass,
    n: pool.results.length,
    concurrency,
    ...(pass === 'load' && { wfPerSec: perSecond(pool.results.length, pool.elapsedMs) }),
    p50ms: total.p50,
    p99ms: total.p99,
    phases: Object.fromEntries(phaseNames.map((p) => [p, spread(pool.results.map((s) => s.phases[p]!))])),
    errors: pool.errors,
    ...(pool.firstError && { firstError: pool.firstError }),
  };
}

/**
 * A clean v4 request from a clean v3 one: the declaration made, and a device of its own, so no
 * two runs are linked applicants (documentation addresses, RFC 5737).
 */
function asV4(req: StartApplicationRequest, i: number): StartApplicationRequest {
  return {
    ...req,
    flowVersion: 'v4',
    intent: { purpose: 'SAVINGS', declaresNoRentOrSale: true },
    device: { deviceId: `bench-${randomUUID()}`, platform: 'ANDROID', ip: `198.51.100.${i % 250}` },
  };
}

/** One clean v3 or v4 application, as an app would run it through Applications (the API's layer). */
function projectRun(env: BenchEnv, requests: StartApplicationRequest[]): () => Promise<Sample> {
  return async () => {
    const req = requests.pop();
    if (!req) throw new Error('ran out of prepared applications');
    const workflowId = onboardingWorkflowId(req.applicationId);
    const t0 = performance.now();
    const view = await env.applications.start(req);
    const t1 = performance.now();
    if (view.status !== 'AWAITING_SMS_CODE') {
      throw new Error(
        `start answered ${view.status}, not AWAITING_SMS_CODE (${JSON.stringify(view.reasons)})`,
      );
    }
    const code = await readSmsCode(env.providersUrl, req.applicant.mobile);
    const t2 = performance.now();
    const answer = await env.applications.submitSmsCode(req.applicationId, code);
    const t3 = performance.now();
    if (answer.status !== 'OPENED') throw new Error(`the code answered ${answer.status}, not OPENED`);
    const final = await env.client.workflow.getHandle<typeof onboarding>(workflowId).result();
    const t4 = performance.now();
    if (final.status !== 'OPENED') throw new Error(`the application ended ${final.status}, not OPENED`);
    return {
      workflowId,
      totalMs: t4 - t0,
      phases: { toAwaiting: t1 - t0, readCode: t2 - t1, codeToOpened: t3 - t2, rest: t4 - t3 },
    };
  };
}

async function historyEvents(env: BenchEnv, workflowId: string | undefined): Promise<number | undefined> {
  if (!workflowId) return undefined;
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  return history.events?.length;
}

const delta = (a: Spread | undefined, b: Spread | undefined): Spread | undefined =>
  a && b ? { p50: round1(a.p50 - b.p50), p99: round1(a.p99 - b.p99) } : undefined;

/** Project minus floor (two-step), in ms: the design wants the phases within 100 ms. */
interface Deltas {
  startToAwaitingMs?: Spread;
  codeToOpenedMs?: Spread;
  endToEndMs?: Spread;
}

/** One project case against the floor. */
interface ProjectRatios {
  throughputVsCodeThenOpen?: number;
  throughputVsTwoStep?: number;
  throughputVsParallel3Then4?: number;
  soloDeltas?: Deltas;
  loadDeltas: Deltas;
  historyEvents: { project?: number; floorCodeThenOpen?: number };
  /**
   * CPU ms per run, project / floor code-then-open: all processes; the server alone; the project's
   * worker against the floor's worker (split only).
   */
  cpuVsCodeThenOpen: { total?: number; server?: number; workerVsFloorWorker?: number };
}

/** v3's figures at the top level, as before v4 existed; v4's beside them, and against v3's. */
interface Ratios extends ProjectRatios {
  kind: 'ratios';
  v4: ProjectRatios & { throughputVsV3?: number };
  aims: {
    throughputRatioAtLeast: number;
    phaseDeltaAtMostMs: number;
    historyEventsAtMost: number;
    workerCpuMsPerApplicationAtMost: number;
  };
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b ? Math.round((a / b) * 100) / 100 : undefined;

async function main(env: BenchEnv, opts: Options): Promise<boolean> {
  const floor: Floor = await startFloor({
    client: env.plainClient,
    connection: env.workerConnection,
    namespace: env.namespace,
    ...(opts.split && { split: { address: env.address, external: !env.ownServer } }),
  });
  try {
    emit(machine('start'));
    const prepared = opts.warmup + opts.solo + opts.n;
    const t = performance.now();
    const requests: StartApplicationRequest[] = [];
    const v4Requests: StartApplicationRequest[] = [];
    for (let i = 0; i < prepared; i++) {
      requests.push(await newApplication(env.documents));
      v4Requests.push(asV4(await newApplication(env.documents), i));
    }
    note(
      `[bench] prepared ${prepared} applications of each flow (ID images stored) in ${Math.round(performance.now() - t)} ms`,
    );

    let seq = 0;
    const id = (name: string) => () => `${name}-${process.pid}-${++seq}`;
    const floorId = id('floor');
    const cases: { name: string; run: () => Promise<Sample> }[] = [
      { name: 'floor/parallel3-then-4', run: () => floor.parallel3Then4(floorId()) },
      { name: 'floor/code-then-open', run: () => floor.codeThenOpen(floorId()) },
      { name: 'floor/two-step-code-then-open', run: () => floor.twoStep(floorId()) },
      { name: 'project/clean-v3', run: projectRun(env, requests) },
      { name: 'project/clean-v4', run: projectRun(env, v4Requests) },
    ];
    const soloCases = cases.filter((c) => c.name !== 'floor/parallel3-then-4');

    if (opts.warmup > 0) {
      note(`[bench] warm-up: ${opts.warmup} runs of each case`);
      for (const c of cases) {
        const pool = await runPool(opts.warmup, Math.min(opts.concurrency, opts.warmup), c.run);
        if (pool.errors) note(`[bench] warm-up of ${c.name}: ${pool.errors} errors (${pool.firstError})`);
      }
    }

    const all: CaseFigures[] = [];
    if (opts.solo > 0) {
      note(`[bench] solo: ${opts.solo} runs of each case one at a time, interleaved`);
      const pools = new Map(soloCases.map((c) => [c.name, emptyPool<Sample>()]));
      for (let i = 0; i < opts.solo; i++) {
        for (const c of soloCases) addTo(pools.get(c.name)!, await runPool(1, 1, c.run));
      }
      for (const c of soloCases) {
        const f = figures(c.name, 'solo', 1, pools.get(c.name)!);
        all.push(f);
        emit({ ...f });
      }
    }

    // Rounds in alternating order (A B C D, D C B A, ...): a machine that gets busier or
    // quieter during the run, or a server whose database grows, favours no case.
    note(
      `[bench] load: ${opts.n} runs of each case, ${opts.concurrency} at a time, ` +
        `in ${opts.rounds} round(s) of alternating order`,
    );
    const loadPools = new Map(cases.map((c) => [c.name, emptyPool<Sample>()]));
    const cpu = new Map(
      cases.map((c) => [
        c.name,
        { worker: 0, floorWorker: 0, bench: 0, server: 0, sandboxes: 0 } as CpuTotals,
      ]),
    );
    for (let round = 0; round < opts.rounds; round++) {
      const runs = Math.floor(opts.n / opts.rounds) + (round < opts.n % opts.rounds ? 1 : 0);
      const order = round % 2 === 0 ? cases : [...cases].reverse();
      for (const c of order) {
        const before = await cpuNow(env, floor, opts.serverPid);
        const pool = await runPool(runs, opts.concurrency, c.run);
        cpuAdd(cpu.get(c.name)!, before, await cpuNow(env, floor, opts.serverPid));
        addTo(loadPools.get(c.name)!, pool);
        note(
          `[bench]   round ${round + 1}, ${c.name}: ${perSecond(pool.results.length, pool.elapsedMs)} workflows/s`,
        );
      }
    }
    for (const c of cases) {
      const pool = loadPools.get(c.name)!;
      const f = figures(c.name, 'load', opts.concurrency, pool);
      f.historyEvents = await historyEvents(env, pool.results.at(-1)?.workflowId);
      f.cpuMsPerRun = cpuPerRun(cpu.get(c.name)!, pool.results.length + pool.errors);
      all.push(f);
      emit({ ...f });
    }

    const get = (name: string, pass: Pass) => all.find((f) => f.case === name && f.pass === pass);
    const twoStep = (pass: Pass) => get('floor/two-step-code-then-open', pass);
    const floorCode = get('floor/code-then-open', 'load');
    const ratiosOf = (name: string): ProjectRatios => {
      const project = (pass: Pass) => get(name, pass);
      const phaseDeltas = (pass: Pass): Deltas => ({
        startToAwaitingMs: delta(project(pass)?.phases.toAwaiting, twoStep(pass)?.phases.toAwaiting),
        codeToOpenedMs: delta(project(pass)?.phases.codeToOpened, twoStep(pass)?.phases.codeToOpened),
        endToEndMs: delta(
          project(pass) && { p50: project(pass)!.p50ms, p99: project(pass)!.p99ms },
          twoStep(pass) && { p50: twoStep(pass)!.p50ms, p99: twoStep(pass)!.p99ms },
        ),
      });
      return {
        throughputVsCodeThenOpen: ratio(project('load')?.wfPerSec, floorCode?.wfPerSec),
        throughputVsTwoStep: ratio(project('load')?.wfPerSec, twoStep('load')?.wfPerSec),
        throughputVsParallel3Then4: ratio(
          project('load')?.wfPerSec,
          get('floor/parallel3-then-4', 'load')?.wfPerSec,
        ),
        soloDeltas: opts.solo > 0 ? phaseDeltas('solo') : undefined,
        loadDeltas: phaseDeltas('load'),
        historyEvents: {
          project: project('load')?.historyEvents,
          floorCodeThenOpen: floorCode?.historyEvents,
        },
        cpuVsCodeThenOpen: {
          total: ratio(project('load')?.cpuMsPerRun?.total, floorCode?.cpuMsPerRun?.total),
          server: ratio(project('load')?.cpuMsPerRun?.server, floorCode?.cpuMsPerRun?.server),
          workerVsFloorWorker: ratio(
            project('load')?.cpuMsPerRun?.worker,
            floorCode?.cpuMsPerRun?.floorWorker,
          ),
        },
      };
    };
    const ratios: Ratios = {
      kind: 'ratios',
      ...ratiosOf('project/clean-v3'),
      v4: {
        ...ratiosOf('project/clean-v4'),
        throughputVsV3: ratio(
          get('project/clean-v4', 'load')?.wfPerSec,
          get('project/clean-v3', 'load')?.wfPerSec,
        ),
      },
      aims: {
        throughputRatioAtLeast: 0.9,
        phaseDeltaAtMostMs: 100,
        historyEventsAtMost: 40,
        workerCpuMsPerApplicationAtMost: 20,
      },
    };
    emit({ ...ratios });
    const end = machine('end');
    emit(end);

    summarize(all, ratios, opts);
    note(`machine: ${end.cores} cores, load average (1 min) at the end ${end.loadavg1m}`);
    const errors = all.reduce((sum, f) => sum + f.errors, 0);
    if (errors) note(`[bench] ${errors} runs failed; see "errors" and "firstError" above.`);
    return errors === 0;
  } finally {
    await floor.stop();
  }
}

function summarize(all: CaseFigures[], ratios: Ratios, opts: Options): void {
  const ph = (f: CaseFigures, name: string) =>
    f.phases[name] ? `${f.phases[name].p50}/${f.phases[name].p99}` : '-';
  note('');
  note(`Summary (ms as p50/p99; load pass: n=${opts.n}, concurrency ${opts.concurrency})`);
  note(
    `${'case'.padEnd(32)}${'pass'.padEnd(6)}${'wf/s'.padStart(7)}${'end-to-end'.padStart(14)}` +
      `${'to awaiting'.padStart(14)}${'code->opened'.padStart(14)}${'events'.padStart(8)}`,
  );
  for (const f of all) {
    note(
      `${f.case.padEnd(32)}${f.pass.padEnd(6)}${String(f.wfPerSec ?? '-').padStart(7)}` +
        `${`${f.p50ms}/${f.p99ms}`.padStart(14)}${ph(f, 'toAwaiting').padStart(14)}` +
        `${ph(f, 'codeToOpened').padStart(14)}${String(f.historyEvents ?? '-').padStart(8)}` +
        (f.errors ? `  ${f.errors} errors` : ''),
    );
  }
  note('');
  note(
    opts.split
      ? "CPU ms per run in the load pass (worker: the project's worker process, idle in the floor's cases; " +
          "floor wkr: the floor's worker process, idle in the project's; bench: this process, the client)"
      : 'CPU ms per run in the load pass (--no-split: bench is the client, both workers and the sandboxes)',
  );
  note(
    `${'case'.padEnd(32)}${'worker'.padStart(8)}${'floor wkr'.padStart(11)}${'bench'.padStart(8)}${'server'.padStart(8)}` +
      `${'sandboxes'.padStart(11)}${'total'.padStart(8)}`,
  );
  const cell = (v: number | undefined, width: number) => String(v ?? '-').padStart(width);
  for (const f of all) {
    const c = f.cpuMsPerRun;
    if (!c) continue;
    note(
      `${f.case.padEnd(32)}${cell(c.worker, 8)}${cell(c.floorWorker, 11)}${cell(c.bench, 8)}${cell(c.server, 8)}` +
        `${cell(c.sandboxes, 11)}${cell(c.total, 8)}`,
    );
  }
  const floorCpu = all.find((f) => f.case === 'floor/code-then-open' && f.pass === 'load')?.cpuMsPerRun;
  note('');
  note(
    `each flow against the floor (code-then-open; solo deltas against the two-step floor, aim <= 100 ms):`,
  );
  for (const [flow, r] of [
    ['v3', ratios],
    ['v4', ratios.v4],
  ] as const) {
    const cpu = all.find((f) => f.case === `project/clean-${flow}` && f.pass === 'load')?.cpuMsPerRun;
    const solo = r.soloDeltas;
    note(
      `  ${flow}: throughput ${r.throughputVsCodeThenOpen ?? '-'} (aim >= 0.9); history events ` +
        `${r.historyEvents.project ?? '-'} (aim <= 40; floor ${r.historyEvents.floorCodeThenOpen ?? '-'}); ` +
        `worker CPU ${cpu?.worker ?? '-'} ms per application (aim <= 20; the floor's worker ` +
        `${floorCpu?.floorWorker ?? '-'}); CPU all processes ${r.cpuVsCodeThenOpen.total ?? '-'}, server ` +
        `${r.cpuVsCodeThenOpen.server ?? '-'}, worker / the floor's worker ${r.cpuVsCodeThenOpen.workerVsFloorWorker ?? '-'}` +
        (solo
          ? `; single applicant p50/p99 ms: start->AWAITING_SMS_CODE ${solo.startToAwaitingMs?.p50}/` +
            `${solo.startToAwaitingMs?.p99}, code->OPENED ${solo.codeToOpenedMs?.p50}/${solo.codeToOpenedMs?.p99}`
          : ''),
    );
  }
  note(`throughput v4 / v3: ${ratios.v4.throughputVsV3 ?? '-'}`);
}

program.action(async (opts: Options) => {
  const split = opts.split
    ? { workerNodeArgs: opts.workerNodeArgs?.split(/\s+/).filter(Boolean) }
    : undefined;
  await withBenchEnv({ address: opts.address, namespace: opts.namespace, split }, (env) => main(env, opts));
});

await program.parseAsync();
