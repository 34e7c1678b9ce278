import { expect } from "vitest";
import type { Report } from "../../../src/conformance/index.js";

const READ_PROBES = ["read_operations", "auth_required", "not_found", "cross_key_isolation"];
/** Checks a read-only run must skip: they write. (The secret scan still runs: it looks for the keys the run sends.) */
const WRITING_CHECKS = ["negative_data_rejection", "use_after_free"];

/**
 * A read-only run sent nothing but GETs, found nothing, ran every read probe and the passive
 * checks, and skipped the flows ("read-only run") and every check that writes.
 */
export function expectCleanReadOnlyRun(report: Report, methodsSent: string[], flows: string[], passive: string[]): void {
  expect(report.findings, JSON.stringify(report.findings, null, 2)).toEqual([]);
  expect(new Set(methodsSent)).toEqual(new Set(["GET"]));
  const byName = Object.fromEntries(report.checks.map((c) => [c.check, c]));
  for (const check of [...READ_PROBES, ...passive.filter((c) => !WRITING_CHECKS.includes(c))]) expect(byName[check]?.status, check).toBe("passed");
  for (const check of flows) expect(byName[check], check).toMatchObject({ status: "skipped", reason: "read-only run" });
  for (const check of WRITING_CHECKS) expect(byName[check]?.status, check).toBe("skipped");
}
