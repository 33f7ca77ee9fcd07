/**
 * The review console's page weight and how fast its queue first renders with many cases parked:
 * `npm run bench:console -- --help`. Prints JSON lines on stdout and a summary on stderr; it
 * asserts nothing (figures, never pass/fail).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { chromium, type Page } from 'playwright-core';
import { httpCoreBanking } from '../../adapters/http/core-banking';
import { buildApi } from '../../api/app';
import type { Credentials } from '../../api/auth';
import { buildConsoleAssets, pageWeights } from '../../api/console-assets';
import { Funnel } from '../../api/services/funnel';
import { Reviews } from '../../api/services/reviews';
import { developmentDecisionSigningKey } from '../../domain/credentials';
import type { ReviewInput } from '../../domain/review';
import { defaultReviewPolicy } from '../../domain/review-defaults';
import { reviewWorkflowId } from '../../domain/workflow-ids';
import { memoryAuditTrail } from '../../stores/audit';
import { SqliteIdempotencyRecords } from '../../stores/idempotency-records';
import { newReviewSearchAttributes } from '../../workflows/search-attributes';
import { addressOption, type BenchEnv, namespaceOption, withBenchEnv } from './env';
import { emit, machine, note, percentile, positiveInt, round1, runPool } from './stats';

interface Options {
  cases: number;
  runs: number;
  screenshot: boolean;
  address?: string;
  namespace: string;
  chromium: string;
}

const program = new Command()
  .name('bench:console')
  .description(
    "The review console's page weight, and the time to first render of its queue with many cases parked.",
  )
  .addOption(
    new Option('--cases <count>', 'pending review cases to park first').default(500).argParser(positiveInt),
  )
  .addOption(new Option('--runs <count>', 'page loads measured per figure').default(5).argParser(positiveInt))
  .addOption(new Option('--screenshot', 'save docs/screenshots/console-queue-500.png of the full page'))
  .addOption(new Option('--chromium <path>', 'the browser').default('/usr/bin/chromium'))
  .addOption(addressOption())
  .addOption(namespaceOption())
  .addHelpText(
    'after',
    '\n' +
      'Builds the pages (JS and CSS bytes, raw and gzipped), starts its own Temporal dev server,\n' +
      'sandboxes and worker (scripts/bench/env.ts), parks --cases pending reviews (review\n' +
      'workflows started directly, each waiting for an operator), serves the API in-process and\n' +
      'opens /console in headless Chromium (signed in), --runs times:\n' +
      '  first page   navigation start to the first page of the queue (50 cases) in the DOM;\n' +
      '  500 per page navigation start to 500 rows in the DOM (page size 500 chosen);\n' +
      '  API          GET /v1/reviews?status=PENDING&limit=50 and limit=500, alone.\n',
  );

const OPERATOR_TOKEN = 'bench-operator-token-0123456789';
const tokens: Credentials = [{ role: 'operator', id: 'op-bench', token: OPERATOR_TOKEN }];
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Starts `count` review workflows as the onboarding workflow would, twenty at a time. */
async function parkCases(env: BenchEnv, count: number): Promise<void> {
  const pool = await runPool(count, 20, async (i) => {
    const applicationId = randomUUID();
    const accountNumber = `62300${String(i).padStart(14, '0')}`;
    const input: ReviewInput = {
      applicationId,
      accountNumber,
      flowVersion: 'v3',
      channel: i % 3 === 0 ? 'PARTNER' : 'OWN_APP',
      applicant: { name: '张伟', idNumber: '11010519491231002X' },
      reasons: [i % 2 ? 'ID_IMAGE_BLURRED' : 'ID_IMAGE_GLARE'],
      policy: defaultReviewPolicy,
    };
    await env.client.workflow.start('review', {
      taskQueue: env.taskQueue,
      workflowId: reviewWorkflowId(applicationId),
      args: [input],
      memo: { accountNumber },
      typedSearchAttributes: newReviewSearchAttributes(input.reasons, input),
    });
  });
  if (pool.errors) throw new Error(`${pool.errors} cases could not be parked: ${pool.firstError}`);
  const query = `WorkflowType = 'review' AND TaskQueue = '${env.taskQueue}' AND ReviewStatus = 'PENDING'`;
  for (let i = 0; (await env.client.workflow.count(query)).count < count; i++) {
    if (i > 300) throw new Error('visibility never showed every parked case');
    await new Promise((r) => setTimeout(r, 200));
  }
  note(`[bench] ${count} cases parked in ${Math.round(pool.elapsedMs)} ms`);
}

