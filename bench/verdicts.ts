import type { RouteFigures } from "./load.js";
import type { TargetName } from "./options.js";
import type { BenchResults } from "./results.js";
import type { RouteName } from "./routes.js";

/** One of issue 5's targets, judged on one subject (a server and a route, or the whole suite). */
export type Verdict = { target: string; subject: string; measured: string; outcome: "PASS" | "MISS" | "n/a" };

const REFERENCES: TargetName[] = ["reference-pglite", "reference-postgres"];
const READS: RouteName[] = ["list", "get"];

/** Issue 5's targets, as numbers (#5 "Benchmarks"). */
export const TARGETS = {
  readsOverPrism: 2.5,
  writesOverPrism: 2,
  p99Ms: 20,
  p99AtConnections: 50,
  readsOverBare: 0.75,
  conformanceMs: 15_000,
} as const;

export function judge(results: BenchResults, connections: number): Verdict[] {
  const verdicts: Verdict[] = [];
  const figures = (target: TargetName, route: RouteName): RouteFigures | undefined => {
    const result = results.targets[target];
    return result?.status === "measured" ? result.routes.find((r) => r.route === route) : undefined;
  };
  const ratio = (target: string, reference: TargetName, other: TargetName, route: RouteName, atLeast: number, asPercent: boolean) => {
    const mine = figures(reference, route);
    const theirs = figures(other, route);
    const subject = `${reference} ${route}`;
    if (!mine || !theirs) return verdicts.push({ target, subject, measured: "not measured", outcome: "n/a" });
    const value = mine.requestsPerSec / theirs.requestsPerSec;
    const dirty = failures(mine) + failures(theirs) > 0 ? " (with errors or non-2xx: not comparable)" : "";
    const rate = `${mine.requestsPerSec} / ${theirs.requestsPerSec} req/s`;
    // The same comparison by CPU per request: what the ratio would be with each server on a core of its own, unshared.
    const byCpu = mine.cpuMsPerRequest && theirs.cpuMsPerRequest ? `; by CPU/request ${formatRatio(theirs.cpuMsPerRequest / mine.cpuMsPerRequest, asPercent)}` : "";
    const measured = `${formatRatio(value, asPercent)} (${rate}${byCpu})`;
    verdicts.push({ target, subject, measured: measured + dirty, outcome: value >= atLeast && !dirty ? "PASS" : "MISS" });
  };

  for (const reference of REFERENCES) {
    for (const route of READS) ratio(`reads ≥ ${TARGETS.readsOverPrism}× Prism`, reference, "prism", route, TARGETS.readsOverPrism, false);
    ratio(`writes ≥ ${TARGETS.writesOverPrism}× Prism`, reference, "prism", "create", TARGETS.writesOverPrism, false);
  }
  for (const reference of REFERENCES) {
    for (const route of READS) ratio(`reads ≥ ${TARGETS.readsOverBare * 100}% of bare Express`, reference, "bare-express", route, TARGETS.readsOverBare, true);
  }
  for (const reference of REFERENCES) {
    for (const route of [...READS, "create"] as RouteName[]) {
      const target = `p99 < ${TARGETS.p99Ms} ms at ${TARGETS.p99AtConnections} connections`;
      const subject = `${reference} ${route}`;
      const mine = figures(reference, route);
      if (!mine) verdicts.push({ target, subject, measured: "not measured", outcome: "n/a" });
      else if (connections !== TARGETS.p99AtConnections) verdicts.push({ target, subject, measured: `${mine.p99Ms} ms at ${connections} connections`, outcome: "n/a" });
      else {
        // The floor on this machine: the same route on the bare handler under the same load.
        const bare = figures("bare-express", route);
        const floor = bare ? ` (bare Express: ${bare.p99Ms} ms)` : "";
        verdicts.push({ target, subject, measured: `${mine.p99Ms} ms${floor}`, outcome: mine.p99Ms < TARGETS.p99Ms && failures(mine) === 0 ? "PASS" : "MISS" });
      }
    }
  }

  const conformance = results.conformance;
  const target = `conformance suite < ${TARGETS.conformanceMs / 1000} s`;
  if (!conformance) verdicts.push({ target, subject: "all APIs", measured: "not measured", outcome: "n/a" });
  else if ("error" in conformance) verdicts.push({ target, subject: "all APIs", measured: `failed: ${conformance.error}`, outcome: "MISS" });
  else {
    const ran = conformance.apis.filter((run) => !("skipped" in run)).map((run) => run.api);
    verdicts.push({
      target,
      subject: ran.length === conformance.apis.length ? "all four APIs" : `${ran.join(", ")} (${conformance.apis.length - ran.length} without a profile yet)`,
      measured: `${(conformance.wallMs / 1000).toFixed(1)} s`,
      outcome: conformance.wallMs < TARGETS.conformanceMs ? "PASS" : "MISS",
    });
  }
  return verdicts;
}

function formatRatio(value: number, asPercent: boolean): string {
  return asPercent ? `${Math.round(value * 100)}%` : `${value.toFixed(2)}×`;
}

function failures(figures: RouteFigures): number {
  return figures.errors + figures.non2xx;
}
