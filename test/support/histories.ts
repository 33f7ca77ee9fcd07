/**
 * Recorded workflow histories, stored as binary protobuf (JSON histories do not replay in a plain
 * install of SDK 1.24: see TEMPORAL_NOTES.md). Every file in test/histories is replayed by
 * test/replay/replay.test.ts against the current workflow code.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export const historiesDir = fileURLToPath(new URL('../histories', import.meta.url));

/** The run's history (`runId`; the latest run unless given) as test/histories/<name>.bin. */
export async function saveHistory(
  client: Client,
  workflowId: string,
  name: string,
  runId?: string,
): Promise<string> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const file = path.join(historiesDir, `${name}.bin`);
  await writeFile(file, temporal.api.history.v1.History.encode(history).finish());
  return file;
}

export async function loadHistories(): Promise<{ name: string; history: temporal.api.history.v1.History }[]> {
  const files = (await readdir(historiesDir)).filter((f) => f.endsWith('.bin')).sort();
  return Promise.all(
    files.map(async (f) => ({
      name: f.replace(/\.bin$/, ''),
      history: temporal.api.history.v1.History.decode(await readFile(path.join(historiesDir, f))),
    })),
  );
}
