import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The packed tarball, installed into an empty folder outside the repository. */
export type InstalledPackage = {
  /** The folder of the consumer project (its node_modules holds the package). */
  appDir: string;
  /** Every path in the tarball, as `npm pack` lists it. */
  tarballFiles: string[];
  packMs: number;
  installMs: number;
  /** The installed bin (node_modules/.bin/connector-contracts). */
  bin: string;
  remove: () => void;
};

/**
 * `npm pack` in the repository, then `npm install <tarball>` in a new folder under the system's
 * temp directory, from the local npm cache first (--prefer-offline) so CI does not download the
 * world again. npm itself runs here, the only tool besides plain node that the consumer uses.
 */
export async function packAndInstall(): Promise<InstalledPackage> {
  const root = mkdtempSync(join(tmpdir(), "cc-package-"));
  const appDir = join(root, "app");
  mkdirSync(appDir);
  const packStarted = performance.now();
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", root], { cwd: REPO_ROOT, maxBuffer: 20_000_000 });
  const packMs = performance.now() - packStarted;
  // `npm pack --json` prints the prepare script's output before the JSON.
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf("\n[") + 1)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  writeFileSync(join(appDir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  const installStarted = performance.now();
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", join(root, packed!.filename)], { cwd: appDir, maxBuffer: 20_000_000 });
  return {
    appDir,
    tarballFiles: packed!.files.map((f) => f.path),
    packMs,
    installMs: performance.now() - installStarted,
    bin: join(appDir, "node_modules", ".bin", "connector-contracts"),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Only PATH and HOME: nothing of the repository or of the test's environment reaches the consumer. */
export function consumerEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1", ...extra };
}

export type CommandRun = { code: number | null; stdout: string; stderr: string };

/** `node <file> args…` in the consumer folder, to its end. */
export function runNode(appDir: string, file: string, args: readonly string[], env: Record<string, string> = {}): Promise<CommandRun> {
  const child = spawn(process.execPath, [file, ...args], { cwd: appDir, env: consumerEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A long-running command (serve, mock) of the installed bin, once its output matches `ready`. */
export type RunningCommand = { match: RegExpExecArray; output: () => string; stop: () => Promise<number | null> };

export function startCommand(appDir: string, bin: string, args: readonly string[], ready: RegExp, timeoutMs = 120_000): Promise<RunningCommand> {
  const child: ChildProcess = spawn(process.execPath, [bin, ...args], { cwd: appDir, env: consumerEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${args.join(" ")} was not ready within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const look = () => {
      const match = ready.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off("data", look);
      resolve({ match, output: () => output, stop });
    };
    child.stdout!.on("data", look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(" ")} exited (${code}) before it was ready:\n${output}`));
    });
  });
}
