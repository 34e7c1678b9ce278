// `npm run bench`: the reference server against the Prism mock and a bare Express handler, under
// the same load, plus start-up time, peak memory and the conformance suite's wall time. Prints
// the figures and writes them to bench-results/<timestamp>.json and bench-results/latest.json.
//   npm run bench -- --duration 3 --rounds 1 --only reference-pglite,prism --skip-postgres --cpu-prof
// Exit codes: 0 figures written (a missed target is a figure, not a failure), 1 a section could
// not run, 2 usage error.
import { loadavg } from "node:os";
import { CommanderError } from "commander";
import { measureConformance } from "./conformance.js";
import { measureTargets } from "./loadTargets.js";
import { parseBenchOptions, TARGET_NAMES, type BenchOptions } from "./options.js";
import { formatResults } from "./report.js";
import { machineFacts, writeResults, type BenchResults } from "./results.js";
import { BENCH_API, benchRoutes } from "./routes.js";
import { stopAllServers } from "./serverProcess.js";
import { measureStartup } from "./startup.js";
import { judge } from "./verdicts.js";

let options: BenchOptions;
try {
  options = parseBenchOptions(process.argv.slice(2), process.env);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.code === "commander.helpDisplayed" ? 0 : 2);
  throw error;
}

process.once("SIGINT", () => {
  void stopAllServers().then(() => process.exit(130));
});

const routes = benchRoutes();
const startedAt = new Date().toISOString();
const results: BenchResults = {
  startedAt,
  machine: machineFacts(),
  settings: {
    duration: `${options.durationSec} s`,
    warmup: `${options.warmupSec} s`,
    rounds: options.rounds,
    connections: options.connections,
    pipelining: 1,
    "reference LOG_LEVEL": options.logLevel,
    "cpu profiling": options.cpuProf,
    "fixed rate": options.fixedRate,
    "conformance server SIM_STEP_MS": options.simStepMs ?? "default",
    postgres: options.postgresUrl ?? "skipped",
  },
  api: BENCH_API,
  routes: routes.map(({ name, method, path }) => ({ name, method, path })),
  targets: {},
  verdicts: [],
};

const loadTargets = TARGET_NAMES.filter((name) => options.sections.includes(name));
if (loadTargets.length > 0) results.targets = await measureTargets(loadTargets, routes, options, startedAt.replace(/[:.]/g, "-"));
if (options.sections.includes("startup")) {
  process.stderr.write("bench: start-up…\n");
  results.startup = await measureStartup(options);
}
if (options.sections.includes("conformance")) {
  process.stderr.write("bench: conformance suite…\n");
  try {
    results.conformance = await measureConformance(options);
  } catch (error) {
    results.conformance = { error: (error as Error).message };
  }
}

results.machine.loadAverageAtEnd = loadavg().map((n) => Math.round(n * 100) / 100);
results.finishedAt = new Date().toISOString();
results.verdicts = judge(results, options.connections);
console.log(formatResults(results));
console.log(`\nwritten: ${writeResults(options.outDir, results)} (and latest.json)`);

const incomplete =
  Object.values(results.targets).some((t) => t.status === "failed") ||
  (results.startup ?? []).some((f) => f.error !== undefined) ||
  (results.conformance !== undefined && "error" in results.conformance);
process.exit(incomplete ? 1 : 0);
