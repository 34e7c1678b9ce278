import fc from "fast-check";
import type { ApiName } from "../../../src/contracts/apiNames.js";
import { resolvePointer } from "../../../src/contracts/examples.js";
import { loadSpec } from "../../../src/contracts/loadSpec.js";
import { operationTable, type OperationSpec } from "../../../src/contracts/operationTable.js";
import { percentEncode, type DraftRequest } from "./draftRequest.js";
import { arbitraryFor, type SchemaArbitraryOptions } from "../../../src/conformance/generation/schemaArbitrary.js";

/** Names of fields and parameters that hold the id or key of another resource. */
const NAMES_AN_ID = /(^|_)(id|slug|key)$|Id$|ID$/;

export type FuzzTarget = {
  api: ApiName;
  /** The credential header of the API's first dev key (none for EvalStudio). */
  credential: [string, string] | undefined;
  /** Ids and slugs of resources that exist (seed data and what the test set up), by the name of the field that holds them. */
  knownIds: ReadonlyMap<string, readonly string[]>;
};

/** The ids worth trying for a field or parameter: those seeded under its own name, else every id. */
function idsFor(target: FuzzTarget, name: string | undefined): readonly string[] {
  return (name !== undefined && target.knownIds.get(name)) || [...new Set([...target.knownIds.values()].flat())];
}

/**
 * A request the contract allows, for one operation: path, query and body generated from the
 * operation's schemas; path parameters and id-like body fields drawn four times in five from the ids
 * that exist, so requests reach resources and not only 404s.
 */
export function validRequest(target: FuzzTarget, operation: OperationSpec): fc.Arbitrary<DraftRequest> {
  const spec = loadSpec(target.api);
  const schemaAt = (pointer: string) => resolvePointer(spec, `#${pointer}`);
  const options: SchemaArbitraryOptions = {
    spec,
    knownValues: (name) => (name !== undefined && NAMES_AN_ID.test(name) ? idsFor(target, name) : []),
  };
  const pathOptions: SchemaArbitraryOptions = { spec, knownValues: (name) => idsFor(target, name) };
  const pathParameters = operation.parameters.filter((p) => p.in === "path");
  const queryParameters = operation.parameters.filter((p) => p.in === "query");

  const path = fc.record(Object.fromEntries(pathParameters.map((p) => [p.name, arbitraryFor(schemaAt(p.schemaPointer), pathOptions, p.name)])));
  const query = fc.tuple(
    ...queryParameters.map((p) =>
      fc.record({
        value: arbitraryFor(schemaAt(p.schemaPointer), options, p.name),
        present: p.required ? fc.constant(true) : fc.boolean(),
        // W5 and others repeat a path id in the query: mostly the same value, as a client would send.
        mirrorPath: fc.boolean(),
      }),
    ),
  );
  const body = operation.requestBody
    ? fc.oneof(
        { weight: 9, arbitrary: arbitraryFor(schemaAt(operation.requestBody.schemaPointer), options).map((value) => ({ present: true as const, value })) },
        { weight: operation.requestBody.required ? 0 : 1, arbitrary: fc.constant({ present: false as const, value: undefined }) },
      )
    : fc.constant({ present: false as const, value: undefined });

  // Wexa's controls repeat the path and query ids in the body ("must be equal"): mostly the same value, as a client would send.
  return fc.tuple(path, query, body, fc.boolean()).map(([pathValues, queryValues, bodyValue, mirrorBody]) => {
    const draft: DraftRequest = {
      api: target.api,
      operationId: operation.operationId,
      method: operation.method.toUpperCase(),
      pathTemplate: operation.path,
      pathValues: Object.fromEntries(Object.entries(pathValues).map(([k, v]) => [k, percentEncode(String(v))])),
      pathSuffix: "",
      query: [],
      headers: [["accept", "application/json"]],
      body: bodyValue.present ? { kind: "json", value: bodyValue.value } : { kind: "none" },
    };
    const parameterValues: Record<string, unknown> = { ...pathValues };
    queryParameters.forEach((p, i) => {
      const q = queryValues[i]!;
      if (!q.present) return;
      const mirrored = q.mirrorPath && p.name in pathValues ? pathValues[p.name] : q.value;
      parameterValues[p.name] ??= mirrored;
      draft.query.push(`${percentEncode(p.name)}=${percentEncode(String(mirrored))}`);
    });
    const value = draft.body.kind === "json" ? draft.body.value : undefined;
    if (mirrorBody && value && typeof value === "object" && !Array.isArray(value)) {
      const mirrored = Object.entries(value).map(([name, v]) => [name, name in parameterValues && typeof v === "string" ? parameterValues[name] : v]);
      draft.body = { kind: "json", value: Object.fromEntries(mirrored) };
    }
    if (target.credential && operation.secured) draft.headers.push(target.credential);
    if (bodyValue.present) draft.headers.push(["content-type", "application/json"]);
    return draft;
  });
}

/** Any operation of the API, with a valid request for it. */
export function anyValidRequest(target: FuzzTarget): fc.Arbitrary<DraftRequest> {
  const operations = operationTable(loadSpec(target.api));
  return fc.oneof(...operations.map((operation) => validRequest(target, operation)));
}

export function operationsOf(api: ApiName): OperationSpec[] {
  return operationTable(loadSpec(api));
}
