import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ApiName } from "../contracts/apiNames.js";
import type { Finding, Report } from "./types.js";

/**
 * Today's findings by cause, so CI fails only on a cause that is new (as Schemathesis's and
 * Specmatic's users keep a baseline of known deviations). A cause is a finding's id without what
 * differs from run to run: the run id inside names the run made, canaries, UUIDs and long hex ids.
 */
export type Baseline = { tool: "connector-contracts"; kind: "baseline"; version: 1; api: ApiName; causes: string[] };

export class BaselineError extends Error {}

export function causeOf(finding: Finding): string {
  return finding.id
    .replace(/cc-conformance-[0-9a-f]+-[^/\s"]*/g, "<run name>")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<uuid>")
    .replace(/\b[0-9a-f]{16,}\b/gi, "<id>");
}

export function baselineOf(report: Report): Baseline {
  return { tool: "connector-contracts", kind: "baseline", version: 1, api: report.api, causes: [...new Set(report.findings.map(causeOf))].sort() };
}

/** The findings whose cause the baseline does not hold. */
export function newFindings(report: Report, baseline: Baseline): Finding[] {
  const known = new Set(baseline.causes);
  return report.findings.filter((finding) => !known.has(causeOf(finding)));
}

/** The baseline in `path`, or undefined when there is none yet (the first run records it). */
export function readBaseline(path: string, api: ApiName): Baseline | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: Partial<Baseline>;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<Baseline>;
  } catch (error) {
    throw new BaselineError(`--baseline ${path} is not a baseline this tool wrote (${(error as Error).message}).`);
  }
  if (parsed.kind !== "baseline" || parsed.version !== 1 || !Array.isArray(parsed.causes)) throw new BaselineError(`--baseline ${path} is not a baseline this tool wrote.`);
  if (parsed.api !== api) throw new BaselineError(`--baseline ${path} records ${parsed.api}, not ${api}.`);
  return parsed as Baseline;
}

export function writeBaseline(path: string, report: Report): Baseline {
  const baseline = baselineOf(report);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(baseline, null, 2)}\n`);
  } catch (error) {
    throw new BaselineError(`Cannot write the baseline to ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  return baseline;
}
