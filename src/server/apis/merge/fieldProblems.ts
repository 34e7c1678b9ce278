import type { FieldProblem } from "../../http/apiError.js";
import { MISSING_IDENTIFIER_MESSAGE } from "./connectorInputs.js";

/** The contract's messages for the paging parameters (the InvalidPaging examples). */
const PAGING_MESSAGES: Record<string, string> = {
  page: "Must be an integer of at least 1.",
  page_size: "Must be an integer from 1 to 100.",
};

/** The router's generic messages, in the contract's words (the BadRequest examples). */
const MESSAGES: Record<string, string> = {
  "is required": "This field is required.",
  "is not an accepted field": "Unknown field.",
};

/**
 * The field problems of a 400 in the contract's `FieldError` form: the router's and the domain's
 * pointer-style paths (`body/connectors/0/slug`, `query/page_size`) become the contract's
 * (`connectors[0].slug`, `[1].tool_names[0]`, `page_size`), and an item that names no connector
 * is one problem, not Ajv's three.
 */
export function contractProblems(problems: readonly FieldProblem[]): FieldProblem[] {
  // A failed anyOf is, in this contract, only the "slug or connector_id" rule of a connector item.
  const itemsWithoutIdentifier = new Set(problems.filter((p) => p.keyword === "anyOf").map((p) => p.field));
  const out: FieldProblem[] = [];
  for (const problem of problems) {
    const parent = problem.field.replace(/\/[^/]*$/, "");
    if (itemsWithoutIdentifier.has(parent) && problem.keyword === "required") continue;
    const message = itemsWithoutIdentifier.has(problem.field) && problem.keyword === "anyOf" ? MISSING_IDENTIFIER_MESSAGE : contractMessage(problem);
    out.push({ field: contractField(problem.field), message });
  }
  return out;
}

/** True when every problem is an item naming no connector (its own `detail` in the contract). */
export function onlyMissingIdentifiers(problems: readonly FieldProblem[]): boolean {
  return problems.length > 0 && contractProblems(problems).every((p) => p.message === MISSING_IDENTIFIER_MESSAGE);
}

function contractMessage(problem: FieldProblem): string {
  const query = /^query\/([^/]+)$/.exec(problem.field);
  if (query && PAGING_MESSAGES[query[1]!]) return PAGING_MESSAGES[query[1]!]!;
  return MESSAGES[problem.message] ?? capitalised(problem.message);
}

/** `body/connectors/0/slug` → `connectors[0].slug`; `body/1/tool_names/0` → `[1].tool_names[0]`; the body itself → `body`. */
function contractField(pointer: string): string {
  const [location, ...segments] = pointer.split("/");
  if (!["body", "query", "path"].includes(location!)) return pointer;
  if (segments.length === 0) return location!;
  return segments.reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment), "");
}

function capitalised(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
