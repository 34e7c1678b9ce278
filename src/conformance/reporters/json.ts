import type { Report } from "../types.js";

/** The report as JSON, exactly as the run returned it (already redacted by the core). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
