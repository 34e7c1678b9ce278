import { Command, InvalidArgumentError } from "commander";

/**
 * The servers the load runs against, in run order (the reference comes first: its answers are
 * captured for the bare handler). reference-postgres-uncached runs with READ_CACHE=off: every read
 * goes to PostgreSQL, as on a server that shares its database with another one.
 */
export const TARGET_NAMES = ["reference-pglite", "reference-postgres", "reference-postgres-uncached", "prism", "bare-express"] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** Everything `--only` can pick: a load target, or one of the two measurements that are not load. */
export const SECTION_NAMES = [...TARGET_NAMES, "startup", "conformance"] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

export type BenchOptions = Readonly<{
  /** Seconds of measured load per route and target, in each round. */
  durationSec: number;
  warmupSec: number;
  /** Rounds per route; each target's figure is its median round. */
  rounds: number;
  connections: number;
  sections: readonly SectionName[];
  /** The reference server's LOG_LEVEL (its own default, info, is how a user runs it). */
  logLevel: string;
  cpuProf: boolean;
  /** The offered rate of the fixed-rate pass: each route at Prism's median rate in this run, a number of req/s, or none. */
  fixedRate: "prism" | number | "off";
  /** SIM_STEP_MS of the server the conformance suite runs against; undefined = the server's default (250 ms). */
  simStepMs: number | undefined;
  /** Where PostgreSQL is (a fresh schema is made in it per server start); undefined = skip it. */
  postgresUrl: string | undefined;
  outDir: string;
}>;

export const DEFAULT_POSTGRES_URL = "postgres://root@127.0.0.1:5432/test";

/** Parses `npm run bench -- <flags>` (and DATABASE_URL) once into frozen options. */
export function parseBenchOptions(argv: readonly string[], env: Record<string, string | undefined>): BenchOptions {
  const flags = new Command("bench")
    .description("Load the reference server, the Prism mock and a bare Express handler with the same requests; print and save the figures")
    .option("--duration <s>", "seconds of measured load per route, target and round", positiveNumber, 4)
    .option("--warmup <s>", "seconds of unmeasured load before each of them", nonNegativeNumber, 1)
    .option("--rounds <n>", "rounds per route, the targets taking turns in each; a figure is the median round", positiveInteger, 3)
    .option("--connections <n>", "concurrent connections of the load generator", positiveInteger, 50)
    .option("--only <sections>", `comma-separated: ${SECTION_NAMES.join(", ")}`, sectionList)
    .option("--skip-postgres", "leave out the reference server on PostgreSQL", false)
    .option("--log-level <level>", "LOG_LEVEL of the reference server (its default: info)", "info")
    .option("--cpu-prof", "run the reference server with --cpu-prof (profiles in <out>/profiles; figures then include the profiler's cost)", false)
    .option("--sim-step-ms <ms>", "SIM_STEP_MS of the server the conformance suite runs against (default: the server's own, 250)", positiveInteger)
    .option("--fixed-rate <rate>", "after the rounds, each route once more at a fixed offered rate: prism (its median rate in this run), a number of req/s, or off", fixedRate, "prism")
    .option("--out <dir>", "where the JSON results go", "bench-results")
    .exitOverride()
    .parse([...argv], { from: "user" })
    .opts<{ duration: number; warmup: number; rounds: number; connections: number; only?: SectionName[]; skipPostgres: boolean; logLevel: string; cpuProf: boolean; fixedRate: "prism" | number | "off"; simStepMs?: number; out: string }>();

  const skipPostgres = flags.skipPostgres;
  const chosen = flags.only ?? [...SECTION_NAMES];
  return Object.freeze({
    durationSec: flags.duration,
    warmupSec: flags.warmup,
    rounds: flags.rounds,
    connections: flags.connections,
    sections: Object.freeze(skipPostgres ? chosen.filter((s) => !s.startsWith("reference-postgres")) : chosen),
    logLevel: flags.logLevel,
    cpuProf: flags.cpuProf,
    fixedRate: flags.fixedRate,
    simStepMs: flags.simStepMs,
    postgresUrl: skipPostgres ? undefined : env.DATABASE_URL || DEFAULT_POSTGRES_URL,
    outDir: flags.out,
  });
}

function fixedRate(value: string): "prism" | number | "off" {
  if (value === "prism" || value === "off") return value;
  return positiveNumber(value);
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a number above 0");
  return n;
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("must be a number, 0 or more");
  return n;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("must be a whole number above 0");
  return n;
}

function sectionList(value: string, previous: SectionName[] = []): SectionName[] {
  const names = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!(SECTION_NAMES as readonly string[]).includes(name)) throw new InvalidArgumentError(`unknown section "${name}" (one of ${SECTION_NAMES.join(", ")})`);
  }
  return [...previous, ...(names as SectionName[])];
}
