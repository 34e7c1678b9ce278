import type { CheckResult, Finding, Report } from "../types.js";
import { printable } from "./printable.js";
import { BASIS_LABEL, causesOf, formatDuration, plural, summarize, type Cause } from "./summary.js";

export type TerminalOptions = {
  /** ANSI colours: only when writing to a TTY (and NO_COLOR is unset); the caller decides. */
  color: boolean;
  /** Longest expected/received text shown; the JSON and HTML reports keep all of it. */
  maxValueLength?: number;
};

type Style = "bold" | "dim" | "red" | "green" | "yellow" | "cyan";
const ANSI: Record<Style, [number, number]> = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] };

/** The summary printed at the end of a run: checks × status × findings, then each finding with its reproduction. */
export function renderTerminal(report: Report, options: TerminalOptions): string {
  // Every value below may come from the server: escaped once here, the colours added after are the only control characters.
  return renderLines(deepPrintable(report), options);
}

function deepPrintable<T>(value: T): T {
  if (typeof value === "string") return printable(value) as T;
  if (Array.isArray(value)) return value.map(deepPrintable) as T;
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepPrintable(v)])) as T;
  return value;
}

function renderLines(report: Report, options: TerminalOptions): string {
  const paint = (style: Style, text: string) => (options.color ? `\u001b[${ANSI[style][0]}m${text}\u001b[${ANSI[style][1]}m` : text);
  const maxValue = options.maxValueLength ?? 800;
  const summary = summarize(report);
  const lines: string[] = [];

  lines.push(paint("bold", `${report.api} conformance`) + `  ${report.baseUrl}`);
  lines.push(paint("dim", `run ${report.runId} · ${report.startedAt} · ${formatDuration(report.durationMs)} · ${report.requests} requests${report.options.seed === undefined ? "" : ` · seed ${String(report.options.seed)}`}`));
  lines.push("");

  const nameWidth = Math.max("CHECK".length, ...report.checks.map((c) => c.check.length));
  const statusText: Record<CheckResult["status"], string> = { passed: "✔ passed", failed: "✖ failed", skipped: "– skipped" };
  const statusStyle: Record<CheckResult["status"], Style> = { passed: "green", failed: "red", skipped: "yellow" };
  lines.push(paint("bold", `${"CHECK".padEnd(nameWidth)}  ${"STATUS".padEnd(9)}  FINDINGS  TIME / REASON`));
  for (const check of report.checks) {
    const findings = check.status === "skipped" ? "-" : String(check.findings);
    const last = check.status === "skipped" ? (check.reason ?? "") : formatDuration(check.durationMs);
    lines.push(`${check.check.padEnd(nameWidth)}  ${paint(statusStyle[check.status], statusText[check.status].padEnd(9))}  ${findings.padStart(8)}  ${check.status === "skipped" ? paint("dim", last) : last}`);
  }
  lines.push("");
  lines.push(
    `${plural(summary.checks, "check")}: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped · ` +
      `${plural(summary.findings, "finding")} (${plural(summary.errors, "error")}, ${plural(summary.warnings, "warning")}) · ` +
      `coverage ${summary.observedResponses}/${summary.documentedResponses} documented responses observed`,
  );
  const invalid = report.invalidInputs;
  if (invalid) {
    const unjudged = [
      invalid.rateLimited > 0 ? `${invalid.rateLimited} answered 429` : "",
      invalid.leftOut > 0 ? `${invalid.leftOut} left out for the documented rate limit` : "",
      invalid.refused > 0 ? `${invalid.refused} not sent: they write to data the run did not create` : "",
    ].filter(Boolean);
    lines.push(`invalid inputs: ${invalid.judged} distinct requests judged of ${invalid.generated} generated${unjudged.length > 0 ? ` (${unjudged.join(", ")})` : ""} · seed ${String(report.options.seed)}, --examples ${String(report.options.examples)}`);
  }

  const causes = causesOf(report);
  if (causes.length > 0) {
    lines.push("", paint("bold", `FINDINGS (${plural(report.findings.length, "finding")}, ${plural(causes.length, "cause")})`));
    for (const cause of causes) lines.push("", ...renderCause(cause, paint, maxValue));
  }

  const undocumented = report.coverage.filter((row) => row.undocumented.length > 0);
  if (undocumented.length > 0) {
    lines.push("", paint("bold", "UNDOCUMENTED STATUSES SEEN"));
    for (const row of undocumented) lines.push(`  ${row.ref.padEnd(4)} ${row.method} ${row.path}  ${paint("red", row.undocumented.join(", "))}`);
  }
  if (report.notes.length > 0) {
    lines.push("", paint("bold", "NOTES"));
    for (const note of report.notes) lines.push(`  - ${note}`);
  }
  if (report.leftBehind.length > 0) {
    lines.push("", paint("bold", "LEFT BEHIND (created by the run; the API has no way to delete these)"));
    for (const resource of report.leftBehind) lines.push(`  - ${resource}`);
  }
  if ((report.modified ?? []).length > 0) {
    lines.push("", paint("bold", "CHANGED (not created by the run; changed because of --destructive)"));
    for (const resource of report.modified) lines.push(`  - ${resource}`);
  }
  if (report.diagnosis) {
    lines.push("", paint("red", `✖ the run could not work with the deployment: ${report.diagnosis}`));
    return `${lines.join("\n")}\n`;
  }

  lines.push("");
  lines.push(
    summary.findings === 0
      ? paint("green", `✔ no findings against ${report.api} at ${report.baseUrl}${report.notes.length > 0 ? " (in what ran: read the notes above)" : ""}`)
      : paint("red", `✖ ${plural(summary.findings, "finding")} in ${plural(summary.failed, "check")}`),
  );
  return `${lines.join("\n")}\n`;
}

/** One cause: its first finding in full (evidence and reproduction), then where else it showed. */
function renderCause(cause: Cause, paint: (style: Style, text: string) => string, maxValue: number): string[] {
  const [first] = cause.findings as [Finding, ...Finding[]];
  const label = (name: string) => paint("dim", `    ${name.padEnd(10)} `);
  const field = (name: string, value: string, shorten = true) => {
    const shown = shorten && value.length > maxValue ? `${value.slice(0, maxValue)}… (shortened; the JSON and HTML reports have it all)` : value;
    const [line = "", ...rest] = shown.split("\n");
    return [label(name) + line, ...rest.map((l) => `${" ".repeat(15)}${l}`)];
  };
  const severity = cause.severity === "error" ? paint("red", "✖ error") : paint("yellow", "! warning");
  const times = cause.findings.length > 1 ? paint("bold", ` ×${cause.findings.length}`) : "";
  return [
    `  ${severity}  ${paint("bold", first.title)}${times}`,
    ...field("check", `${cause.check} · ${BASIS_LABEL[cause.basis]}`),
    ...field(cause.operations.length > 1 ? "operations" : "operation", cause.operations.join(", ")),
    ...field("expected", first.expected),
    ...field("received", first.received),
    ...(first.curl ? field("reproduce", first.curl, false) : []),
    ...field("source", first.source),
    ...field(cause.findings.length > 1 ? "ids" : "id", [...cause.findings.slice(0, 5).map((f) => f.id), ...(cause.findings.length > 5 ? [`… and ${cause.findings.length - 5} more (the JSON report lists them)`] : [])].join("\n")),
  ];
}
