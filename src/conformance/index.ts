/** The conformance suite's programmatic API; the CLI (src/cli) is a thin shell over it. */
export { runConformance, ConnectionError, type RunInput } from "./runner.js";
export type { Report, Finding, CheckResult, CoverageRow, Exchange } from "./types.js";
export type { RunOptions } from "./options.js";
