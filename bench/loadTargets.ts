import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { captureAnswers, writeCapture } from "./capture.js";
import { summarizeCpuProfile, type ProfileSummary } from "./cpuProfile.js";
import { loadRoute, type RouteFigures } from "./load.js";
import { loadRouteAtRate } from "./openLoop.js";
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

type Started = { name: TargetName; target: RunningTarget; database?: ReferenceDatabase; profileDir?: string };

/**
 * Starts every target, each in its own process, then loads each route in rounds: in every round
 * each target in turn gets the same load. A target's figure for a route is its median round, so a
 * spell of other work on this shared machine costs every target a round alike instead of skewing
 * one target's whole measurement (one configuration measured once gave 1,313 and 1,907 req/s
 * minutes apart). Peak memory is read after all the load. The first reference server's answers
 * are captured for the bare handler before any load.
 */
export async function measureTargets(names: readonly TargetName[], routes: readonly Route[], options: BenchOptions, stamp: string) {
  const workDir = mkdtempSync(join(tmpdir(), "cc-bench-capture-"));
  const captureFile = join(workDir, "answers.json");
  const results: Partial<Record<TargetName, TargetResult>> = {};
  const started: Started[] = [];
  try {
    let captured = false;
    const references = names.filter((name) => name.startsWith("reference-"));
    const ordered = [...references, ...names.filter((name) => !name.startsWith("reference-"))];
    for (const name of ordered) {
      process.stderr.write(`bench: starting ${name}…\n`);
      try {
        if (name.startsWith("reference-postgres") && !options.postgresUrl) {
          results[name] = { status: "skipped", reason: "--skip-postgres" };
          continue;
        }
        if (name === "bare-express" && !captured) {
          // No reference server in this run: one on PGlite answers once, for the bytes, and stops.
          const reference = await startReference("reference-pglite", options, undefined);
          try {
            writeCapture(captureFile, await captureAnswers(reference.target.apiBaseUrl, routes));
            captured = true;
          } finally {
            await stopStarted(reference);
          }
        }
        const profileDir = options.cpuProf && name.startsWith("reference-") ? resolve(options.outDir, "profiles", `${name}-${stamp}`) : undefined;
        const one =
          name === "prism" ? { name, target: await startPrism(routes[0]!) }
          : name === "bare-express" ? { name, target: await startBareExpress(captureFile, routes[0]!) }
          : await startReference(name, options, profileDir);
        started.push(one);
        // The bare handler answers with the reference server's bytes, never Prism's.
        if (!captured && name.startsWith("reference-")) {
          writeCapture(captureFile, await captureAnswers(one.target.apiBaseUrl, routes));
          captured = true;
        }
      } catch (error) {
        results[name] = { status: "failed", reason: (error as Error).message };
      }
    }

    const failed = new Set<TargetName>();
    /** Loads every target still standing with `load`, in turn; a target whose process ends under load is failed from then on. */
    const loadEach = async (what: string, load: (target: RunningTarget) => Promise<RouteFigures>, keep: (name: TargetName, figures: RouteFigures) => void) => {
      for (const { name, target } of started) {
        if (failed.has(name)) continue;
        try {
          const figures = await load(target);
          const ended = target.process.exitState();
          if (ended) throw new Error(`the ${name} process ended (${ended}) during the ${what} load:\n${target.process.stderrTail()}`);
          keep(name, figures);
        } catch (error) {
          failed.add(name);
          results[name] = { status: "failed", reason: (error as Error).message };
        }
      }
    };
    const cpuOf = (target: RunningTarget) => () => cpuTimeMs(target.process.pid);

    const rounds = new Map<TargetName, Map<string, RouteFigures[]>>(started.map((s) => [s.name, new Map()]));
    for (const route of routes) {
      for (let round = 1; round <= options.rounds; round++) {
        process.stderr.write(`bench: ${route.name}, round ${round} of ${options.rounds}…\n`);
        await loadEach(route.name, (target) => loadRoute(target.apiBaseUrl, route, options, cpuOf(target)), (name, figures) => {
          const byRoute = rounds.get(name)!;
          byRoute.set(route.name, [...(byRoute.get(route.name) ?? []), figures]);
        });
      }
    }
    const medians = (name: TargetName) => routes.map((route) => medianRound(rounds.get(name)!.get(route.name) ?? []));

    const prism = started.some((s) => s.name === "prism") && !failed.has("prism") ? medians("prism") : undefined;
    if (options.fixedRate === "prism" && !prism) process.stderr.write("bench: no Prism figures in this run, so no fixed-rate pass (--fixed-rate <n> sets a rate)\n");
    const atFixedRate = new Map<TargetName, RouteFigures[]>();
    for (const route of routes) {
      const rate = fixedRateOf(options.fixedRate, prism?.find((r) => r.route === route.name));
      if (rate === undefined) continue;
      process.stderr.write(`bench: ${route.name} at ${rate} req/s offered…\n`);
      await loadEach(`${route.name} fixed-rate`, (target) => loadRouteAtRate(target.apiBaseUrl, route, { ...options, ratePerSec: rate }, cpuOf(target)), (name, figures) =>
        atFixedRate.set(name, [...(atFixedRate.get(name) ?? []), figures]),
      );
    }

    for (const one of started) {
      if (failed.has(one.name)) continue;
      const fixed = atFixedRate.get(one.name);
      results[one.name] = {
        status: "measured",
        startupMs: one.target.process.startupMs,
        peakMemoryMiB: peakMemoryMiB(one.target.process.pid),
        routes: medians(one.name),
        ...(fixed ? { atFixedRate: fixed } : {}),
      };
    }
  } finally {
    for (const one of started) await stopStarted(one);
    rmSync(workDir, { recursive: true, force: true });
  }
  for (const one of started) {
    const result = results[one.name];
    if (one.profileDir && result?.status === "measured") result.profile = summarizeMainThread(one.profileDir, result.startupMs);
  }
  return results;
}

