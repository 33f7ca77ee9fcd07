/**
 * `npm run patches` on the real dev server: a running workflow that passed a patch is counted
 * under that patch's change version (the SDK's TemporalChangeVersion search attribute), one that
 * passed none under "no change version", a patch nobody took at zero; the runs of the patch's
 * workflow type started before its day are counted as the ones that may be on its old branch;
 * once they finish, none are. A test-only patch list is passed in; the command itself is run too,
 * on the project's list.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { todayInChina } from '../../domain/china-time';
import {
  type CountedPatch,
  countPatches,
  formatPatchCounts,
  type PatchCounts,
} from '../../scripts/patch-counts';
import { bundleWorkflows } from '../../worker/create-worker';
import { type Harness, startHarness } from '../support/harness';
import { eventually } from '../support/review';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

let h: Harness;
beforeAll(async () => {
  h = await startHarness(
    {},
    {
      workflowBundle: await bundleWorkflows({
        workflowsPath: fileURLToPath(new URL('./fixtures/patched-waiting.ts', import.meta.url)),
      }),
    },
  );
});
afterAll(() => h?.stop());

/** Ids of this run only: visibility outlives the test on a shared server. */
const testPatch = (name: string, date: string): CountedPatch => ({
  id: `test-${name}-${randomUUID()}`,
  workflow: 'waitsOnPatches',
  date,
  removedAfter: '2027-01-05',
  stage: 'patched',
});

const summary = (c: PatchCounts) => ({
  patches: c.patches.map((p) => [p.patch.id, p.running, p.startedBefore]),
  withoutChangeVersion: c.withoutChangeVersion,
});

it('counts running workflows per change version, and those with none', async () => {
  // Shipped today: both runs started before the day ended. Shipped in January: neither did.
  const today = todayInChina(new Date());
  const taken = testPatch('taken', today);
  const untaken = testPatch('untaken', '2026-01-01');
  const start = (patchIds: string[]) =>
    h.client.workflow.start('waitsOnPatches', {
      taskQueue: h.taskQueue,
      workflowId: `patches-${randomUUID()}`,
      args: [patchIds],
    });
  const patchedRun = await start([taken.id]);
  const plainRun = await start([]);
  const count = () => countPatches(h.client, [taken, untaken], { taskQueue: h.taskQueue });

  const expected = {
    patches: [
      [taken.id, 1, 2],
      [untaken.id, 0, 0],
    ],
    withoutChangeVersion: 1,
  };
  const counts = await eventually(count, (c) => JSON.stringify(summary(c)) === JSON.stringify(expected));
  expect(summary(counts)).toEqual(expected);
  const printed = formatPatchCounts(counts, '2027-01-05');
  expect(printed).toContain(
    `${taken.id} (waitsOnPatches, patched since ${today}, removed after 2027-01-05): 1 on it; 2 of waitsOnPatches started before, still running: keep it`,
  );
  expect(printed).toContain(
    `${untaken.id} (waitsOnPatches, patched since 2026-01-01, removed after 2027-01-05): 0 on it; none of waitsOnPatches started before: the old branch can go`,
  );
  expect(printed).toContain('no change version: 1 running');
  expect(printed).not.toContain('past its removed-after date');
  expect(formatPatchCounts(counts, '2027-01-06')).toContain(
    'removed after 2027-01-05, past its removed-after date',
  );

  // The command on the project's list (empty at the baseline), scoped to this test's task queue.
  const { stdout } = await run('npx', ['tsx', 'scripts/patches.ts', '--json', '--task-queue', h.taskQueue], {
    cwd: root,
    env: { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: 'default' },
  });
  expect(JSON.parse(stdout)).toMatchObject({ patches: [], withoutChangeVersion: 1 });

  await patchedRun.signal('finish');
  await plainRun.signal('finish');
  expect(await patchedRun.result()).toEqual([taken.id]);
  expect(await plainRun.result()).toEqual([]);
  const after = await eventually(
    count,
    (c) => c.withoutChangeVersion === 0 && c.patches[0]?.running === 0 && c.patches[0]?.startedBefore === 0,
  );
  expect(summary(after)).toEqual({
    patches: [
      [taken.id, 0, 0],
      [untaken.id, 0, 0],
    ],
    withoutChangeVersion: 0,
  });
});

it('explains itself with --help', async () => {
  const { stdout } = await run('npx', ['tsx', 'scripts/patches.ts', '--help'], { cwd: root });
  // Commander wraps the text to the terminal's width.
  const text = stdout.replace(/\s+/g, ' ');
  expect(text).toContain('TemporalChangeVersion search attribute holds its id');
  expect(text).toContain('--task-queue <name>');
  expect(text).toContain('patched -> deprecatePatch -> removed');
});
