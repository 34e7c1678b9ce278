import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import type { ConformanceFigures } from "./conformance.js";
import type { ProfileSummary } from "./cpuProfile.js";
import type { RouteFigures } from "./load.js";
import type { TargetName } from "./options.js";
import type { StartupFigure } from "./startup.js";
import type { Verdict } from "./verdicts.js";

export type TargetResult =
  | {
      status: "measured";
      startupMs: number;
      peakMemoryMiB: number | undefined;
      /** As fast as the target answers: the median round of each route. */
      routes: RouteFigures[];
      /** Each route once more at a fixed offered rate (--fixed-rate), for latency below saturation. */
      atFixedRate?: RouteFigures[];
      profile?: ProfileSummary;
    }
  | { status: "skipped" | "failed"; reason: string };

export type MachineFacts = {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  totalMemoryMiB: number;
  freeMemoryMiBAtStart: number;
  /** 1, 5 and 15 minute load averages: other work on the machine makes absolute figures noisy, not ratios. */
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
  gitCommit?: string;
  gitDirty?: boolean;
};

export type BenchResults = {
  startedAt: string;
  finishedAt?: string;
  machine: MachineFacts;
  settings: Record<string, unknown>;
  api: string;
  routes: Array<{ name: string; method: string; path: string }>;
  targets: Partial<Record<TargetName, TargetResult>>;
  startup?: StartupFigure[];
  conformance?: ConformanceFigures | { error: string };
  verdicts: Verdict[];
};

export function machineFacts(): MachineFacts {
  const git = (args: string[]) => {
    try {
      return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return undefined;
    }
  };
  const status = git(["status", "--porcelain"]);
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    totalMemoryMiB: Math.round(totalmem() / 1_048_576),
    freeMemoryMiBAtStart: Math.round(freemem() / 1_048_576),
    loadAverageAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
    gitCommit: git(["rev-parse", "HEAD"]),
    ...(status === undefined ? {} : { gitDirty: status.length > 0 }),
  };
}

/** Writes <outDir>/<ISO timestamp>.json and <outDir>/latest.json; returns the first path. */
export function writeResults(outDir: string, results: BenchResults): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${results.startedAt.replace(/[:.]/g, "-")}.json`);
  const text = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(outDir, "latest.json"), text);
  return file;
}
