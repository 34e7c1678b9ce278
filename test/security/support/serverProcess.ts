import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export type RefusedStart = { code: number | null; signal: string | null; stdout: string; stderr: string };

/**
 * Runs `npm start`'s entry (`node --import tsx src/cli/main.ts serve`) with exactly `env` on top of
 * PATH and HOME, for a start that should be refused: resolves when it exits. One that starts
 * listening instead is killed and reported as such, so the test fails with what it printed.
 */
export function runServerExpectingExit(env: Record<string, string>, timeoutMs = 60_000): Promise<RefusedStart> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve"], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PORT: "0", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
    if (/listening on http/.test(stdout)) child.kill("SIGKILL");
  });
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
