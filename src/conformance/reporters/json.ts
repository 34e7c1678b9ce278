import type { Report } from "../types.js";
import { causesOf, evidenceOf } from "./summary.js";

/**
 * The report as JSON, as the run returned it (already redacted by the core), with the findings
 * also grouped by cause: one entry per cause with its operations, requests and decisive evidence.
 */
export function renderJson(report: Report): string {
  const causes = causesOf(report).map((cause) => ({
    cause: cause.key, check: cause.check, severity: cause.severity, basis: cause.basis, title: cause.title,
    operations: cause.operations, requests: cause.requests, findings: cause.findings.map((f) => f.id),
    expected: cause.findings[0]!.expected, evidence: evidenceOf(cause.findings[0]!, 1_000),
  }));
  return `${JSON.stringify({ ...report, causes }, null, 2)}\n`;
}
