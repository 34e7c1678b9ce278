import type { CheckResult, Finding, Report } from "../types.js";
import { BASIS_LABEL, causesOf, summarize, type Cause } from "./summary.js";

/**
 * JUnit XML for CI: one <testsuite> named "<api> conformance", one <testcase> per check, one
 * <failure> per finding, <skipped message="reason"/> for a skipped check. The shape is the one
 * Jenkins, GitLab and GitHub test reporters read (the Ant JUnit schema; several <failure>
 * elements per case are accepted by them and keep each finding separate).
 */
export function renderJunit(report: Report): string {
  const summary = summarize(report);
  const seconds = (ms: number) => (ms / 1_000).toFixed(3);
  const suiteName = `${report.api} conformance`;
  const known = new Set(report.checks.map((c) => c.check));
  // A finding whose check the report does not list still has to fail the build: give it a case of its own.
  const orphans: CheckResult[] = [...new Set(report.findings.filter((f) => !known.has(f.check)).map((f) => f.check))].map((check) => ({
    check, description: "", status: "failed", findings: report.findings.filter((f) => f.check === check).length, durationMs: 0,
  }));
  const cases = [...report.checks, ...orphans];
  const causes = causesOf(report);
  const failures = cases.filter((c) => c.status === "failed").length;

  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${summary.skipped}" time="${seconds(report.durationMs)}"`;
  out.push(`<testsuites name="connector-contracts" ${counts}>`);
  out.push(`  <testsuite name="${attr(suiteName)}" ${counts} timestamp="${attr(report.startedAt.replace(/Z$/, ""))}">`);
  out.push("    <properties>");
  for (const [name, value] of [["api", report.api], ["baseUrl", report.baseUrl], ["runId", report.runId], ["requests", String(report.requests)], ["options", JSON.stringify(report.options)]] as const) {
    out.push(`      <property name="${attr(name)}" value="${attr(value)}"/>`);
  }
  out.push("    </properties>");
  for (const check of cases) {
    const open = `    <testcase name="${attr(check.check)}" classname="${attr(`connector-contracts.${report.api}`)}" time="${seconds(check.durationMs)}"`;
    const findings = report.findings.filter((f) => f.check === check.check);
    if (check.status === "skipped") {
      out.push(`${open}>`, `      <skipped message="${attr(check.reason ?? "skipped")}"/>`, "    </testcase>");
    } else if (findings.length === 0) {
      out.push(`${open}/>`);
    } else {
      out.push(`${open}>`);
      // One <failure> per cause: a server that breaks one rule on every operation fails the case once, with all it covers.
      for (const cause of causes.filter((c) => c.check === check.check)) {
        out.push(`      <failure message="${attr(cause.title)}" type="${attr(`${cause.severity}: ${cause.key}`)}">${text(failureBody(cause))}</failure>`);
      }
      out.push("    </testcase>");
    }
  }
  const systemOut = [
    ...report.notes.map((note) => `note: ${note}`),
    ...report.leftBehind.map((resource) => `left behind: ${resource}`),
  ];
  if (systemOut.length > 0) out.push(`    <system-out>${text(systemOut.join("\n"))}</system-out>`);
  out.push("  </testsuite>", "</testsuites>");
  return `${out.join("\n")}\n`;
}

function failureBody(cause: Cause): string {
  const [first] = cause.findings as [Finding, ...Finding[]];
  return [
    first.title,
    `${cause.operations.length > 1 ? "operations" : "operation"}: ${cause.operations.join(", ")} (${BASIS_LABEL[cause.basis]})`,
    `expected: ${first.expected}`,
    `received: ${first.received}`,
    ...(first.curl ? [`curl: ${first.curl}`] : []),
    `source: ${first.source}`,
    `findings (${cause.findings.length}): ${cause.findings.map((f) => f.id).join(", ")}`,
  ].join("\n");
}

/** Characters XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/U+FFFF) become U+FFFD. */
function xmlSafe(value: string): string {
  return value.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD");
}

function text(value: string): string {
  return xmlSafe(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Attribute values also keep their quotes and line breaks (a raw newline would be normalised to a space). */
function attr(value: string): string {
  return text(value).replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");
}
