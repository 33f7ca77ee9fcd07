/**
 * How many running workflows each patch still holds (`npm run patches`, scripts/patches.ts).
 *
 * The SDK marks a workflow that took a `patched()` branch by adding the patch's id to its
 * `TemporalChangeVersion` search attribute (a system attribute: every server has it, nothing to
 * register), so visibility answers `ExecutionStatus = "Running" AND TemporalChangeVersion =
 * "<id>"`: the runs on the new branch. A run on the old branch carries nothing: it passed the
 * patched step before the new code arrived, so it started before the patch shipped. Hence the
 * second count per patch, of running workflows of its type started before the end of the day its
 * current stage shipped (China time; the whole day, to be on the safe side): zero means no run can
 * still take the branch being retired. Running workflows with no change version at all took no
 * patch (started on the baseline, or not yet at a patched step).
 */
import type { Client } from '@temporalio/client';
import { addDays } from '../domain/china-time';
import type { Patch } from '../workflows/patches';

/** A patch as counted: the list's entries, or a test's, whose workflow type may be any. */
export type CountedPatch = Omit<Patch, 'workflow' | 'change'> & { workflow: string };

export interface PatchCount {
  patch: CountedPatch;
  /** Running workflows that took the patched branch. */
  running: number;
  /** Running workflows of its type started before its stage shipped: they may be on the branch to retire. */
  startedBefore: number;
}

export interface PatchCounts {
  patches: PatchCount[];
  /** Running workflows that passed no patch. */
  withoutChangeVersion: number;
  /** The query's scope beyond Running: a task queue, or the whole namespace. */
  scope: string;
}

/** A string in a visibility query: double quotes, with `"` and `\` escaped. */
const quoted = (value: string) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** The visibility query of running workflows (of one task queue, when given) that also meet `more`. */
export function runningQuery(more: string, taskQueue?: string): string {
  const scope = taskQueue ? ` AND TaskQueue = ${quoted(taskQueue)}` : '';
  return `ExecutionStatus = "Running"${scope} AND ${more}`;
}

/** The day the patch's current stage shipped: `deprecatePatch()`'s release once deprecated. */
export const stageDate = (patch: CountedPatch): string =>
  patch.stage === 'deprecated' && patch.deprecatedOn ? patch.deprecatedOn : patch.date;

export async function countPatches(
  client: Client,
  patches: readonly CountedPatch[],
  options: { taskQueue?: string } = {},
): Promise<PatchCounts> {
  const count = async (more: string) =>
    (await client.workflow.count(runningQuery(more, options.taskQueue))).count;
  const counted: PatchCount[] = [];
  // One query at a time: a namespace with many patches should not burst its visibility store.
  for (const patch of patches) {
    const running = await count(`TemporalChangeVersion = ${quoted(patch.id)}`);
    const endOfDay = `${addDays(stageDate(patch), 1)}T00:00:00+08:00`;
    const startedBefore = await count(
      `WorkflowType = ${quoted(patch.workflow)} AND StartTime < ${quoted(endOfDay)}`,
    );
    counted.push({ patch, running, startedBefore });
  }
  return {
    patches: counted,
    withoutChangeVersion: await count('TemporalChangeVersion IS NULL'),
    scope: options.taskQueue ? `task queue ${options.taskQueue}` : 'the namespace',
  };
}

/** The counts as the command prints them: one line per patch, then the workflows on no patch. */
export function formatPatchCounts(counts: PatchCounts, today: string): string {
  const lines = [`Running workflows per change version (${counts.scope}):`];
  if (counts.patches.length === 0) lines.push('  no patches in workflows/patches.ts');
  for (const { patch, running, startedBefore } of counts.patches) {
    const stage = `${patch.stage} since ${stageDate(patch)}`;
    const due = patch.removedAfter < today ? ', past its removed-after date' : '';
    const retire =
      startedBefore === 0
        ? `none of ${patch.workflow} started before: the ${patch.stage === 'patched' ? 'old branch' : 'deprecatePatch call'} can go`
        : `${startedBefore} of ${patch.workflow} started before, still running: keep it`;
    lines.push(
      `  ${patch.id} (${patch.workflow}, ${stage}, removed after ${patch.removedAfter}${due}): ${running} on it; ${retire}`,
    );
  }
  lines.push(`  no change version: ${counts.withoutChangeVersion} running`);
  return lines.join('\n');
}
