import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { type DevServer, startDevServer } from '../../scripts/dev-server';
import { findOrBuildTemporalCli } from '../../scripts/temporal-cli';

const run = promisify(execFile);
const { IndexedValueType } = temporal.api.enums.v1;

/** 'KeywordList' -> INDEXED_VALUE_TYPE_KEYWORD_LIST, as the server names the types. */
const indexedTypeName = (type: string) =>
  `INDEXED_VALUE_TYPE_${type.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`;

const expectedAttributes = Object.fromEntries(
  Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => [name, indexedTypeName(type)]),
);

async function withClient<T>(address: string, fn: (client: Client, connection: Connection) => Promise<T>) {
  const connection = await Connection.connect({ address });
  try {
    return await fn(new Client({ connection, namespace: 'default' }), connection);
  } finally {
    await connection.close();
  }
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startDevServer with a database file', () => {
  let cli: string;
  let dir: string;
  let server: DevServer | undefined;

  beforeAll(async () => {
    cli = await findOrBuildTemporalCli();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dev-server-test-'));
  });

  afterAll(async () => {
    await server?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('registers the search attributes and keeps workflows across a restart', async () => {
    const dbFile = path.join(dir, 'temporal.db');
    const workflowId = `survives-restart-${Date.now()}`;

    server = await startDevServer({ cli, dbFile, headless: true });
    const first = server;
    const { stdout } = await run(cli, [
      'operator',
      'search-attribute',
      'list',
      '--address',
      first.address,
      '-o',
      'json',
    ]);
    expect(JSON.parse(stdout).customAttributes).toMatchObject(expectedAttributes);
    await withClient(first.address, (client) =>
      // No worker serves this type: the workflow stays running, so it can only come from the file.
      client.workflow.start('NoWorkerServesThis', { workflowId, taskQueue: `nobody-${workflowId}` }),
    );
    await first.stop();
    expect(isAlive(first.pid)).toBe(false);

    server = await startDevServer({ cli, dbFile, headless: true });
    await withClient(server.address, async (client, connection) => {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({
        namespace: 'default',
      });
      for (const [name, typeName] of Object.entries(expectedAttributes)) {
        expect(IndexedValueType[customAttributes?.[name] ?? 0], name).toBe(typeName);
      }
      const description = await client.workflow.getHandle(workflowId).describe();
      expect(description.type).toBe('NoWorkerServesThis');
      expect(description.status.name).toBe('RUNNING');
    });
  });
});

describe('global setup', () => {
  it('provides a Temporal server with the search attributes, and both sandboxes', async () => {
    await withClient(inject('temporalAddress'), async (_client, connection) => {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({
        namespace: 'default',
      });
      expect(Object.keys(customAttributes ?? {})).toEqual(
        expect.arrayContaining(Object.keys(SEARCH_ATTRIBUTES)),
      );
    });
    for (const url of [inject('providersUrl'), inject('coreBankingUrl')]) {
      expect((await fetch(`${url}/health`)).status, url).toBe(200);
    }
  });
});
