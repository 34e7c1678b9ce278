import type { ConformanceFigures } from "./conformance.js";
import type { ProfileSummary } from "./cpuProfile.js";
import { TARGET_NAMES } from "./options.js";
import type { BenchResults } from "./results.js";
import type { StartupFigure } from "./startup.js";
import { TARGETS, type Verdict } from "./verdicts.js";

/** Everything a run measured, as text tables for the terminal. */
export function formatResults(results: BenchResults): string {
  const sections = [formatMachine(results), formatLoad(results)];
  const fixed = formatFixedRate(results);
  if (fixed) sections.push(fixed);
  sections.push(formatVerdicts(results.verdicts));
  if (results.startup) sections.push(formatStartup(results.startup));
  if (results.conformance) sections.push(formatConformance(results.conformance));
  for (const name of TARGET_NAMES) {
    const target = results.targets[name];
    if (target?.status === "measured" && target.profile) sections.push(`CPU profile of ${name}\n${formatProfileSummary(target.profile)}`);
  }
  return sections.join("\n\n");
}

function formatMachine({ machine, settings, api }: BenchResults): string {
  return [
    `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, load average at start ${machine.loadAverageAtStart.join(" / ")}` +
      (machine.loadAverageAtEnd ? `, at end ${machine.loadAverageAtEnd.join(" / ")}` : ""),
    `API ${api}; ${Object.entries(settings).map(([k, v]) => `${k} ${String(v)}`).join(", ")}`,
  ].join("\n");
}

function formatLoad(results: BenchResults): string {
  const rows: string[][] = [];
  for (const name of TARGET_NAMES) {
    const target = results.targets[name];
    if (!target) continue;
    if (target.status !== "measured") {
      rows.push([name, `${target.status}: ${firstLine(target.reason)}`, "", "", "", "", "", "", "", "", ""]);
      continue;
    }
    for (const r of target.routes) {
      rows.push([
        name, r.route, String(r.requestsPerSec), r.roundsRequestsPerSec && r.roundsRequestsPerSec.length > 1 ? r.roundsRequestsPerSec.join(" ") : "", String(r.p50Ms), String(r.p99Ms), String(r.errors), String(r.non2xx),
        r.cpuMsPerRequest === null ? "?" : r.cpuMsPerRequest.toFixed(2), String(target.startupMs), target.peakMemoryMiB === undefined ? "?" : String(target.peakMemoryMiB),
      ]);
    }
  }
  return [
    table(["target", "route", "req/s", "rounds (req/s)", "p50 ms", "p99 ms", "errors", "non-2xx", "CPU ms/req", "start ms", "peak MiB"], rows, [2, 3, 4, 5, 6, 7, 8, 9, 10]),
    "req/s, p50, p99 and CPU: the median round (by req/s) of the rounds beside it; in each round every target had the same load in turn.",
    "CPU ms/req: the server process's own CPU time (all threads) per answered request; PostgreSQL's processes are not in it.",
    "peak MiB: VmHWM of the server process after the load. start ms: spawn to its first 2xx answer.",
  ].join("\n");
}

function formatFixedRate(results: BenchResults): string | undefined {
  const rows: string[][] = [];
  for (const name of TARGET_NAMES) {
    const target = results.targets[name];
    if (target?.status !== "measured" || !target.atFixedRate) continue;
    for (const r of target.atFixedRate) {
      rows.push([name, r.route, String(r.offeredPerSec ?? ""), String(r.requestsPerSec), String(r.p50Ms), String(r.p90Ms), String(r.p99Ms), String(r.maxMs), String(r.errors + r.non2xx)]);
    }
  }
  if (rows.length === 0) return undefined;
  return [
    table(["at a fixed offered rate", "route", "offered/s", "answered/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors+non-2xx"], rows, [2, 3, 4, 5, 6, 7, 8]),
    `The same ${results.settings.connections} connections, offered each route at one rate (--fixed-rate; by default Prism's median req/s on it in this run),`,
    "evenly spaced over a pool of that many keep-alive sockets, each latency timed from when its request was due (bench/openLoop.ts):",
    "latency below saturation. Not the issue's p99 target, which is judged under the closed-loop load above.",
  ].join("\n");
}

function formatVerdicts(verdicts: readonly Verdict[]): string {
  return [
    table(["", "target (issue 5)", "subject", "measured"], verdicts.map((v) => [v.outcome, v.target, v.subject, v.measured]), []),
    "The load is closed-loop (each connection waits for its answer), so mean latency = connections ÷ req/s:",
    `p99 < ${TARGETS.p99Ms} ms at ${TARGETS.p99AtConnections} connections needs well over ${(TARGETS.p99AtConnections * 1000) / TARGETS.p99Ms} req/s on that route.`,
  ].join("\n");
}

function formatStartup(figures: readonly StartupFigure[]): string {
  return table(
    ["start-up of the reference server", "to first 200 (ms)", "peak MiB", "idle MiB (3 s later)"],
    figures.map((f) => [
      f.scenario,
      f.ms === undefined ? `failed: ${firstLine(f.error ?? "")}` : String(f.ms),
      f.peakMemoryMiB === undefined ? "" : String(f.peakMemoryMiB),
      f.idleMemoryMiB === undefined ? "" : String(f.idleMemoryMiB),
    ]),
    [1, 2, 3],
  );
}

function formatConformance(figures: ConformanceFigures | { error: string }): string {
  if ("error" in figures) return `conformance suite: failed: ${figures.error}`;
  const rows = figures.apis.map((run) =>
    "skipped" in run
      ? [run.api, "skipped", "", "", firstLine(run.skipped)]
      : [run.api, String(run.durationMs), String(run.requests), String(run.findings), run.slowestChecks.map((c) => `${c.check} ${c.ms} ms`).join(", ")],
  );
  rows.push(["total (wall)", String(figures.wallMs), "", "", `LangGraph server start (not counted): ${figures.langgraphStartMs} ms`]);
  const rounds = figures.roundsMs.length > 1 ? `; the median of ${figures.roundsMs.length} rounds (${figures.roundsMs.join(", ")} ms)` : "";
  return `against the ${figures.server}${rounds}\n` + table(["conformance run", "ms", "requests", "findings", "slowest checks"], rows, [1, 2, 3]);
}

export function formatProfileSummary(summary: ProfileSummary): string {
  const busy = summary.totalMs - summary.idleMs;
  const head = `${summary.file}: after the first ${summary.skippedMs} ms (start-up), ${summary.totalMs} ms sampled, ${busy} ms busy (${summary.totalMs > 0 ? Math.round((busy / summary.totalMs) * 100) : 0}%)`;
  const self = table(["self ms", "% busy", "function"], summary.topSelf.map((s) => [String(s.ms), String(s.percent), s.name]), [0, 1]);
  const inclusive = table(["on stack ms", "% busy", "package or file"], summary.topInclusive.map((s) => [String(s.ms), String(s.percent), s.name]), [0, 1]);
  return [head, self, inclusive].join("\n\n");
}

function table(headers: readonly string[], rows: readonly string[][], rightAligned: readonly number[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (rightAligned.includes(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "─".repeat(w))), ...rows.map(line)].join("\n");
}

function firstLine(text: string): string {
  return text.split("\n")[0]!.slice(0, 160);
}
