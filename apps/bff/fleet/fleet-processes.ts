/**
 * The fleet's processes as real operating-system processes: `node --import tsx <entry>` (not the tsx CLI, whose
 * wrapper would survive a SIGKILL and orphan the real process), each with its own log file, killed with SIGKILL and
 * started again with the same environment.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export interface FleetProcess {
  name: string;
  child: ChildProcess;
  /** Resolves when it exits, with its code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logFile: string;
  /** Every exit that we did not cause, for the report. */
  starts: number;
}

export interface ProcessSpec {
  name: string;
  cwd: string;
  entry: string;
  env: Record<string, string>;
}

export class Fleet {
  private readonly processes = new Map<string, { spec: ProcessSpec; current: FleetProcess }>();
  readonly unexpectedExits: string[] = [];
  private readonly expectedExit = new Set<ChildProcess>();
  private failWith: (reason: Error) => void = () => {};
  /** Rejects at the first exit we did not cause: a run waiting for processes stops at once instead of timing out. */
  readonly failed = new Promise<never>((_, reject) => {
    this.failWith = reject;
  });

  constructor(private readonly logDir: string) {
    this.failed.catch(() => undefined);
  }

  start(spec: ProcessSpec): FleetProcess {
    const previous = this.processes.get(spec.name);
    const starts = (previous?.current.starts ?? 0) + 1;
    const logFile = path.join(this.logDir, `${spec.name}.log`);
    const log = createWriteStream(logFile, { flags: 'a' });
    log.write(`\n--- start ${starts} at ${new Date().toISOString()} ---\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', spec.entry], {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => {
        if (!this.expectedExit.has(child)) {
          const message = `${spec.name} exited by itself (code ${code}, signal ${signal})`;
          this.unexpectedExits.push(message);
          this.failWith(new Error(`${message}:\n${this.tail(spec.name, 15)}`));
        }
        resolve({ code, signal });
      });
    });
    const current: FleetProcess = { name: spec.name, child, exited, logFile, starts };
    this.processes.set(spec.name, { spec, current });
    return current;
  }

  get(name: string): FleetProcess {
    const entry = this.processes.get(name);
    if (!entry) throw new Error(`no process ${name}`);
    return entry.current;
  }

  /** SIGKILL: no shutdown hook runs, as when a machine or container dies. */
  async kill(name: string): Promise<void> {
    const { child, exited } = this.get(name);
    this.expectedExit.add(child);
    child.kill('SIGKILL');
    await exited;
  }

  restart(name: string): FleetProcess {
    const entry = this.processes.get(name);
    if (!entry) throw new Error(`no process ${name}`);
    return this.start(entry.spec);
  }

  /** SIGTERM to all (graceful shutdown), then SIGKILL what is still running after `graceMs`. */
  async stopAll(graceMs: number): Promise<{ name: string; code: number | null; signal: NodeJS.Signals | null }[]> {
    const running = [...this.processes.values()]
      .map((p) => p.current)
      .filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    for (const p of running) {
      this.expectedExit.add(p.child);
      p.child.kill('SIGTERM');
    }
    const results = await Promise.all(
      running.map(async (p) => {
        const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
        const result = await p.exited;
        clearTimeout(timer);
        return { name: p.name, ...result };
      }),
    );
    return results;
  }

  tail(name: string, lines = 30): string {
    try {
      return readFileSync(this.get(name).logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await sleep(everyMs);
  }
}
