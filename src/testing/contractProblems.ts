import { API_NAMES, isApiName, type ApiName } from "../contracts/apiNames.js";
import { loadSpec } from "../contracts/loadSpec.js";
import { operationTable, type OperationSpec } from "../contracts/operationTable.js";
import { formatAjvErrors, SpecSchemaValidator } from "../contracts/schemaValidator.js";
import { documentedResponse } from "../conformance/checks/exchangeHelpers.js";

/**
 * One piece of traffic to hold against a contract: an answer a server gave (`status` and its
 * parsed JSON `body`, or no body), or a request a client sent (`requestBody`, parsed JSON).
 */
export type ContractSample =
  | { api: ApiName; operationId: string; status: number; body?: unknown }
  | { api: ApiName; operationId: string; requestBody: unknown };

/** What a sample breaks of its contract, one line each: empty when it conforms. */
export function contractProblems(sample: ContractSample): string[] {
  if (!isApiName(sample.api)) return [`no contract named "${String(sample.api)}" (the contracts: ${API_NAMES.join(", ")})`];
  const { operations, validator } = contractOf(sample.api);
  const operation = operations.find((o) => o.operationId === sample.operationId);
  if (!operation) return [`${sample.api} has no operation "${sample.operationId}" (its operations: ${operations.map((o) => o.operationId).join(", ")})`];
  return "requestBody" in sample ? requestProblems(operation, validator, sample.requestBody) : answerProblems(operation, validator, sample.status, sample.body);
}

/** Throws an Error listing what `sample` breaks of its contract; returns nothing when it conforms. Works in any test runner. */
export function assertConforms(sample: ContractSample): void {
  const problems = contractProblems(sample);
  if (problems.length > 0) throw new Error(`${describe(sample)} does not conform to its contract:\n  ${problems.join("\n  ")}`);
}

/** "vern getRun 200" or "vern createRun request": how a sample is named in a message. */
export function describe(sample: ContractSample): string {
  return `${sample.api} ${sample.operationId} ${"requestBody" in sample ? "request" : String(sample.status)}`;
}

function answerProblems(operation: OperationSpec, validator: SpecSchemaValidator, status: number, body: unknown): string[] {
  const documented = documentedResponse(operation, status);
  if (!documented) return [`status ${status} is not documented for ${operation.operationId} (documented: ${Object.keys(operation.responses).join(", ")})`];
  if (!documented.schemaPointer) return body === undefined || body === "" ? [] : [`status ${status} of ${operation.operationId} documents no body, yet the answer has one`];
  if (body === undefined) return [`status ${status} of ${operation.operationId} documents a JSON body, and the answer has none`];
  const errors = validator.validate(documented.schemaPointer, body);
  return errors.length === 0 ? [] : [`body: ${formatAjvErrors(errors)}`];
}

function requestProblems(operation: OperationSpec, validator: SpecSchemaValidator, body: unknown): string[] {
  if (!operation.requestBody) return body === undefined ? [] : [`${operation.operationId} takes no JSON request body, yet the request has one`];
  if (body === undefined) return operation.requestBody.required ? [`${operation.operationId} requires a request body`] : [];
  const errors = validator.validate(operation.requestBody.schemaPointer, body);
  return errors.length === 0 ? [] : [`request body: ${formatAjvErrors(errors)}`];
}

const contracts = new Map<ApiName, { operations: OperationSpec[]; validator: SpecSchemaValidator }>();

/** Each contract's operations and validator, built once per process (compiling the schemas is the slow part). */
function contractOf(api: ApiName) {
  let contract = contracts.get(api);
  if (!contract) {
    const spec = loadSpec(api);
    contract = { operations: operationTable(spec), validator: new SpecSchemaValidator(spec) };
    contracts.set(api, contract);
  }
  return contract;
}
