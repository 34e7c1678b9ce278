import { resolveRef } from "../../../src/contracts/examples.js";
import type { OpenApiDocument } from "../../../src/contracts/loadSpec.js";
import { operationTable, type OperationSpec } from "../../../src/contracts/operationTable.js";

/** One request an example-driven tool (Specmatic, Portman, Dredd) builds from a contract's examples. */
export type ExampleRequest = {
  operation: OperationSpec;
  /** The named request example this request pairs with, or "example" for the parameters' `example`. */
  name: string;
  path: string;
  query: URLSearchParams;
  body?: unknown;
  /** The 2xx statuses the operation documents. */
  successes: string[];
};

/**
 * The requests the contract's own examples describe, as Specmatic builds them: one per named
 * request example, each parameter taking its same-named example (else its `example`); an
 * operation without a request body gives one request from the parameters' `example`s.
 */
export function exampleRequests(spec: OpenApiDocument): ExampleRequest[] {
  return operationTable(spec).flatMap((operation) => {
    const op = operation.operation;
    const pathLevel = (spec.paths[operation.path]?.parameters ?? []) as unknown[];
    const parameters = [...pathLevel, ...((op.parameters ?? []) as unknown[])].map((p) => resolveRef(spec, p) as Record<string, any>);
    const media = (resolveRef(spec, op.requestBody) as Record<string, any> | undefined)?.content?.["application/json"];
    const bodies: Array<[string, unknown]> = Object.entries((media?.examples ?? {}) as Record<string, unknown>).map(([name, example]) => [
      name,
      (resolveRef(spec, example) as { value: unknown }).value,
    ]);
    const successes = Object.keys(operation.responses).filter((status) => status.startsWith("2"));
    const cases: Array<[string, unknown]> = bodies.length > 0 ? bodies : [["example", undefined]];
    return cases.map(([name, body]) => {
      let path = operation.path;
      const query = new URLSearchParams();
      for (const parameter of parameters) {
        const named = parameter.examples?.[name] ? (resolveRef(spec, parameter.examples[name]) as { value: unknown }).value : undefined;
        const value = named ?? parameter.example;
        if (value === undefined) continue;
        if (parameter.in === "path") path = path.replace(`{${parameter.name}}`, encodeURIComponent(String(value)));
        else if (parameter.in === "query") query.set(parameter.name, String(value));
      }
      return { operation, name, path, query, body, successes };
    });
  });
}
