// `@connector-contracts/cli`: the library. The CLI (`connector-contracts`) is a thin shell over it.

/** The conformance suite: run every check of one API against a deployment and get a report. */
export {
  runConformance,
  checkNamesFor,
  ConnectionError,
  renderHtml,
  renderJson,
  renderJunit,
  renderTerminal,
  type RunInput,
  type RunOptions,
  type Report,
  type Finding,
  type CheckResult,
  type CoverageRow,
  type Exchange,
} from "./conformance/index.js";

/** Hold one answer or request against a contract (in any test runner; Vitest matchers: `@connector-contracts/cli/vitest`). */
export { assertConforms, contractProblems, type ContractSample } from "./testing/contractProblems.js";

/** The four contracts: their names, and where each one's OpenAPI file is in the package. */
export { API_NAMES, type ApiName } from "./contracts/apiNames.js";
export { specPath as contractPath } from "./contracts/loadSpec.js";
