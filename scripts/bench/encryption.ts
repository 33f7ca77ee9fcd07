/**
 * What payload encryption costs a clean v3 application, in one run on one server:
 * `npx tsx scripts/bench/encryption.ts --help`. Two project lanes (worker and client each) on
 * their own task queues, one with the production codec and one without, run the same clean
 * applications one at a time in alternating batches. Prints JSON lines on stdout and a summary
 * on stderr; it asserts nothing.
 */
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import proto from '@temporalio/proto';
import { Command, Option } from 'commander';
import type { StartApplicationRequest } from '../../domain/application';
import { onboardingWorkflowId } from '../../domain/workflow-ids';
import { EncryptionCodec, isEncrypted } from '../../encryption/codec';
import { failureConverterPath } from '../../encryption/data-converter';
import { newApplication, readSmsCode } from '../../test/support/harness';
import { addressOption, type BenchEnv, namespaceOption, type ProjectLane, withBenchEnv } from './env';
import { ownCpuMs as cpuMs, processCpuMs } from './processes';
import { emit, machine, nonNegativeInt, note, positiveInt, round1 } from './stats';

const { History } = proto.temporal.api.history.v1;
const round2 = (x: number) => Math.round(x * 100) / 100;

interface Options {
  n: number;
  batch: number;
  warmup: number;
  address?: string;
  namespace: string;
}

const program = new Command()
  .name('bench:encryption')
  .description('History bytes and CPU per clean v3 application, with and without payload encryption.')
  .addOption(new Option('--n <count>', 'measured applications per lane').default(40).argParser(positiveInt))
  .addOption(
    new Option('--batch <count>', 'applications per batch (lanes alternate batch by batch)')
      .default(5)
      .argParser(positiveInt),
  )
  .addOption(
    new Option('--warmup <count>', 'unmeasured applications per lane first')
      .default(5)
      .argParser(nonNegativeInt),
  )
  .addOption(addressOption())
  .addOption(namespaceOption());

/** The codec, timed: wall time inside encode/decode (one application at a time, so it is its own). */
class TimedCodec implements PayloadCodec {
  ms = 0;
  payloads = 0;
  constructor(private readonly inner: PayloadCodec) {}
  async encode(payloads: Payload[], context?: SerializationContext) {
    const t = performance.now();
    try {
      return await this.inner.encode(payloads, context);
    } finally {
      this.ms += performance.now() - t;
      this.payloads += payloads.length;
    }
  }
  async decode(payloads: Payload[], context?: SerializationContext) {
    const t = performance.now();
    try {
      return await this.inner.decode(payloads, context);
    } finally {
      this.ms += performance.now() - t;
      this.payloads += payloads.length;
    }
  }
}

async function cleanApplication(env: BenchEnv, lane: ProjectLane, req: StartApplicationRequest) {
  const view = await lane.applications.start(req);
  if (view.status !== 'AWAITING_SMS_CODE') throw new Error(`start answered ${view.status}`);
  const code = await readSmsCode(env.providersUrl, req.applicant.mobile);
  const opened = await lane.applications.submitSmsCode(req.applicationId, code);
  if (opened.status !== 'OPENED') throw new Error(`the code answered ${opened.status}`);
  await lane.client.workflow.getHandle(onboardingWorkflowId(req.applicationId)).result();
}

interface LaneFigures {
  lane: 'plaintext' | 'encrypted';
  n: number;
  /** The bench process: worker, client and both sandboxes (the same for both lanes). */
  processCpuMsPerApp: number;
  serverCpuMsPerApp?: number;
  wallMsPerApp: number;
  historyBytes: number;
  historyEvents: number;
  payloads: number;
  payloadBytes: number;
  codec?: { workerMsPerApp: number; clientMsPerApp: number; payloadsPerApp: number };
}

async function historyFigures(lane: ProjectLane, applicationId: string) {
  const history = await lane.client.workflow.getHandle(onboardingWorkflowId(applicationId)).fetchHistory();
  const bytes = History.encode(history).finish().length;
  let payloads = 0;
  let payloadBytes = 0;
  let encrypted = 0;
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
    const o = v as Record<string, unknown>;
    if (o.metadata && typeof o.metadata === 'object' && !('fields' in o) && 'data' in o) {
      payloads++;
      payloadBytes += proto.temporal.api.common.v1.Payload.encode(o as Payload).finish().length;
      if (isEncrypted(o as Payload)) encrypted++;
    }
    for (const x of Object.values(o)) walk(x);
  };
  walk(history.events);
  return { bytes, events: history.events?.length ?? 0, payloads, payloadBytes, encrypted };
}

