import type { BenchOptions } from "./options.js";
import { peakMemoryMiB } from "./serverProcess.js";
import { freshPgliteDatabase, freshPostgresDatabase, startReferenceServer, type ReferenceDatabase } from "./targets.js";

/** Spawn to the first 200 on /__admin/health, for one way of starting the reference server, and its peak memory by then. */
export type StartupFigure = { scenario: string; ms?: number; peakMemoryMiB?: number; error?: string };

/**
 * Starts the reference server twice on each database: on a fresh one (migrations and seeding
 * included, as on a first `npm start`) and again on the same one (what every later start costs).
 */
export async function measureStartup(options: BenchOptions): Promise<StartupFigure[]> {
  const figures: StartupFigure[] = [];
  figures.push(...(await startTwice("PGlite", () => Promise.resolve(freshPgliteDatabase()), "data directory", options)));
  if (options.postgresUrl) {
    const url = options.postgresUrl;
    figures.push(...(await startTwice("PostgreSQL", () => freshPostgresDatabase(url), "schema", options)));
  }
  return figures;
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
    for (const scenario of scenarios) {
      try {
        const server = await startReferenceServer(database.kind === "pglite" ? "reference-pglite" : "reference-postgres", { database, logLevel: options.logLevel });
        figures.push({ scenario, ms: server.process.startupMs, peakMemoryMiB: peakMemoryMiB(server.process.pid) });
        await server.stop();
      } catch (error) {
        figures.push({ scenario, error: (error as Error).message });
      }
    }
  } finally {
    await database.drop();
  }
  return figures;
}
