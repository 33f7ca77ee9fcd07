/**
 * `npm run patches`: how many running workflows each patch of workflows/patches.ts still holds,
 * and how many hold none, through Temporal visibility (scripts/patch-counts.ts). Retiring a patch
 * is this command and a look: none running on it, and its removed-after date past
 * (docs/changing-workflows.md). Connects as every process does (config/temporal.ts).
 */
import { Client, Connection } from '@temporalio/client';
import { Command } from 'commander';
import { describeTemporal, temporalConnectConfig } from '../config/temporal';
import { todayInChina } from '../domain/china-time';
import { patches } from '../workflows/patches';
import { countPatches, formatPatchCounts } from './patch-counts';

const program = new Command('npm run patches')
  .description(
    'Counts running workflows per change version. For each patch in workflows/patches.ts: the ' +
      'running workflows whose TemporalChangeVersion search attribute holds its id (they took the ' +
      'patched branch), and the running workflows of its type started before its stage shipped (by ' +
      'the end of that day, China time), which may still be on the branch being retired. Then the ' +
      'running workflows with no change version. A patch with none started before, and its ' +
      'removed-after date past, moves on: patched -> deprecatePatch -> removed ' +
      '(docs/changing-workflows.md).\n\n' +
      'Connects with TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS* or a ' +
      'temporal.toml profile (TEMPORAL_PROFILE), else the local dev server.',
  )
  .option('--task-queue <name>', 'count only workflows of this task queue (default: the whole namespace)')
  .option('--json', 'print the counts as one JSON object')
  .parse();

const opts = program.opts<{ taskQueue?: string; json?: boolean }>();

const config = temporalConnectConfig();
const connection = await Connection.connect(config.connectionOptions);
try {
  const client = new Client({ connection, namespace: config.namespace });
  const counts = await countPatches(client, patches, opts.taskQueue ? { taskQueue: opts.taskQueue } : {});
  if (opts.json) console.log(JSON.stringify(counts));
  else {
    console.error(`Temporal: ${describeTemporal(config)}`);
    console.log(formatPatchCounts(counts, todayInChina(new Date())));
  }
} finally {
  await connection.close();
}
