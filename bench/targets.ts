import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { loadSpec } from "../src/contracts/loadSpec.js";
import { prismArguments } from "../src/mock/prismMocks.js";
import { mountPath } from "../src/server/mountPaths.js";
import type { TargetName } from "./options.js";
import { BENCH_API, type Route } from "./routes.js";
import { freePort } from "../src/process/freePort.js";
import { spawnServer, type ServerProcess } from "./serverProcess.js";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));
/** The compiled CLI, as `npm start` runs it (`npm run bench` builds it first, in its prebench script). */
const CLI_MAIN = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const BARE_EXPRESS = fileURLToPath(new URL("./bareExpress.ts", import.meta.url));

/** The server's whole configuration surface (src/server/config.ts): cleared, so a run is the defaults whatever the shell holds. */
const SERVER_ENV_NAMES = [
  "PORT", "HOST", "CC_API", "DATABASE_URL", "PGLITE_DIR", "PGLITE_TEMPLATE_DIR", "VAULT_KEY", "REDIS_URL", "REDIS_KEY_PREFIX", "VERN_RATE_LIMIT",
  "MERGE_RATE_LIMIT", "SIM_STEP_MS", "CONNECTOR_TIMEOUT_MS", "LOG_LEVEL", "RESPONSE_VALIDATION", "BODY_LIMIT_BYTES", "READ_CACHE",
  "ADMIN_TOKEN", "LOG_FORMAT", "JOURNAL_SIZE",
];

export type RunningTarget = {
  name: TargetName;
  origin: string;
  /** Where the bench API's paths start on this target. */
  apiBaseUrl: string;
  process: ServerProcess;
  stop: () => Promise<void>;
};

/** A database the reference server starts on: its environment, and how to remove it afterwards. */
export type ReferenceDatabase = { kind: "pglite" | "postgres"; env: Record<string, string>; drop: () => Promise<void> };

export function freshPgliteDatabase(): ReferenceDatabase {
  const dir = mkdtempSync(join(tmpdir(), "cc-bench-"));
  return { kind: "pglite", env: { PGLITE_DIR: join(dir, "pglite") }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A new schema in the given PostgreSQL, reached through the connection's search_path as the tests do. */
export async function freshPostgresDatabase(postgresUrl: string): Promise<ReferenceDatabase> {
  const schema = `cc_bench_${randomBytes(6).toString("hex")}`;
  await adminQuery(postgresUrl, `create schema ${schema}`);
  const url = new URL(postgresUrl);
  url.searchParams.set("options", `-c search_path=${schema}`);
  // A real vault key: the server refuses the public development key on PostgreSQL.
  return { kind: "postgres", env: { DATABASE_URL: url.toString(), VAULT_KEY: randomBytes(32).toString("hex") }, drop: () => adminQuery(postgresUrl, `drop schema if exists ${schema} cascade`) };
}

export type ReferenceInput = {
  database: ReferenceDatabase;
  logLevel: string;
  /** SIM_STEP_MS; undefined = the server's default. */
  simStepMs?: number;
  /** READ_CACHE; undefined = the server's default (auto). */
  readCache?: "auto" | "off";
  /**
   * When set, the child runs with --cpu-prof and writes its profiles into this directory on exit:
   * one per thread (the PGlite worker has a thread of its own), under Node's default names.
   */
  cpuProfileDir?: string;
};

/** `node dist/cli/main.js serve`: the reference server as `npm start` starts it, all four APIs on one port. */
export async function startReferenceServer(name: TargetName, input: ReferenceInput): Promise<RunningTarget> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const profileArgs = input.cpuProfileDir ? ["--cpu-prof", "--cpu-prof-dir", input.cpuProfileDir] : [];
  const process_ = await spawnServer({
    args: [...profileArgs, CLI_MAIN, "serve"],
    env: { ...serverFreeEnv(), ...input.database.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: input.logLevel,
      ...(input.simStepMs === undefined ? {} : { SIM_STEP_MS: String(input.simStepMs) }),
      ...(input.readCache === undefined ? {} : { READ_CACHE: input.readCache }),
    },
    cwd: REPO_ROOT,
    readyUrl: `${origin}/__admin/health`,
  });
  return { name, origin, apiBaseUrl: `${origin}${mountPath(BENCH_API, loadSpec(BENCH_API), false)}`, process: process_, stop: process_.stop };
}

/** Prism's static mock of the same contract, started as src/mock/prismMocks.ts starts it (one API, CORS on, its log to /dev/null). */
export async function startPrism(readiness: Route): Promise<RunningTarget> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const process_ = await spawnServer({
    args: prismArguments(BENCH_API, port, "127.0.0.1"),
    env: { ...process.env, FORCE_COLOR: "0" },
    cwd: REPO_ROOT,
    readyUrl: `${origin}${readiness.path}`,
    readyHeaders: { ...readiness.headers },
  });
  return { name: "prism", origin, apiBaseUrl: origin, process: process_, stop: process_.stop };
}

/** bench/bareExpress.ts, answering the captured bytes at the reference server's own paths. */
export async function startBareExpress(captureFile: string, readiness: Route): Promise<RunningTarget> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const apiBaseUrl = `${origin}${mountPath(BENCH_API, loadSpec(BENCH_API), false)}`;
  const process_ = await spawnServer({
    args: ["--import", "tsx", BARE_EXPRESS],
    env: { ...process.env, BENCH_CAPTURE_FILE: captureFile, BENCH_PORT: String(port) },
    cwd: REPO_ROOT,
    readyUrl: `${apiBaseUrl}${readiness.path}`,
    readyHeaders: { ...readiness.headers },
  });
  return { name: "bare-express", origin, apiBaseUrl, process: process_, stop: process_.stop };
}

function serverFreeEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of SERVER_ENV_NAMES) delete env[name];
  return env;
}

async function adminQuery(postgresUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