const median = (xs: number[]) => round1(percentile(xs, 0.5));

/** Until the queue has `count` rows in the DOM (a locator: the page's CSP refuses evaluated strings). */
const rows = (page: Page, count: number) =>
  page
    .locator('tr[data-review]')
    .nth(count - 1)
    .waitFor({ state: 'attached', timeout: 60_000 });

async function main(env: BenchEnv, opts: Options): Promise<boolean> {
  emit({ kind: 'machine', ...machine('start') });
  const buildStarted = performance.now();
  const built = await buildConsoleAssets();
  const weights = await pageWeights(built);
  emit({ kind: 'page-weight', buildMs: Math.round(performance.now() - buildStarted), ...weights });

  await parkCases(env, opts.cases);
  const api = await buildApi({
    tokens,
    applications: env.applications,
    reviews: new Reviews(env.client, {
      taskQueue: env.taskQueue,
      decisionSigningKey: developmentDecisionSigningKey,
    }),
    funnel: new Funnel(env.client, env.taskQueue),
    documents: env.documents,
    coreBanking: httpCoreBanking(env.coreBankingUrl),
    idempotency: new SqliteIdempotencyRecords(':memory:', 'bench-counter-hmac-key-0123456789'),
    audit: memoryAuditTrail(),
  });
  await api.listen({ host: '127.0.0.1', port: 0 });
  const address = api.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({
    executablePath: opts.chromium,
    headless: true,
    args: ['--no-sandbox'],
  });
  try {
    // The API builds the assets on its first request: not part of any figure.
    await fetch(`${base}/console`);

    const apiMs = { 50: [] as number[], 500: [] as number[] };
    for (let run = 0; run < opts.runs; run++) {
      for (const limit of [50, 500] as const) {
        const t = performance.now();
        const res = await fetch(`${base}/v1/reviews?status=PENDING&limit=${limit}`, {
          headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
        });
        await res.json();
        apiMs[limit].push(performance.now() - t);
      }
    }

    const firstPage: number[] = [];
    const fullPage: number[] = [];
    for (let run = 0; run < opts.runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'zh-CN' });
      await context.addInitScript({
        content: `sessionStorage.setItem('account-opening.console.token', ${JSON.stringify(OPERATOR_TOKEN)});`,
      });
      const page = await context.newPage();
      await page.goto(`${base}/console`);
      await rows(page, 50);
      firstPage.push((await page.evaluate('performance.now()')) as number);
      // 500 a page: from choosing it to 500 rows, and from a fresh navigation.
      await page.getByLabel('每页').selectOption('500');
      await rows(page, 500);
      if (opts.screenshot && run === 0) {
        const file = path.join(ROOT, 'docs/screenshots/console-queue-500.png');
        await page.screenshot({ path: file });
        note(`[bench] screenshot ${file}`);
      }
      await page.reload();
      await rows(page, 50);
      const t0 = (await page.evaluate('performance.now()')) as number;
      await page.getByLabel('每页').selectOption('500');
      await rows(page, 500);
      fullPage.push(((await page.evaluate('performance.now()')) as number) - t0);
      await context.close();
    }
    const figures = {
      kind: 'queue-render',
      cases: opts.cases,
      runs: opts.runs,
      firstPage50Ms: median(firstPage),
      choose500ToRenderedMs: median(fullPage),
      apiList50Ms: median(apiMs[50]),
      apiList500Ms: median(apiMs[500]),
    };
    emit(figures);
    const w = weights.console;
    note(
      `[bench] console page weight: JS ${w.jsBytes} B (${w.jsGzipBytes} B gzipped), CSS ${w.cssBytes} B (${w.cssGzipBytes} B gzipped)`,
    );
    note(
      `[bench] queue with ${opts.cases} cases, median of ${opts.runs}: first render of page 1 (50 rows) ` +
        `${figures.firstPage50Ms} ms after navigation start; 500 rows ${figures.choose500ToRenderedMs} ms after choosing 500 a page; ` +
        `API alone ${figures.apiList50Ms} ms (50) / ${figures.apiList500Ms} ms (500)`,
    );
    emit({ kind: 'machine', ...machine('end') });
    return true;
  } finally {
    await browser.close();
    await api.close();
  }
}

const opts = program.parse().opts<Options>();
await withBenchEnv({ address: opts.address, namespace: opts.namespace }, (env) => main(env, opts));
