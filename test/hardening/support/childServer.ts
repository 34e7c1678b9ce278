import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { TEST_VAULT_KEY } from "../../support/testServer.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The reference server as its own process (`node --import tsx src/cli/main.ts serve`: `npm start` from the sources). */
export type ChildServer = {
  url: string;
  /** Base URL of each API (`${url}/vern`, …). */
  apiUrl: (api: string) => string;
  pid: number;
  /** Everything the process wrote, for a failure message. */
  output: () => string;
  /** How the process ended (exit code or signal), or undefined while it runs. */
  ended: () => string | undefined;
  /** Sends a signal and waits for the process to exit. */
  kill: (signal: NodeJS.Signals) => Promise<void>;
};

/**
 * Starts the server with exactly `env` on top of PATH and HOME (nothing else of the test's
 * environment leaks in) and resolves once its banner says where it listens.
 */
export async function startChildServer(env: Record<string, string>, timeoutMs = 60_000): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve"], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      // PostgreSQL needs a real vault key (the development key is for in-memory or loopback PGlite data).
      ...(env.DATABASE_URL ? { VAULT_KEY: TEST_VAULT_KEY } : {}),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the server did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const look = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", look);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  return {
    url,
    apiUrl: (api) => `${url}/${api}`,
    pid: child.pid!,
    output: () => output,
    ended: () => (child.exitCode !== null ? `exit ${child.exitCode}` : (child.signalCode ?? undefined)),
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