async function main(env: BenchEnv, opts: Options): Promise<boolean> {
  emit(machine('start'));
  const workerCodec = new TimedCodec(new EncryptionCodec(env.keyring));
  const clientCodec = new TimedCodec(new EncryptionCodec(env.keyring));
  const lanes = {
    plaintext: await env.addProjectLane({}),
    encrypted: await env.addProjectLane(
      { payloadCodecs: [workerCodec], failureConverterPath },
      { payloadCodecs: [clientCodec], failureConverterPath },
    ),
  };
  const names = ['plaintext', 'encrypted'] as const;
  const prepared = new Map<string, StartApplicationRequest[]>();
  for (const name of names) {
    const list: StartApplicationRequest[] = [];
    for (let i = 0; i < opts.warmup + opts.n; i++) list.push(await newApplication(env.documents));
    prepared.set(name, list);
  }
  note(`[bench] warm-up: ${opts.warmup} applications per lane`);
  for (const name of names) {
    for (let i = 0; i < opts.warmup; i++)
      await cleanApplication(env, lanes[name], prepared.get(name)!.pop()!);
  }
  workerCodec.ms = clientCodec.ms = workerCodec.payloads = clientCodec.payloads = 0;

  const totals = Object.fromEntries(names.map((n) => [n, { cpu: 0, server: 0, wall: 0, runs: 0, last: '' }]));
  let round = 0;
  while (names.some((n) => totals[n]!.runs < opts.n)) {
    const order: readonly (typeof names)[number][] = round++ % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const t = totals[name]!;
      const k = Math.min(opts.batch, opts.n - t.runs);
      if (k <= 0) continue;
      const cpu0 = cpuMs();
      const server0 = await processCpuMs(env.serverPid);
      const wall0 = performance.now();
      for (let i = 0; i < k; i++) {
        const req = prepared.get(name)!.pop()!;
        await cleanApplication(env, lanes[name], req);
        t.last = req.applicationId;
      }
      t.wall += performance.now() - wall0;
      t.cpu += cpuMs() - cpu0;
      const server1 = await processCpuMs(env.serverPid);
      if (server0 !== undefined && server1 !== undefined) t.server += server1 - server0;
      t.runs += k;
    }
  }

  const figures: LaneFigures[] = [];
  for (const name of names) {
    const t = totals[name]!;
    const h = await historyFigures(lanes[name], t.last);
    const f: LaneFigures = {
      lane: name,
      n: t.runs,
      processCpuMsPerApp: round1(t.cpu / t.runs),
      ...(env.serverPid && { serverCpuMsPerApp: round1(t.server / t.runs) }),
      wallMsPerApp: round1(t.wall / t.runs),
      historyBytes: h.bytes,
      historyEvents: h.events,
      payloads: h.payloads,
      payloadBytes: h.payloadBytes,
      ...(name === 'encrypted' && {
        codec: {
          workerMsPerApp: round2(workerCodec.ms / t.runs),
          clientMsPerApp: round2(clientCodec.ms / t.runs),
          payloadsPerApp: round1((workerCodec.payloads + clientCodec.payloads) / t.runs),
        },
      }),
    };
    if (name === 'encrypted' && h.encrypted === 0)
      throw new Error('the encrypted lane wrote no encrypted payload');
    figures.push(f);
    emit({ kind: 'lane', ...f });
  }
  const [plain, enc] = figures as [LaneFigures, LaneFigures];
  const cost = {
    kind: 'cost',
    historyBytes: enc.historyBytes - plain.historyBytes,
    historyBytesRatio: round2(enc.historyBytes / plain.historyBytes),
    processCpuMsPerApp: round1(enc.processCpuMsPerApp - plain.processCpuMsPerApp),
    ...(enc.serverCpuMsPerApp !== undefined && {
      serverCpuMsPerApp: round1(enc.serverCpuMsPerApp - plain.serverCpuMsPerApp!),
    }),
    wallMsPerApp: round1(enc.wallMsPerApp - plain.wallMsPerApp),
    codecMsPerApp: enc.codec,
  };
  emit(cost);
  const end = machine('end');
  emit(end);

  note('');
  note(
    `Per clean v3 application (n=${opts.n} per lane, one at a time, batches of ${opts.batch} alternating):`,
  );
  note(`${''.padEnd(34)}${'plaintext'.padStart(12)}${'encrypted'.padStart(12)}${'difference'.padStart(12)}`);
  const row = (label: string, a: number | undefined, b: number | undefined) =>
    note(
      `${label.padEnd(34)}${String(a ?? '-').padStart(12)}${String(b ?? '-').padStart(12)}` +
        `${String(a !== undefined && b !== undefined ? round1(b - a) : '-').padStart(12)}`,
    );
  row('history bytes', plain.historyBytes, enc.historyBytes);
  row('history events', plain.historyEvents, enc.historyEvents);
  row('payload bytes (in the history)', plain.payloadBytes, enc.payloadBytes);
  row('bench process CPU ms', plain.processCpuMsPerApp, enc.processCpuMsPerApp);
  row('dev server CPU ms', plain.serverCpuMsPerApp, enc.serverCpuMsPerApp);
  row('wall ms', plain.wallMsPerApp, enc.wallMsPerApp);
  note(
    `codec time per application: worker ${enc.codec?.workerMsPerApp} ms, client ${enc.codec?.clientMsPerApp} ms ` +
      `(${enc.codec?.payloadsPerApp} payloads encoded or decoded)`,
  );
  note(`machine: ${end.cores} cores, load average (1 min) at the end ${end.loadavg1m}`);
  return true;
}

program.action(async (opts: Options) => {
  await withBenchEnv({ address: opts.address, namespace: opts.namespace }, (env) => main(env, opts));
});

await program.parseAsync();
