/**
 * `npm run bench:reviews`: the review queue at scale. Parks --n review workflows (default 10,000:
 * the project's own `review` workflow, started as onboarding starts it, with its search
 * attributes and an encrypted payload; each waits for an operator) on a task queue of its own,
 * then measures through api/services/reviews.ts (what GET /v1/reviews serves):
 *   - the first page, oldest first, 50 cases (status PENDING);
 *   - a filtered page (PENDING, channel PARTNER, reason ID_IMAGE_GLARE);
 *   - the second page, through the first page's token;
 * p50/p99 over --samples reads each, and the worker's resident memory (RSS) before parking and
 * after every parked workflow has run its first task. The worker runs in this process (as in
 * bench:flow), so the RSS is the worker's plus a client's.
 *
 * Starts its own dev server (SQLite visibility: no ORDER BY, each page sorted on its own), or
 * uses --address (`npm run cluster`'s PostgreSQL visibility orders by StartTime). On a server of
 * your own the parked workflows are terminated at the end (a batch operation) unless --keep.
 */
import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import { Reviews } from '../../api/services/reviews';
import { developmentDecisionSigningKey } from '../../domain/credentials';
import type { ReviewInput } from '../../domain/review';
import { defaultReviewPolicy } from '../../domain/review-defaults';
import type { ReasonCode } from '../../domain/steps';
import { reviewWorkflowId } from '../../domain/workflow-ids';
import { newReviewSearchAttributes } from '../../workflows/search-attributes';
import { addressOption, namespaceOption, withBenchEnv } from './env';
import { note, percentile, round1 } from './stats';

const program = new Command('bench:reviews')
  .description(
    'Parks many review cases and measures the review queue: first page, filtered page, next page, worker RSS',
  )
  .addOption(new Option('--n <count>', 'review cases to park').default(10_000).argParser(Number))
  .addOption(new Option('--concurrency <count>', 'starts in flight at once').default(40).argParser(Number))
  .addOption(new Option('--samples <count>', 'reads of each page kind').default(40).argParser(Number))
  .addOption(new Option('--page-size <count>', 'cases per page').default(50).argParser(Number))
  .option('--keep', 'leave the parked cases running on a server of your own')
  .addOption(
    new Option(
      '--max-cached-workflows <count>',
      "the worker's workflow cache (as WORKER_MAX_CACHED_WORKFLOWS)",
    ).argParser(Number),
  )
  .addOption(addressOption())
  .addOption(namespaceOption())
  .parse();

const opts = program.opts<{
  n: number;
  concurrency: number;
  samples: number;
  pageSize: number;
  keep?: boolean;
  address?: string;
  namespace: string;
  maxCachedWorkflows?: number;
}>();

const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
const REASONS: ReasonCode[][] = [
  ['ID_IMAGE_BLURRED'],
  ['ID_IMAGE_GLARE'],
  ['ID_IMAGE_BLURRED', 'ID_IMAGE_GLARE'],
];

