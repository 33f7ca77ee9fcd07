/**
 * How many running workflows each patch still holds (`npm run patches`, scripts/patches.ts).
 * The SDK marks a workflow that passed a `patched()` or `deprecatePatch()` call by adding the
 * patch's id to its `TemporalChangeVersion` search attribute (a system attribute: every server
 * has it, nothing to register), so visibility answers: `ExecutionStatus = "Running" AND
 * TemporalChangeVersion = "<id>"`. Running workflows with no change version at all took no patch
 * (started on the baseline, or not yet at a patched step).
 */
import type { Client } from '@temporalio/client';
import type { Patch } from '../workflows/patches';

export interface PatchCount {
  patch: Pick<Patch, 'id' | 'workflow' | 'date' | 'removedAfter' | 'stage'>;
  running: number;
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

export async function countPatches(
  client: Client,
  patches: readonly Pick<Patch, 'id' | 'workflow' | 'date' | 'removedAfter' | 'stage'>[],
  options: { taskQueue?: string } = {},
): Promise<PatchCounts> {
  const count = async (more: string) =>
    (await client.workflow.count(runningQuery(more, options.taskQueue))).count;
  const counted: PatchCount[] = [];
  // One at a time: a namespace with many patches should not burst its visibility store.
  for (const patch of patches) {
    counted.push({ patch, running: await count(`TemporalChangeVersion = ${quoted(patch.id)}`) });
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
  for (const { patch, running } of counts.patches) {
    const due = patch.removedAfter < today ? ', past its removed-after date' : '';
    const verdict = running === 0 ? 'none running: the old branch can go' : `${running} running`;
    lines.push(
      `  ${patch.id} (${patch.workflow}, ${patch.stage} since ${patch.date}, removed after ${patch.removedAfter}${due}): ${verdict}`,
    );
  }
  lines.push(`  no change version: ${counts.withoutChangeVersion} running`);
  return lines.join('\n');
}