/**
 * The offered rate of a route's fixed-rate pass: a load Prism just carries (its median rate in this
 * run) shows what a user moving from Prism to the reference server would see under the same
 * traffic; below saturation, latency is the server's own, not the length of the queue that a
 * closed loop of 50 connections keeps full (mean latency = 50 ÷ req/s there, whatever the server).
 */
function fixedRateOf(setting: BenchOptions["fixedRate"], prism: RouteFigures | undefined): number | undefined {
  if (setting === "off") return undefined;
  if (setting === "prism") return prism && prism.requestsPerSec > 0 ? prism.requestsPerSec : undefined;
  return setting;
}

/** The round with the median requests per second, with every round's rate beside it. */
function medianRound(rounds: readonly RouteFigures[]): RouteFigures {
  const sorted = [...rounds].sort((a, b) => a.requestsPerSec - b.requestsPerSec);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { ...median, roundsRequestsPerSec: rounds.map((r) => r.requestsPerSec) };
}

/** A reference server as a user starts it, on a fresh database (READ_CACHE=off for reference-postgres-uncached). */
async function startReference(name: TargetName, options: BenchOptions, profileDir: string | undefined): Promise<Started> {
  const database = name.startsWith("reference-postgres") ? await freshPostgresDatabase(options.postgresUrl!) : freshPgliteDatabase();
  try {
    const target = await startReferenceServer(name, {
      database,
      logLevel: options.logLevel,
      readCache: name === "reference-postgres-uncached" ? "off" : "auto",
      ...(profileDir ? { cpuProfileDir: profileDir } : {}),
    });
    return { name, target, database, ...(profileDir ? { profileDir } : {}) };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/** Stops the process (a profiled one writes its profile then) and drops its database. */
async function stopStarted(one: Started): Promise<void> {
  await one.target.stop();
  await one.database?.drop();
}

/**
 * The server's own thread is the busiest of the profiles the child wrote (another is the PGlite
 * worker's); its start-up is left out, so what remains is the load (and the capture, and the stop).
 */
function summarizeMainThread(dir: string, startupMs: number): ProfileSummary | undefined {
  const summaries = readdirSync(dir)
    .filter((file) => file.endsWith(".cpuprofile"))
    .map((file) => summarizeCpuProfile(join(dir, file), { skipMs: startupMs }));
  return summaries.sort((a, b) => b.totalMs - b.idleMs - (a.totalMs - a.idleMs))[0];
}