await withBenchEnv(
  {
    address: opts.address,
    namespace: opts.namespace,
    ...(opts.maxCachedWorkflows !== undefined && { maxCachedWorkflows: opts.maxCachedWorkflows }),
  },
  async (env) => {
    const { client, taskQueue } = env;
    const reviews = new Reviews(client, { taskQueue, decisionSigningKey: developmentDecisionSigningKey });
    const base = `WorkflowType = 'review' AND TaskQueue = '${taskQueue}'`;
    const countPending = async () =>
      (await client.workflow.count(`${base} AND ReviewStatus = 'PENDING' AND ExecutionStatus = 'Running'`))
        .count;
    global.gc?.();
    const rssBefore = rssMb();
    note(`[bench] worker RSS before parking: ${rssBefore} MB; parking ${opts.n} reviews on ${taskQueue}`);

    // 1. Park the cases, as onboarding starts a review (same input, search attributes and memo).
    const started = performance.now();
    let next = 0;
    let oldest: string | undefined;
    const startOne = async (i: number) => {
      const applicationId = randomUUID();
      const partner = i % 10 === 0;
      const input: ReviewInput = {
        applicationId,
        accountNumber: `623058${String(i).padStart(13, '0')}`,
        flowVersion: partner ? 'v2' : 'v3',
        channel: partner ? 'PARTNER' : 'OWN_APP',
        ...(partner && { partnerId: 'partner-demo' }),
        applicant: { name: '张伟', idNumber: '11010519491231002X' },
        reasons: REASONS[i % REASONS.length]!,
        policy: defaultReviewPolicy,
      };
      await client.workflow.start('review', {
        workflowId: reviewWorkflowId(applicationId),
        taskQueue,
        args: [input],
        memo: { accountNumber: input.accountNumber },
        typedSearchAttributes: newReviewSearchAttributes(input.reasons, input),
      });
      if (i === 0) oldest = reviewWorkflowId(applicationId);
    };
    // The first case alone, so that it is the oldest for certain.
    await startOne(next++);
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        for (let i = next++; i < opts.n; i = next++) {
          await startOne(i);
          if (i % 1000 === 0)
            note(`[bench]   ${i} started (${Math.round((performance.now() - started) / 1000)} s)`);
        }
      }),
    );
    const startSeconds = (performance.now() - started) / 1000;
    note(
      `[bench] ${opts.n} started in ${startSeconds.toFixed(1)} s (${(opts.n / startSeconds).toFixed(0)}/s); waiting for visibility`,
    );
    for (let seen = 0; seen < opts.n; ) {
      seen = await countPending();
      if (seen < opts.n) await new Promise((r) => setTimeout(r, 1000));
    }
    note(
      `[bench] visibility shows ${opts.n} pending after ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    // Every workflow's first task has run once its search attributes are upserted (ReviewDueAt).
    await new Promise((r) => setTimeout(r, 3000));
    global.gc?.();
    const rssAfter = rssMb();

    // 2. Read the pages.
    const time = async <T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> => {
      const t0 = performance.now();
      const value = await f();
      return { ms: performance.now() - t0, value };
    };
    const measure = async (label: string, f: () => Promise<{ reviews: unknown[] }>) => {
      const ms: number[] = [];
      let size = 0;
      for (let i = 0; i < opts.samples; i++) {
        const r = await time(f);
        ms.push(r.ms);
        size = r.value.reviews.length;
      }
      const result = {
        label,
        n: opts.samples,
        cases: size,
        p50ms: round1(percentile(ms, 0.5)),
        p99ms: round1(percentile(ms, 0.99)),
      };
      console.log(JSON.stringify({ case: `reviews/${label}`, ...result }));
      return result;
    };
    const limit = opts.pageSize;
    const firstPage = await reviews.page({ status: 'PENDING', limit });
    const ordered =
      firstPage.reviews.length === Math.min(limit, opts.n) &&
      firstPage.reviews[0]!.reviewId === oldest &&
      firstPage.reviews.every((r, i, a) => i === 0 || (a[i - 1]!.openedAt ?? '') <= (r.openedAt ?? ''));
    const first = await measure('first-page', () => reviews.page({ status: 'PENDING', limit }));
    const filtered = await measure('filtered-page', () =>
      reviews.page({ status: 'PENDING', channel: 'PARTNER', reason: 'ID_IMAGE_GLARE', limit }),
    );
    const token = firstPage.nextPageToken;
    const second = token
      ? await measure('second-page', () => reviews.page({ status: 'PENDING', limit, pageToken: token }))
      : undefined;

    // Every page through the tokens: each case once, oldest first throughout.
    const walkStart = performance.now();
    const seen = new Set<string>();
    let pages = 0;
    let inOrder = true;
    let last = '';
    for (let pageToken: string | undefined, first = true; first || pageToken; first = false) {
      const page = await reviews.page({ status: 'PENDING', limit, ...(pageToken && { pageToken }) });
      pages += 1;
      for (const r of page.reviews) {
        if ((r.openedAt ?? '') < last) inOrder = false;
        last = r.openedAt ?? '';
        seen.add(r.reviewId);
      }
      pageToken = page.nextPageToken;
    }
    const walk = { pages, cases: seen.size, inOrder, ms: Math.round(performance.now() - walkStart) };
    console.log(JSON.stringify({ case: 'reviews/walk', ...walk }));

    console.log(
      JSON.stringify({
        kind: 'reviews',
        walk,
        parked: opts.n,
        pageSize: limit,
        oldestFirstAcrossPages: ordered,
        secondPageByToken: Boolean(token),
        workerRssMb: { before: rssBefore, after: rssAfter },
      }),
    );
    console.log(
      `\nReview queue with ${opts.n} cases parked (page ${limit}, ${opts.samples} reads each, ms p50/p99)`,
    );
    for (const r of [first, filtered, second].filter(Boolean)) {
      console.log(
        `  ${r!.label.padEnd(14)} ${r!.p50ms.toFixed(1)}/${r!.p99ms.toFixed(1)}  (${r!.cases} cases)`,
      );
    }
    console.log(`  first page is the oldest case first, across the whole queue: ${ordered ? 'yes' : 'NO'}`);
    console.log(
      `  every page by token: ${walk.pages} pages, ${walk.cases} distinct cases, ${walk.inOrder ? 'oldest first throughout' : 'NOT in age order'}, ${walk.ms} ms`,
    );
    console.log(`  worker RSS: ${rssBefore} MB before parking, ${rssAfter} MB after`);

    if (opts.address && !opts.keep) {
      await client.workflowService.startBatchOperation({
        namespace: opts.namespace,
        jobId: `bench-reviews-cleanup-${randomUUID()}`,
        visibilityQuery: `${base} AND ExecutionStatus = 'Running'`,
        reason: 'bench:reviews cleanup',
        terminationOperation: {},
      });
      note('[bench] a batch operation terminates the parked cases');
    }
    return true;
  },
);
