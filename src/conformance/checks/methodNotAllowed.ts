import type { Check } from "../check.js";
import type { Answer, CheckContext } from "../context.js";
import { WriteRefused } from "../context.js";
import type { OperationSpec } from "../../contracts/operationTable.js";
import { createOperationMatcher } from "../operationMatcher.js";
import type { Finding } from "../types.js";
import { mediaTypeMatches } from "./contentTypeConformance.js";
import { documentedResponse, parseBody } from "./exchangeHelpers.js";

const SOURCE = "RFC 9110 §15.5.6 (405: the origin server MUST send Allow) and §10.2.1 (Allow); the operations' documented 405 responses";

/**
 * A method a path does not have is a 405 with the documented error body and an Allow header naming
 * the path's methods, not a 404 (the path exists) nor a framework's HTML page. One request a path:
 * GET where the path has none (safe), else the first of PUT, PATCH, DELETE, POST it lacks, aimed at
 * the run's own resource (a read-only run sends only the GETs); never a method another operation
 * has for the same concrete path.
 */
export const methodNotAllowed: Check = {
  name: "method_not_allowed",
  description: "A method the path does not have answers 405 with Allow and the error body",
  source: SOURCE,
  phase: "probe",
  async run(ctx) {
    const findings: Finding[] = [];
    const operationFor = createOperationMatcher(ctx.operations, "");
    for (const [path, operations] of pathsOf(ctx)) {
      const documented = new Set(operations.map((o) => o.method.toUpperCase()));
      const aimed = operations.find((o) => ctx.probes[o.operationId]?.pathParams) ?? operations[0]!;
      const pathParams = ctx.probes[aimed.operationId]?.pathParams;
      if (aimed.parameters.some((p) => p.in === "path") && !pathParams) continue;
      // Not a method another path's template has for this one (GET /connectors/change_status is W1 of a project named "change_status").
      const concrete = path.replace(/\{([^}]+)\}/g, (_m, name: string) => pathParams?.[name] ?? name);
      const method = ["GET", "PUT", "PATCH", "DELETE", "POST"].find((m) => !documented.has(m) && !operationFor(m, concrete));
      if (!method || (ctx.options.readOnly && method !== "GET")) continue;
      let answer: Answer;
      try {
        answer = await ctx.send({ sentBy: this.name, operationId: aimed.operationId, method, pathParams });
      } catch (error) {
        if (error instanceof WriteRefused) continue;
        throw error;
      }
      const problem = problemOf(ctx, aimed, documented, method, answer);
      if (!problem) continue;
      findings.push(ctx.finding({
        check: this.name, operationId: aimed.operationId, what: `${method}-${problem.what}`,
        title: `${method} ${path}, a method the path does not have, ${problem.title}`,
        expected: problem.expected, received: `${answer.status} ${answer.headers["content-type"] ?? "(no Content-Type)"}, Allow: ${answer.headers.allow ?? "(none)"}: ${answer.text.slice(0, 300)}`,
        source: SOURCE, basis: ctx.basisOf(aimed, 405), exchange: answer.exchange,
      }));
    }
    return findings;
  },
};

/** The contract's paths, each with its operations. */
function pathsOf(ctx: CheckContext): Map<string, OperationSpec[]> {
  const paths = new Map<string, OperationSpec[]>();
  for (const operation of ctx.operations) paths.set(operation.path, [...(paths.get(operation.path) ?? []), operation]);
  return paths;
}

function problemOf(ctx: CheckContext, operation: OperationSpec, documented: Set<string>, method: string, answer: Answer): { what: string; title: string; expected: string } | undefined {
  if (answer.status === 429) return undefined;
  const methods = [...documented].join(", ");
  if (answer.status !== 405) return { what: `status-${answer.status}`, title: `answered ${answer.status}`, expected: `405 with Allow: ${methods}` };
  const allow = (answer.headers.allow ?? "").split(",").map((m) => m.trim().toUpperCase()).filter(Boolean);
  const missing = [...documented].filter((m) => !allow.includes(m));
  if (allow.length === 0 || missing.length > 0 || allow.includes(method)) {
    return { what: "allow", title: allow.length === 0 ? "answered 405 without an Allow header" : `answered 405 with Allow: ${allow.join(", ")}`, expected: `Allow naming the path's methods (${methods}) and not ${method}` };
  }
  const response = documentedResponse(operation, 405);
  if (!response) return undefined;
  const received = (answer.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (response.contentTypes.length > 0 && !response.contentTypes.some((t) => mediaTypeMatches(t, received))) {
    return { what: "content-type", title: `answered 405 as "${received || "(no Content-Type)"}"`, expected: `405 as ${response.contentTypes.join(" or ")}` };
  }
  if (!response.schemaPointer) return undefined;
  const parsed = parseBody(answer.exchange);
  const errors = parsed.ok ? ctx.validator.validate(response.schemaPointer, parsed.value) : [];
  if (parsed.ok && errors.length === 0) return undefined;
  return { what: "body", title: "answered 405 with a body that is not the documented error", expected: `a body valid against ${response.schemaPointer}` };
}
