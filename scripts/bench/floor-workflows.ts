/**
 * The yardstick's no-op workflows, in TypeScript: the same shapes as
 * `../shared/floor-bench/workflows.js`, plus `twoStepCodeThenOpen`, the same work driven by
 * the project's two messages, so each of the project's phases has a floor to compare with.
 * Bundled on their own and run by a worker of their own (see floor.ts).
 */
import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export interface FloorActivities {
  noop(x: number): Promise<number>;
}

const { noop } = proxyActivities<FloorActivities>({ startToCloseTimeout: '10 seconds' });

export async function sequential(k: number): Promise<number> {
  for (let i = 0; i < k; i++) await noop(i);
  return k;
}

export async function parallelThenSequential(p: number, s: number): Promise<number> {
  await Promise.all(Array.from({ length: p }, (_, i) => noop(i)));
  for (let i = 0; i < s; i++) await noop(i);
  return p + s;
}

/** The code, sent with the start; answers the account once the steps after it are done. */
export const submitCode = defineUpdate<string, [code: string]>('submitCode');

/**
 * floor-bench's shape of the clean v3 path: p parallel checks, wait for a code (sent by
 * update-with-start), s sequential steps; the update returns the account.
 */
export async function codeThenOpen(p: number, s: number): Promise<string> {
  let code: string | undefined;
  let account: string | undefined;
  setHandler(submitCode, async (c) => {
    code = c;
    await condition(() => account !== undefined);
    return account!;
  });
  await Promise.all(Array.from({ length: p }, (_, i) => noop(i)));
  await condition(() => code !== undefined);
  for (let i = 0; i < s; i++) await noop(i);
  account = `A-${code}`;
  return account;
}

/** Sent with the start (update-with-start): answers once the parallel checks are done. */
export const awaitCodeRequest = defineUpdate<string, []>('awaitCodeRequest');

/**
 * codeThenOpen's work with the project's messages: the start answers "send the code" after
 * the p parallel checks (the project's AWAITING_SMS_CODE), then a separate `submitCode`
 * update answers the account after the s sequential steps (the project's OPENED).
 */
export async function twoStepCodeThenOpen(p: number, s: number): Promise<string> {
  let checked = false;
  let code: string | undefined;
  let account: string | undefined;
  setHandler(awaitCodeRequest, async () => {
    await condition(() => checked);
    return 'AWAITING_CODE';
  });
  setHandler(submitCode, async (c) => {
    code = c;
    await condition(() => account !== undefined);
    return account!;
  });
  await Promise.all(Array.from({ length: p }, (_, i) => noop(i)));
  checked = true;
  await condition(() => code !== undefined);
  for (let i = 0; i < s; i++) await noop(i);
  account = `A-${code}`;
  return account;
}
