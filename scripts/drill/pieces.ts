/**
 * The drill's pieces, each a process of its own on ports of its own, supervised the way an
 * orchestrator would: a piece that exits is started again (after `downMs` when the drill killed
 * it, at once otherwise, and counted as an unplanned exit). The Temporal dev server keeps its
 * state in a SQLite file, so a kill -9 of it loses nothing it had acknowledged.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DevServer, startDevServer } from '../dev-server';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// `node --import tsx`: one process per piece, so that kill -9 reaches the piece itself.
const TSX_LOADER = import.meta.resolve('tsx');
const STOP_GRACE_MS = 10_000;

export const PIECE_NAMES = ['worker', 'temporal', 'api', 'sandboxes'] as const;
export type PieceName = (typeof PIECE_NAMES)[number];

/** One run of a piece: ready once `launch` resolves. */
interface Running {
  pid: number;
  exited: Promise<string>;
  /** Signals the piece's whole process group. */
  signal(signal: NodeJS.Signals): void;
}

export interface PieceFigures {
  kills: number;
  restarts: number;
  unplannedExits: number;
  /** How each unplanned exit ended (`code 1`, `signal SIGABRT`). */
  exits: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Piece {
  readonly figures: PieceFigures = { kills: 0, restarts: 0, unplannedExits: 0, exits: [] };
  private current: Running | undefined;
  private up: Promise<void> = Promise.resolve();
  private killedByDrill = false;
  private stopping = false;
  private readonly stopped = new AbortController();

  constructor(
    readonly name: PieceName,
    private readonly launch: (stopped: AbortSignal) => Promise<Running>,
    private readonly downMs: number,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Starts the piece and resolves once it is ready. The first start fails after a few tries (a
   * piece that cannot start at all is the drill's problem to report); restarts try until they work.
   */
  start(): Promise<void> {
    this.up = this.startUntilReady(3);
    return this.up;
  }

  /** Resolves once the piece is up (again). */
  ready(): Promise<void> {
    return this.up;
  }

  /** kill -9, as a crash or an OOM kill would; the supervisor brings it back after `downMs`. */
  async kill(): Promise<void> {
    const running = this.current;
    if (!running || this.stopping) return;
    this.figures.kills++;
    this.killedByDrill = true;
    running.signal('SIGKILL');
    await running.exited;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    // A start in flight ends first (its readiness wait gives up at once), so that nothing starts after the stop.
    await this.up.catch(() => {});
    const running = this.current;
    if (!running) return;
    running.signal('SIGTERM');
    const timer = setTimeout(() => running.signal('SIGKILL'), STOP_GRACE_MS);
    await running.exited;
    clearTimeout(timer);
  }

  /** For the process's exit handler: nothing may outlive the drill. */
  killNow(): void {
    this.stopping = true;
    this.current?.signal('SIGKILL');
  }

  private async startUntilReady(maxAttempts = Number.POSITIVE_INFINITY): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        const running = await this.launch(this.stopped.signal);
        this.current = running;
        void running.exited.then((how) => this.exited(running, how));
        return;
      } catch (err) {
        if (this.stopping) return;
        // e.g. the API while Temporal is down: an orchestrator would try again, so does the drill.
        const why = `${this.name} did not start (attempt ${attempt}): ${(err as Error).message.split('\n')[0]}`;
        if (attempt >= maxAttempts) throw new Error(`${why}; see ${this.name}.log (--keep-data)`);
        this.log(why);
        await sleep(1000);
      }
    }
  }

  private exited(running: Running, how: string): void {
    if (this.current !== running || this.stopping) return;
    this.current = undefined;
    const planned = this.killedByDrill;
    this.killedByDrill = false;
    if (!planned) {
      this.figures.unplannedExits++;
      this.figures.exits.push(how);
      this.log(`${this.name} exited on its own (${how}); starting it again`);
    }
    this.up = (async () => {
      await sleep(planned ? this.downMs : 500);
      if (this.stopping) return;
      this.figures.restarts++;
      await this.startUntilReady();
    })();
  }
}

export interface PieceOptions {
  dir: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  downMs: number;
}

const killGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
};

async function untilOk(
  url: string,
  exited: Promise<string>,
  stopped: AbortSignal,
  timeoutMs = 180_000,
): Promise<void> {
  let gone: string | undefined;
  void exited.then((how) => {
    gone = how;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`exited before ready (${gone})`);
    if (stopped.aborted) throw new Error('the drill is stopping');
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${url} not ready after ${timeoutMs / 1000} s`);
}

/** A project entry point in its own process group, its output appended to `<dir>/<name>.log`. */
export function nodePiece(
  name: PieceName,
  script: string,
  args: string[],
  readyUrls: string[],
  opts: PieceOptions & { afterReady?: () => Promise<void> },
): Piece {
  const launch = async (stopped: AbortSignal): Promise<Running> => {
    const logFd = openSync(path.join(opts.dir, `${name}.log`), 'a');
    const child = spawn(process.execPath, ['--import', TSX_LOADER, script, ...args], {
      cwd: ROOT,
      env: opts.env,
      // Its own process group: a terminal's Ctrl-C reaches the drill only, which stops it in order.
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    closeSync(logFd);
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${name} could not be spawned`);
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`));
      child.once('error', (err) => resolve(err.message));
    });
    const running = { pid, exited, signal: (s: NodeJS.Signals) => killGroup(pid, s) };
    try {
      for (const url of readyUrls) await untilOk(url, exited, stopped);
      await opts.afterReady?.();
    } catch (err) {
      running.signal('SIGKILL');
      await exited;
      throw err;
    }
    return running;
  };
  return new Piece(name, launch, opts.downMs, opts.log);
}

/** The pinned CLI's dev server on a fixed port and a SQLite file, so that a restart finds its state. */
export function temporalPiece(
  cli: string,
  port: number,
  opts: Pick<PieceOptions, 'dir' | 'log' | 'downMs'>,
): Piece {
  const launch = async (): Promise<Running> => {
    const server: DevServer = await startDevServer({
      cli,
      port,
      dbFile: path.join(opts.dir, 'temporal.db'),
      headless: true,
      // synchronous=OFF loses writes on a power cut only; a killed process's writes are in the OS already.
      fast: true,
      // It logs at warn: a line now and then, appended as it comes.
      log: (line) => appendFileSync(path.join(opts.dir, 'temporal.log'), `${line}\n`),
    });
    // startDevServer keeps the child to itself: its pid is watched instead.
    const exited = (async () => {
      for (;;) {
        await sleep(250);
        try {
          process.kill(server.pid, 0);
        } catch {
          return 'gone';
        }
      }
    })();
    return {
      pid: server.pid,
      exited,
      signal: (s) => (s === 'SIGTERM' ? void server.stop() : killGroup(server.pid, s)),
    };
  };
  return new Piece('temporal', launch, opts.downMs, opts.log);
}
