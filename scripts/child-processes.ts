/**
 * What the run commands (`npm start`, `npm run cluster`) share about the processes they run: a
 * coloured name per process, pino lines made readable, and stopping a child's whole group.
 */
import type { ChildProcess } from 'node:child_process';

export const color = process.stdout.isTTY
  ? (code: number, s: string) => `\x1b[${code}m${s}\x1b[0m`
  : (_: number, s: string) => s;

const PINO_LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Pino JSON to `LEVEL msg {other fields}`: readable, nothing dropped but noise. */
export function readable(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const {
      level,
      msg,
      time: _t,
      pid: _p,
      hostname: _h,
      service: _s,
      ...rest
    } = JSON.parse(line) as Record<string, unknown>;
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    return `${PINO_LEVELS[Number(level)] ?? String(level)} ${String(msg ?? '')}${extra}`;
  } catch {
    return line;
  }
}

/** Signals the child's process group (it was spawned detached), so its own children go too. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
