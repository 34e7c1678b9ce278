import type { CheckResult, ContractBasis, Finding, Report } from "../types.js";

/** The numbers every reporter leads with. */
export type Summary = {
  checks: number;
  passed: number;
  failed: number;
  skipped: number;
  findings: number;
  errors: number;
  warnings: number;
  /** Documented (operation, status) pairs, and how many of them the run observed. */
  documentedResponses: number;
  observedResponses: number;
  /** Operations that answered at least one status their contract does not list. */
  operationsWithUndocumented: number;
};

export function summarize(report: Report): Summary {
  const count = (status: CheckResult["status"]) => report.checks.filter((c) => c.status === status).length;
  return {
    checks: report.checks.length,
    passed: count("passed"),
    failed: count("failed"),
    skipped: count("skipped"),
    findings: report.findings.length,
    errors: report.findings.filter((f) => f.severity === "error").length,
    warnings: report.findings.filter((f) => f.severity === "warning").length,
    documentedResponses: report.coverage.reduce((n, row) => n + row.documented.length, 0),
    observedResponses: report.coverage.reduce((n, row) => n + row.observed.length, 0),
    operationsWithUndocumented: report.coverage.filter((row) => row.undocumented.length > 0).length,
  };
}

/** How a person should read a finding's basis (the spec's x-contract-source marking). */
export const BASIS_LABEL: Record<ContractBasis, string> = {
  documented: "breaks the documented contract",
  inferred: "differs from behaviour this project inferred",
};

/** Findings grouped by check, in the order the checks ran; findings of a check the report does not list come last. */
export function findingsByCheck(report: Report): Array<{ check: string; findings: Finding[] }> {
  const order = report.checks.map((c) => c.check);
  const groups = new Map<string, Finding[]>();
  for (const finding of report.findings) groups.set(finding.check, [...(groups.get(finding.check) ?? []), finding]);
  const rank = (check: string) => (order.includes(check) ? order.indexOf(check) : order.length);
  return [...groups].sort((a, b) => rank(a[0]) - rank(b[0])).map(([check, findings]) => ({ check, findings }));
}

/** "operationId (ref)", or "—" for a finding about the run as a whole. */
export function operationLabel(finding: Finding): string {
  if (!finding.operationId) return "—";
  return finding.ref ? `${finding.operationId} (${finding.ref})` : finding.operationId;
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
}

/** The run's options as "name: value" pairs, in the order the report lists them. */
export function optionEntries(report: Report): Array<[string, string]> {
  return Object.entries(report.options).map(([name, value]) => [name, Array.isArray(value) ? (value.length ? value.join(", ") : "all checks") : String(value)]);
}

/** "1 finding", "2 findings". */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/**
 * Findings that share one cause: the same check and the same broken rule (the finding id without
 * its operation, array indices and parenthesised detail), on however many operations and requests.
 * A server error is one cause whichever checks saw it (status code, negative input, schema…): a
 * server that answers 500 everywhere is one cause, not one per operation or per check.
 */
export type Cause = {
  key: string;
  check: string;
  /** The worst of its findings (an error when any is). */
  severity: Finding["severity"];
  basis: ContractBasis;
  /** The first finding's title: what a person reads first. */
  title: string;
  operations: string[];
  /** Sequence numbers of the requests that showed it. */
  requests: number[];
  findings: Finding[];
};

export function causeKey(finding: Finding): string {
  const status = finding.exchange?.response.status ?? 0;
  if (status >= 500) return `server-error/${status}`;
  const what = finding.id.split("/").slice(2).join("/");
  const rule = what
    .replace(/\s*\([^)]*\)/g, "")
    .replace(/\/\d+(?=[/:-]|$)/g, "/*")
    .toLowerCase();
  return `${finding.check}/${rule}`;
}

export function causesOf(report: Report): Cause[] {
  const causes = new Map<string, Cause>();
  for (const { findings } of findingsByCheck(report)) {
    for (const finding of findings) {
      const key = causeKey(finding);
      const cause = causes.get(key) ?? { key, check: finding.check, severity: finding.severity, basis: finding.basis, title: finding.title, operations: [], requests: [], findings: [] };
      cause.findings.push(finding);
      if (finding.severity === "error") cause.severity = "error";
      if (finding.basis === "documented") cause.basis = "documented";
      const operation = operationLabel(finding);
      if (!cause.operations.includes(operation)) cause.operations.push(operation);
      if (finding.exchange && !cause.requests.includes(finding.exchange.seq)) cause.requests.push(finding.exchange.seq);
      causes.set(key, cause);
    }
  }
  return [...causes.values()];
}

/** The decisive evidence of a finding, on one line: the start of what was received (the field that broke the schema, the status). */
export function evidenceOf(finding: Finding, max = 240): string {
  const line = finding.received.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
