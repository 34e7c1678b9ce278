import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { BenchOptions } from "./options.js";
import { peakMemoryMiB, residentMemoryMiB } from "./serverProcess.js";
import { freshPgliteDatabase, freshPostgresDatabase, startReferenceServer, type ReferenceDatabase } from "./targets.js";

/**
 * Spawn to the first 200 on /__admin/health, for one way of starting the reference server; its
 * peak memory by then, and its resident memory once it has sat idle for IDLE_MS after it.
 */
export type StartupFigure = { scenario: string; ms?: number; peakMemoryMiB?: number; idleMemoryMiB?: number; error?: string };

const IDLE_MS = 3_000;
const CLI_MAIN = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const PREPARE_TEMPLATE = fileURLToPath(new URL("../scripts/prepare-template.mjs", import.meta.url));

/**
 * Starts the reference server on PGlite as on a fresh clone (no template data directory on the
 * machine yet: initdb runs), on a fresh data directory (copied from the template), and again on
 * the same one (what every later start costs); then twice on PostgreSQL; then times `--help`.
 */
export async function measureStartup(options: BenchOptions): Promise<StartupFigure[]> {
  const figures: StartupFigure[] = [];
  figures.push(...(await startOnFreshClone(options)));
  figures.push(...(await startTwice("PGlite", () => Promise.resolve(freshPgliteDatabase()), "data directory", options)));
  if (options.postgresUrl) {
    const url = options.postgresUrl;
    figures.push(...(await startTwice("PostgreSQL", () => freshPostgresDatabase(url), "schema", options)));
  }
  figures.push(await timeHelp());
  return figures;
}

/**
 * A template folder of its own, as on a machine that never ran the server (templates live in
 * ~/.cache/connector-contracts unless PGLITE_TEMPLATE_DIR says otherwise, so a TMPDIR of its own
 * alone would still find the machine's). Twice: as the first start after `npm ci`, whose prepare
 * step (scripts/prepare-template.mjs, timed on its own line) made the template; and with no
 * template at all, as the first `serve` of a package installed from its tarball, where initdb runs.
 */
async function startOnFreshClone(options: BenchOptions): Promise<StartupFigure[]> {
  const figures: StartupFigure[] = [];
  for (const prepared of [true, false]) {
    const tmp = mkdtempSync(join(tmpdir(), "cc-bench-tmp-"));
    const database = freshPgliteDatabase();
    const env = { ...database.env, TMPDIR: tmp, PGLITE_TEMPLATE_DIR: join(tmp, "templates") };
    try {
      if (prepared) figures.push(await timePrepare(env));
      figures.push(await startOnce(prepared ? "PGlite, first start after npm ci" : "PGlite, no template yet (installed tarball)", { ...database, env }, options));
    } finally {
      await database.drop();
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return figures;
}

/** npm ci's template step, spawn to exit. */
async function timePrepare(env: Record<string, string>): Promise<StartupFigure> {
  const scenario = "npm ci's template step (prepare-template.mjs, to exit)";
  const started = performance.now();
  try {
    await promisify(execFile)(process.execPath, [PREPARE_TEMPLATE], { env: { ...process.env, ...env } });
    return { scenario, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { scenario, error: (error as Error).message };
  }
}

async function startTwice(label: string, open: () => Promise<ReferenceDatabase>, what: string, options: BenchOptions): Promise<StartupFigure[]> {
  const scenarios = [`${label}, fresh ${what}`, `${label}, existing ${what}`];
  let database: ReferenceDatabase;
  try {
    database = await open();
  } catch (error) {
    return scenarios.map((scenario) => ({ scenario, error: (error as Error).message }));
  }
  const figures: StartupFigure[] = [];
  try {
    for (const scenario of scenarios) figures.push(await startOnce(scenario, database, options));
  } finally {
    await database.drop();
  }
  return figures;
}

async function startOnce(scenario: string, database: ReferenceDatabase, options: BenchOptions): Promise<StartupFigure> {
  try {
    const server = await startReferenceServer(database.kind === "pglite" ? "reference-pglite" : "reference-postgres", { database, logLevel: options.logLevel });
    const figure: StartupFigure = { scenario, ms: server.process.startupMs, peakMemoryMiB: peakMemoryMiB(server.process.pid) };
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    figure.idleMemoryMiB = residentMemoryMiB(server.process.pid);
    await server.stop();
    return figure;
  } catch (error) {
    return { scenario, error: (error as Error).message };
  }
}

/** `connector-contracts --help`, spawn to exit: what every command pays before it starts. */
async function timeHelp(): Promise<StartupFigure> {
  const started = performance.now();
  try {
    await promisify(execFile)(process.execPath, [CLI_MAIN, "--help"]);
    return { scenario: "connector-contracts --help (to exit)", ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { scenario: "connector-contracts --help (to exit)", error: (error as Error).message };
  }
}
