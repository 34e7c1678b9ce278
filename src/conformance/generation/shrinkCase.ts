import type { OpenApiDocument } from "../../contracts/loadSpec.js";
import type { OperationSpec } from "../../contracts/operationTable.js";
import type { Answer } from "../context.js";
import { schemaAt } from "../checks/schemaShapes.js";
import { removeAt } from "./jsonPaths.js";
import type { NegativeCase } from "./negativeCases.js";

/** At most this many extra requests go into shrinking one failing case. */
const MAX_STEPS = 12;

/**
 * The smallest request that still fails the same way, by delta steps (Zeller's ddmin, one field
 * at a time): each optional body field the change does not sit in is dropped, and stays dropped
 * if the server still answers as wrongly. Fast-check's own shrinking needs the generator; these
 * cases are single edits of a prepared request, so what can go is the rest of that request.
 */
export async function shrinkCase(
  spec: OpenApiDocument,
  operation: OperationSpec,
  testCase: NegativeCase,
  answer: Answer,
  stillFails: (candidate: NegativeCase) => Promise<Answer | undefined>,
): Promise<{ testCase: NegativeCase; answer: Answer }> {
  const body = testCase.body;
  if (!operation.requestBody || !body || typeof body !== "object" || Array.isArray(body)) return { testCase, answer };
  const required = new Set<string>((schemaAt(spec, operation.requestBody.schemaPointer).required ?? []) as string[]);
  const keep = testCase.bodyPath?.[0];
  const optional = Object.keys(body).filter((key) => !required.has(key) && key !== keep);
  let best = { testCase, answer };
  const dropped: string[] = [];
  for (const key of optional.slice(0, MAX_STEPS)) {
    const candidate = { ...best.testCase, body: removeAt(best.testCase.body, [key]) };
    const failed = await stillFails(candidate);
    if (!failed) continue;
    best = { testCase: candidate, answer: failed };
    dropped.push(key);
  }
  if (dropped.length === 0) return best;
  return { ...best, testCase: { ...best.testCase, what: `${best.testCase.what} (shrunk: without ${dropped.join(", ")})` } };
}
