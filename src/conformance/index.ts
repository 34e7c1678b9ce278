/** The conformance suite's programmatic API; the CLI (src/cli) is a thin shell over it. */
export { runConformance, checkNamesFor, ConnectionError, type RunInput } from "./runner.js";
export { renderHtml, renderJson, renderJunit, renderTerminal } from "./reporters/index.js";
export type { Report, Finding, CheckResult, CoverageRow, Exchange } from "./types.js";
export type { RunOptions } from "./options.js";
