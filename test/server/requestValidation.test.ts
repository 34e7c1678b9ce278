import { describe, expect, it } from "vitest";
import { API_NAMES } from "../../src/contracts/apiNames.js";
import { loadSpec } from "../../src/contracts/loadSpec.js";
import { operationTable, type OperationSpec } from "../../src/contracts/operationTable.js";
import { SpecSchemaValidator } from "../../src/contracts/schemaValidator.js";
import { ApiError } from "../../src/server/http/apiError.js";
import { createRequestValidators, type RawRequest } from "../../src/server/http/requestValidation.js";

/** What a request validator did with one request: the status it refused it with, or "accepted". */
function outcome(validate: (request: RawRequest) => unknown, request: RawRequest): number | "accepted" {
  try {
    validate(request);
    return "accepted";
  } catch (error) {
    if (error instanceof ApiError) return error.status;
    throw error;
  }
}

const operations = API_NAMES.flatMap((api) => operationTable(loadSpec(api)).map((operation) => ({ api, operation })));
const label = ({ api, operation }: { api: string; operation: OperationSpec }) => `${api} ${operation.operationId}`;

/** Path parameters the contract accepts (the first candidate each schema takes), so that only the body is wrong. */
function validPathParams(validator: SpecSchemaValidator, operation: OperationSpec): Record<string, string> {
  const candidates = ["3fa85f64-5717-4562-b3fc-2c963f66afa6", "1", "abc"];
  return Object.fromEntries(
    operation.parameters
      .filter((p) => p.in === "path")
      .map((p) => [p.name, candidates.find((value) => validator.validate(p.schemaPointer, value).length === 0) ?? "1"]),
  );
}

// Request validators are compiled on each operation's first request (requestValidation.ts): that
// first request must already be checked as strictly as every later one.
describe("request validation compiled on an operation's first request", () => {
  it("refuses an invalid body on the very first request of every operation that takes one", () => {
    const refused: string[] = [];
    const accepted: string[] = [];
    for (const entry of operations.filter(({ operation }) => operation.requestBody)) {
      const spec = loadSpec(entry.api);
      // The oracle: an eagerly compiled validator of the same schema.
      const oracle = new SpecSchemaValidator(spec);
      if (oracle.validate(entry.operation.requestBody!.schemaPointer, "not an object").length === 0) continue;
      const validate = createRequestValidators(spec)(entry.operation);
      const first = outcome(validate, { params: validPathParams(oracle, entry.operation), query: {}, body: "not an object", hasBody: true });
      (first === 400 ? refused : accepted).push(label(entry));
    }
    expect(accepted).toEqual([]);
    expect(refused.length).toBeGreaterThan(10);
  });

  it("refuses a missing path parameter (404) on the very first request of every operation with one", () => {
    const outcomes = operations
      .filter(({ operation }) => operation.parameters.some((p) => p.in === "path" && p.required))
      .map((entry) => [label(entry), outcome(createRequestValidators(loadSpec(entry.api))(entry.operation), { params: {}, query: {}, body: undefined, hasBody: false })] as const);
    expect(outcomes.length).toBeGreaterThan(20);
    expect(outcomes.filter(([, status]) => status !== 404)).toEqual([]);
  });

  it("gives the same answer on the first request and on later ones, in any order of operations", () => {
    const wexa = loadSpec("wexa");
    const validatorFor = createRequestValidators(wexa);
    const withBody = operationTable(wexa).filter((operation) => operation.requestBody);
    expect(withBody.length).toBeGreaterThan(1);
    const validators = withBody.map((operation) => validatorFor(operation));
    const bad: RawRequest = { params: {}, query: {}, body: 42, hasBody: true };
    // Later operations first: the shared Ajv instances are made by whichever operation comes first.
    const first = [...validators].reverse().map((validate) => outcome(validate, bad)).reverse();
    const again = validators.map((validate) => outcome(validate, bad));
    expect(first).toEqual(again);
    expect(first.filter((status) => status === 400).length).toBeGreaterThan(0);
  });
});
