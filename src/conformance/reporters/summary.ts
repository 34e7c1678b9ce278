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
