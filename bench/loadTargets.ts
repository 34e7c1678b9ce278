import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { captureAnswers, writeCapture } from "./capture.js";
import { summarizeCpuProfile, type ProfileSummary } from "./cpuProfile.js";
import { loadRoute, type RouteFigures } from "./load.js";
import type { BenchOptions, TargetName } from "./options.js";
import type { TargetResult } from "./results.js";
import type { Route } from "./routes.js";
import { cpuTimeMs, peakMemoryMiB } from "./serverProcess.js";
import {
  freshPgliteDatabase,
  freshPostgresDatabase,
  startBareExpress,
  startPrism,
  startReferenceServer,
  type ReferenceDatabase,
  type RunningTarget,
} from "./targets.js";

/**
 * Starts each target in turn, in its own process, loads every route on it with the same settings,
 * reads its peak memory, and stops it. The first reference server's answers are captured for the
 * bare handler before any load.
 */
export async function measureTargets(names: readonly TargetName[], routes: readonly Route[], options: BenchOptions, stamp: string) {
  const workDir = mkdtempSync(join(tmpdir(), "cc-bench-capture-"));
  const captureFile = join(workDir, "answers.json");
  let captured = false;
  const capture = async (target: RunningTarget) => {
    writeCapture(captureFile, await captureAnswers(target.apiBaseUrl, routes));
    captured = true;
  };
  const results: Partial<Record<TargetName, TargetResult>> = {};
  try {
    for (const name of names) {
      process.stderr.write(`bench: ${name}…\n`);
      try {
        if (name === "prism") results[name] = await measure(await startPrism(routes[0]!), routes, options);
        else if (name === "bare-express") {
          if (!captured) await withReference("reference-pglite", options, undefined, capture);
          results[name] = await measure(await startBareExpress(captureFile, routes[0]!), routes, options);
        } else {
          if (name.startsWith("reference-postgres") && !options.postgresUrl) {
            results[name] = { status: "skipped", reason: "--skip-postgres" };
            continue;
          }
          const profileDir = options.cpuProf ? resolve(options.outDir, "profiles", `${name}-${stamp}`) : undefined;
          const result = await withReference(name, options, profileDir, async (target) => {
            if (!captured) await capture(target);
            return measure(target, routes, options);
          });
          if (profileDir && result.status === "measured") result.profile = summarizeMainThread(profileDir, result.startupMs);
          results[name] = result;
        }
      } catch (error) {
        results[name] = { status: "failed", reason: (error as Error).message };
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return results;
}

/** Runs `work` on a reference server on a fresh database, then stops it (writing its profile) and drops the database. */
async function withReference<T>(name: TargetName, options: BenchOptions, cpuProfileDir: string | undefined, work: (target: RunningTarget) => Promise<T>): Promise<T> {
  const database: ReferenceDatabase = name.startsWith("reference-postgres") ? await freshPostgresDatabase(options.postgresUrl!) : freshPgliteDatabase();
  try {
    const target = await startReferenceServer(name, {
      database,
      logLevel: options.logLevel,
      readCache: name === "reference-postgres-uncached" ? "off" : "auto",
      ...(cpuProfileDir ? { cpuProfileDir } : {}),
    });
    try {
      return await work(target);
    } finally {
      await target.stop();
    }
  } finally {
    await database.drop();
  }
}

async function measure(target: RunningTarget, routes: readonly Route[], options: BenchOptions): Promise<TargetResult> {
  try {
    const figures: RouteFigures[] = [];
    for (const route of routes) {
      figures.push(await loadRoute(target.apiBaseUrl, route, options, () => cpuTimeMs(target.process.pid)));
      const ended = target.process.exitState();
      if (ended) throw new Error(`the ${target.name} process ended (${ended}) during the ${route.name} load:\n${target.process.stderrTail()}`);
    }
    return { status: "measured", startupMs: target.process.startupMs, peakMemoryMiB: peakMemoryMiB(target.process.pid), routes: figures };
  } finally {
    await target.stop();
  }
}

/**
 * The server's own thread is the busiest of the profiles the child wrote (the other is tsx's
 * loader thread); its start-up is left out, so what remains is the load (and the capture, and the stop).
 */
function summarizeMainThread(dir: string, startupMs: number): ProfileSummary | undefined {
  const summaries = readdirSync(dir)
    .filter((file) => file.endsWith(".cpuprofile"))
    .map((file) => summarizeCpuProfile(join(dir, file), { skipMs: startupMs }));
  return summaries.sort((a, b) => b.totalMs - b.idleMs - (a.totalMs - a.idleMs))[0];
}
