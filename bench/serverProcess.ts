import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { stopChild } from "../src/process/stopChild.js";
import { exitStateOf, waitUntilAnswering } from "../src/process/waitUntilAnswering.js";

/** A server in a child process of its own, so the load generator never shares its event loop or core. */
export type ServerProcess = {
  pid: number;
  /** Milliseconds from spawn to the first 2xx answer of its readiness request. */
  startupMs: number;
  /** The last few kilobytes the child wrote to stderr (for error messages). */
  stderrTail: () => string;
  /** How the process ended ("signal SIGTERM", "code 1"), or undefined while it runs. */
  exitState: () => string | undefined;
  /** SIGTERM, then SIGKILL after 10 s; resolves when the process has exited. */
  stop: () => Promise<void>;
};

export type SpawnServerInput = {
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Polled until it answers 2xx: the moment the server is up, as a user would see it. */
  readyUrl: string;
  readyHeaders?: Record<string, string>;
  timeoutMs?: number;
};

const live = new Set<ChildProcess>();

/**
 * Spawns `node <args>` and resolves once `readyUrl` answers 2xx. stdout goes to /dev/null: the
 * servers still format every log line, as they do for a user, but no terminal draws them.
 */
export async function spawnServer(input: SpawnServerInput): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [...input.args], { stdio: ["ignore", "ignore", "pipe"], env: input.env, cwd: input.cwd });
  live.add(child);
  child.once("exit", () => live.delete(child));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const stop = () => stopChild(child, 10_000);

  await waitUntilAnswering(child, {
    url: input.readyUrl,
    headers: input.readyHeaders,
    what: input.args.join(" "),
    timeoutMs: input.timeoutMs ?? 120_000,
    intervalMs: 10,
    output: () => stderr,
  });
  return { pid: child.pid!, startupMs: Math.round(performance.now() - started), stderrTail: () => stderr, exitState: () => exitStateOf(child), stop };
}

/** Ends every child still running (Ctrl-C on the bench). */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...live].map((child) => stopChild(child, 10_000)));
}

/**
 * The process's peak resident set (VmHWM in /proc/<pid>/status), in MiB; undefined off Linux.
 * Read after the load and before the stop, it is the peak the load drove it to.
 */
export function peakMemoryMiB(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** The process's resident set now (VmRSS in /proc/<pid>/status), in MiB; undefined off Linux. */
export function residentMemoryMiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc's CPU times (getconf CLK_TCK; 100 on every common Linux). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time the process has used so far, user and system, all its threads (GC, libuv's pool), in
 * ms; undefined off Linux. Unlike requests per second it hardly moves when other work shares the
 * machine, so CPU per request is the figure to compare on a busy one.
 */
export function cpuTimeMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces), from field 3: utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
