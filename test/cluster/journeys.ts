/**
 * `npm run cluster:journeys` (and `.ci/run`): the production shape end to end. Starts
 * `npm run cluster` in a temp folder on ports of its own (CLUSTER_PORT_OFFSET, default 21000),
 * then, through the one API address:
 *   1. the clean and the review journeys (sdk/examples/open-account.ts, as written for npm start);
 *   2. a drain: applications in flight while one API and one worker get SIGTERM; every one of
 *      them opens, and both processes come back (the cluster restarts them);
 *   3. every process's /metrics shows the project's metrics, /health and /ready answer;
 *   4. one application's trace spans the API, the onboarding workflow and its activities;
 * and stops the cluster with SIGTERM. Prints `N passed, M failed`; exits 1 on any failure.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sandbox, testCustomer } from '../../sdk/examples/sandbox';
import { ApiClient } from '../../sdk/index';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = import.meta.resolve('tsx');
const offset = process.env.CLUSTER_PORT_OFFSET ?? '21000';
// A fresh machine builds the server, the SQL tool and the UI first.
const READY_TIMEOUT_MS = Number(process.env.CLUSTER_READY_TIMEOUT_MS ?? 900_000);

interface Ready {
  apiUrl: string;
  providersUrl: string;
  apis: string[];
  workers: string[];
  sandboxes: string[];
  codec: string;
  serverMetrics: string;
  ui?: string;
  tracesFile?: string;
}

const results: { name: string; ok: boolean; detail?: string }[] = [];
async function check(name: string, fn: () => Promise<string | undefined>): Promise<void> {
  const started = performance.now();
  try {
    const detail = await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Math.round(performance.now() - started)} ms)${detail ? `: ${detail}` : ''}`);
  } catch (err) {
    results.push({ name, ok: false, detail: (err as Error).message });
    console.log(`FAIL ${name}: ${(err as Error).stack ?? err}`);
  }
}
const assert = (cond: unknown, message: string) => {
  if (!cond) throw new Error(message);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: gave up after ${ms / 1000} s`);
    await sleep(250);
  }
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'account-opening-cluster-'));
// PostgreSQL runs as the postgres user (we are root in CI): it must reach <dataDir>/cluster/pg.
await chmod(dataDir, 0o755);
const logFile = path.join(dataDir, 'cluster-output.log');
const started = performance.now();
const cluster = spawn(process.execPath, ['--import', TSX, 'scripts/cluster.ts', '--port-offset', offset], {
  cwd: ROOT,
  env: { ...process.env, DATA_DIR: dataDir },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const output: string[] = [];
for (const stream of [cluster.stdout, cluster.stderr]) {
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    output.push(chunk);
    if (process.env.CLUSTER_VERBOSE) process.stdout.write(chunk);
  });
}
const exited = new Promise<number | null>((resolve) => cluster.once('exit', (code) => resolve(code)));

let ready: Ready | undefined;
try {
  const readyFile = path.join(dataDir, 'cluster', 'ready.json');
  ready = await Promise.race([
    until(
      'the cluster',
      async () =>
        existsSync(readyFile) ? (JSON.parse(readFileSync(readyFile, 'utf8')) as Ready) : undefined,
      READY_TIMEOUT_MS,
    ),
    exited.then((code) => {
      throw new Error(`npm run cluster exited (${code}) before it was ready`);
    }),
  ]);
  console.log(`cluster ready in ${((performance.now() - started) / 1000).toFixed(1)} s (data ${dataDir})`);
  const r = ready;

  await check(
    'clean and review journeys through the one address (sdk/examples/open-account.ts)',
    async () => {
      const child = spawn(process.execPath, ['--import', TSX, 'sdk/examples/open-account.ts'], {
        cwd: ROOT,
        env: { ...process.env, API_URL: r.apiUrl, SANDBOX_URL: r.providersUrl },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (out += c));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert(code === 0, `the example exited ${code}:\n${out}`);
      assert(/review NONE/.test(out), `no clean account opened:\n${out}`);
      assert(
        /hold lifted: account \d+ is ACTIVE/.test(out),
        `the review journey did not end with the hold lifted:\n${out}`,
      );
      return out.trim().split('\n').at(-1);
    },
  );

  await check('SIGTERM to an API and a worker with applications in flight: every one opens', async () => {
    const app = new ApiClient({ baseUrl: r.apiUrl, token: 'dev-app-token-change-me' });
    const sandbox = new Sandbox(r.providersUrl);
    const pidOf = async (url: string) =>
      ((await (await fetch(`${url}/ready`)).json()) as { pid: number }).pid;
    const [apiPid, workerPid] = [await pidOf(r.apis[0]!), await pidOf(r.workers[0]!)];
    const one = async (i: number) => {
      const customer = testCustomer();
      const idFront = await app.uploadDocument(
        await sandbox.idCardImage({
          side: 'FRONT',
          name: customer.name,
          idNumber: customer.idNumber,
          quality: [],
        }),
        'image/png',
      );
      const idBack = await app.uploadDocument(
        // Each its own bytes: documents are content-addressed, and an application takes its own.
        await sandbox.idCardImage({ side: 'BACK', validUntil: `2046-0${1 + (i % 9)}-1${i % 10}` }),
        'image/png',
      );
      const applicationId = crypto.randomUUID();
      const request = {
        applicationId,
        applicant: { name: customer.name, idNumber: customer.idNumber, mobile: customer.mobile },
        boundAccount: { number: customer.card, kind: 'DEBIT' as const },
        documents: { idFront, idBack },
        // v4 is the own app's default: the purpose and declaration, and a phone per customer.
        intent: { purpose: 'SAVINGS' as const, declaresNoRentOrSale: true },
        device: { deviceId: `cluster-device-${applicationId}`, platform: 'IOS' as const, ip: '127.0.0.1' },
      };
      // As an app would: a start that meets a draining instance or a closed connection is re-sent
      // (the start is idempotent by applicationId).
      const retry = async <T>(f: () => Promise<T>): Promise<T> => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await f();
          } catch (err) {
            if (attempt >= 5) throw err;
            await sleep(300 * attempt);
          }
        }
      };
      const first = await retry(() => app.startApplication(request));
      assert(first.status === 'AWAITING_SMS_CODE', `application ${i}: ${first.status}`);
      const code = await sandbox.smsCode(customer.mobile);
      const key = crypto.randomUUID();
      const opened = await retry(() => app.submitSmsCode(applicationId, code, key));
      assert(opened.status === 'OPENED', `application ${i}: ${opened.status}`);
      return applicationId;
    };
    const inFlight = Array.from({ length: 12 }, (_, i) => sleep(i * 60).then(() => one(i)));
    await sleep(250);
    process.kill(apiPid, 'SIGTERM');
    process.kill(workerPid, 'SIGTERM');
    const ids = await Promise.all(inFlight);
    const back = await until(
      'the API and the worker restarted',
      async () => {
        const [a, w] = await Promise.all([pidOf(r.apis[0]!), pidOf(r.workers[0]!)]);
        return a !== apiPid && w !== workerPid ? { a, w } : undefined;
      },
      60_000,
    );
    return `${ids.length} applications opened; api-1 ${apiPid} -> ${back.a}, worker-1 ${workerPid} -> ${back.w}`;
  });

  await check("every process's /metrics shows the project's metrics; /health and /ready answer", async () => {
    const text = async (url: string) => {
      const res = await fetch(url);
      assert(res.ok, `${url}: ${res.status}`);
      return res.text();
    };
    const sum = (body: string, name: string) =>
      body
        .split('\n')
        .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
        .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
    // After the drain above, the restarted instances first have to be up again.
    await until(
      'every instance ready',
      async () => {
        const ok = await Promise.all(
          [...r.apis, ...r.workers].map(async (u) => (await fetch(`${u}/ready`)).ok),
        );
        return ok.every(Boolean) ? true : undefined;
      },
      60_000,
    );
    const workers = await Promise.all(r.workers.map((w) => text(`${w}/metrics`)));
    const all = workers.join('\n');
    assert(sum(all, 'account_opening_applications_started_total') >= 1, 'no applications_started_total');
    assert(sum(all, 'account_opening_applications_opened_total') >= 1, 'no applications_opened_total');
    assert(sum(all, 'account_opening_webhook_deliveries_total') >= 1, 'no webhook_deliveries_total');
    assert(
      /account_opening_vendor_call_duration_seconds_count\{[^}]*vendor="unionpay"/.test(all),
      'no vendor latency',
    );
    assert(/^temporal_/m.test(all), "the worker's /metrics lacks the SDK runtime's temporal_* metrics");
    for (const api of r.apis) {
      const body = await text(`${api}/metrics`);
      assert(/account_opening_review_queue_depth\{/.test(body), `${api}: no review_queue_depth`);
      assert(/account_opening_review_oldest_pending_age_seconds/.test(body), `${api}: no oldest pending age`);
      assert(/account_opening_review_sla_breaches/.test(body), `${api}: no SLA breaches`);
      assert(
        /account_opening_http_request_duration_seconds_count\{/.test(body),
        `${api}: no request timings`,
      );
    }
    for (const url of [...r.sandboxes, r.codec]) {
      assert(
        /account_opening_http_request_duration_seconds/.test(await text(`${url}/metrics`)),
        `${url}: no metrics`,
      );
    }
    for (const url of [...r.apis, ...r.workers, ...r.sandboxes, r.codec]) {
      assert((await fetch(`${url}/health`)).ok, `${url}/health`);
      assert((await fetch(`${url}/ready`)).ok, `${url}/ready`);
    }
    assert(/^temporal_|^persistence_/m.test(await text(r.serverMetrics)), 'no server metrics');
    if (r.ui) {
      assert((await fetch(r.ui)).ok, `the Web UI at ${r.ui}`);
      // The UI server reads the cluster: the onboarding workflows are listed through it.
      const listed = await (
        await fetch(`${r.ui}/api/v1/namespaces/default/workflows?query=WorkflowType%3D%22onboarding%22`)
      ).json();
      assert(
        (listed as { executions?: unknown[] }).executions?.length,
        "the Web UI's API lists no onboarding workflow",
      );
    }
    return `opened ${sum(all, 'account_opening_applications_opened_total')} (both workers' counters)`;
  });

  await check("one application's trace spans the API, the workflow and its activities", async () => {
    assert(r.tracesFile, 'no traces file');
    // Spans are exported in batches about every second.
    return until(
      'a whole trace',
      async () => {
        const spans = readFileSync(r.tracesFile!, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map(
            (l) =>
              JSON.parse(l) as {
                traceId: string;
                name: string;
                service: string;
                attributes: Record<string, unknown>;
              },
          );
        const byTrace = new Map<string, typeof spans>();
        for (const s of spans) byTrace.set(s.traceId, [...(byTrace.get(s.traceId) ?? []), s]);
        for (const [traceId, ss] of byTrace) {
          const api = ss.find((s) => s.name === 'POST /v1/applications' && s.service.includes('-api-'));
          const wf = ss.find((s) => s.name === 'RunWorkflow:onboarding' && s.service.includes('-worker-'));
          const acts = ss.filter((s) => s.name.startsWith('RunActivity:'));
          if (api && wf && acts.length >= 4) {
            return `trace ${traceId} (${String(wf.attributes.workflowId)}): ${api.service} → ${wf.service}, ${acts.length} activities`;
          }
        }
        return undefined;
      },
      15_000,
    );
  });
} catch (err) {
  results.push({ name: 'the cluster started', ok: false, detail: (err as Error).message });
  console.log(`FAIL the cluster started: ${(err as Error).message}`);
} finally {
  cluster.kill('SIGTERM');
  const code = await Promise.race([exited, sleep(90_000).then(() => 'timeout' as const)]);
  if (code === 'timeout') cluster.kill('SIGKILL');
  const tail = output.join('').split('\n');
  const stoppedCleanly = code === 0 && tail.some((l) => l.includes('all stopped'));
  results.push({ name: 'SIGTERM stops the cluster cleanly', ok: stoppedCleanly });
  console.log(`${stoppedCleanly ? 'ok  ' : 'FAIL'} SIGTERM stops the cluster cleanly (exit ${code})`);
  if (results.some((x) => !x.ok)) {
    console.log(`--- cluster output (last 80 lines; all of it in ${logFile}) ---`);
    console.log(tail.slice(-80).join('\n'));
    await import('node:fs/promises').then((fs) => fs.writeFile(logFile, output.join('')));
  } else {
    await rm(dataDir, { recursive: true, force: true }).catch(() => {});
  }
}
const failed = results.filter((x) => !x.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
