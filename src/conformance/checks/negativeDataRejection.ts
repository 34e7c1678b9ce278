import type { OperationSpec } from "../../contracts/operationTable.js";
import { formatAjvErrors, SpecSchemaValidator } from "../../contracts/schemaValidator.js";
import type { Check } from "../check.js";
import { WriteRefused, type Answer, type CheckContext } from "../context.js";
import { invalidInputStatuses, statusMatches } from "../generation/invalidInputStatus.js";
import { negativeCasesFor, type NegativeCase } from "../generation/negativeCases.js";
import { shrinkCase } from "../generation/shrinkCase.js";
import { freshNames } from "../generation/freshNames.js";
import type { RequestLimit } from "../profile.js";
import type { Finding } from "../types.js";

/** Why an answer to an invalid request breaks the contract (undefined: it does not). */
type Problem = "accepted" | "server-error" | "undocumented-status" | "not-the-error-body";

/** How many cases are in flight at once (the transport's pacing to --rps applies across them). */
const IN_FLIGHT = 6;

/** The share of a documented per-operation limit left to the checks that run after this one. */
const LIMIT_RESERVE = 0.1;

const NAME = "negative_data_rejection";

const SOURCE = "OpenAPI 3.1 §4.8.12 (Parameter Object), §4.8.13 (Request Body Object), §4.8.16 (Responses Object); RFC 9110 §15.5.1 (400), §15.6 (5xx)";

/**
 * Requests generated from the contract that each break it in one way (a required field missing,
 * a wrong type, null where not nullable, a value outside an enum, pattern, format or bound, an
 * unknown field in a closed body, no body, an empty or malformed body, a wrong Content-Type, and
 * the same for path and query parameters), each made from one of several valid requests of the
 * operation (generation/baseRequests.ts), get the status the contract documents for invalid
 * input, with the API's documented error body: never a 2xx, a 5xx or another 4xx. Where the API
 * documents a per-operation request limit (the profile's requestLimit), the cases stay within
 * it: invalid requests count too, and a case answered 429 proves nothing. A 429 that still
 * outlasts the transport's retries is noted, neither pass nor finding; under the documented limit
 * a 429 means its window was spent before the run, and the operation's remaining cases are left
 * out. One finding per cause (operation, kind of change, what went wrong), with its first case
 * shrunk to the smallest request that still fails and a curl line that reproduces it.
 */
export const negativeDataRejection = (requestLimit?: RequestLimit): Check => ({
  name: NAME,
  description: "Requests generated to break the schema get the documented invalid-input status and error body",
  source: SOURCE,
  phase: "probe",
  // Pacing to a documented limit counts what the run sent before the check, which flows sending at the same time would change.
  besideFlows: requestLimit === undefined,
  skipReason: (ctx) => (ctx.options.readOnly ? "read-only run: invalid writes are still writes" : undefined),
  async run(ctx) {
    const sources = { spec: ctx.spec, validator: ctx.validator, parameterValidator: new SpecSchemaValidator(ctx.spec, { coerceTypes: true }), seed: ctx.options.seed, examples: ctx.options.examples };
    const failures = new Map<string, { operation: OperationSpec; problem: Problem; cases: NegativeCase[]; answer: Answer }>();
    const generated: Array<{ operation: OperationSpec; testCase: NegativeCase }> = [];
    for (const operation of ctx.operations) {
      const probe = ctx.probes[operation.operationId];
      if (!probe && operation.parameters.some((p) => p.in === "path")) continue;
      for (const testCase of negativeCasesFor(sources, operation, probe)) {
        if (invalidInputStatuses(operation, testCase.location, testCase.kind).length === 0) continue;
        generated.push({ operation, testCase });
      }
    }
    const planned = withinLimit(ctx, generated, requestLimit).map(({ operation, testCase }) => ({ operation, testCase: freshNames(ctx, testCase) }));
    let rateLimited = 0;
    let refused = 0;
    // Under a documented per-operation window, a 429 says the window is spent (an earlier run within
    // it, another client of the key): the operation's other cases are left out rather than each
    // waiting out the window. Elsewhere a 429 is backed off and retried by the transport.
    const spent = new Set<string>();
    let notSent = 0;
    // The cases are independent (fresh names each), so a few are in flight at once (the client, not the server, limits the pace: more in flight is no faster); the transport still paces them to --rps and counts them against --max-requests.
    await inParallel(planned, IN_FLIGHT, async ({ operation, testCase }) => {
      if (spent.has(operation.operationId)) {
        notSent++;
        return;
      }
      let answer: Answer;
      try {
        answer = await sendCase(ctx, operation, testCase, requestLimit === undefined);
      } catch (error) {
        // A base from the contract's examples may name the deployment's own data: that case is not sent, the others are.
        if (!(error instanceof WriteRefused)) throw error;
        refused++;
        return;
      }
      if (answer.status === 429) {
        if (requestLimit) spent.add(operation.operationId);
        rateLimited++;
        return;
      }
      const problem = judge(ctx, operation, testCase, answer);
      if (!problem) return;
      const cause = `${operation.operationId}|${testCase.kind}-${testCase.location}|${problem}`;
      const known = failures.get(cause);
      if (known) known.cases.push(testCase);
      else failures.set(cause, { operation, problem, cases: [testCase], answer });
    });
    const sent = planned.length - refused - notSent;
    const leftOut = generated.length - planned.length + notSent;
    ctx.invalidInputs = { generated: generated.length, sent, judged: sent - rateLimited, rateLimited, leftOut, refused };
    ctx.progress(`  ${sent} distinct invalid-input cases sent, ${sent - rateLimited} judged (seed ${ctx.options.seed}, --examples ${ctx.options.examples})`);
    if (rateLimited > 0 && spent.size === 0) ctx.notes.push(`${NAME}: ${rateLimited} of ${sent} invalid-input cases were still answered 429 after backing off, so they were not judged; lower --rps to judge them all.`);
    // Cases left out by design (the rate limit, data the run did not create) are counted in the report's invalidInputs, not noted as problems of the run.
    if (leftOut > 0) ctx.progress(`  ${leftOut} cases left out to stay within the documented limit (${requestLimit?.source}); invalid requests count against it too`);
    if (spent.size > 0) {
      ctx.notes.push(`${NAME}: ${[...spent].join(", ")} answered 429 although the run stayed within the documented limit (${requestLimit?.source}), so its window was already spent, by an earlier run or another client of the key; ${notSent} more cases of ${spent.size === 1 ? "it were" : "them were"} left out instead of waiting. Run again after ${Math.round((requestLimit?.windowMs ?? 0) / 1000)} s to judge them.`);
    }
    if (refused > 0) ctx.progress(`  ${refused} cases not sent: they would write to data the run did not create (--destructive allows it)`);

    const findings: Finding[] = [];
    // In plan order, whatever order the answers came in: the same seed gives the same findings and reproducers.
    const order = new Map(planned.map((p, i) => [p.testCase, i]));
    const byPlan = (a: NegativeCase, b: NegativeCase) => order.get(a)! - order.get(b)!;
    const causes = [...failures.values()].map((f) => ({ ...f, cases: f.cases.sort(byPlan) })).sort((a, b) => byPlan(a.cases[0]!, b.cases[0]!));
    for (const { operation, problem, cases, answer } of causes) {
      const first = cases[0]!;
      const stillFails = async (candidate: NegativeCase) => {
        const retry = await sendCase(ctx, operation, candidate);
        return retry.status !== 429 && judge(ctx, operation, candidate, retry) === problem ? retry : undefined;
      };
      // Sent again alone: the answer (and the exchange its curl line comes from) is this case's for sure, and the failure is seen twice.
      const confirmed = (await stillFails(first)) ?? answer;
      const shrunk = await shrinkCase(ctx.spec, operation, first, confirmed, stillFails);
      findings.push(findingFor(ctx, operation, problem, cases, shrunk.testCase, shrunk.answer));
    }
    return findings;
  },
});

function sendCase(ctx: CheckContext, operation: OperationSpec, testCase: NegativeCase, retryOn429 = true): Promise<Answer> {
  return ctx.send({
    retryOn429,
    sentBy: NAME,
    operationId: operation.operationId,
    pathParams: testCase.pathParams,
    query: testCase.query,
    body: testCase.body,
    rawBody: testCase.rawBody,
    contentType: testCase.contentType,
  });
}

function judge(ctx: CheckContext, operation: OperationSpec, testCase: NegativeCase, answer: Answer): Problem | undefined {
  if (answer.status < 400) return "accepted";
  if (answer.status >= 500) return "server-error";
  const statuses = invalidInputStatuses(operation, testCase.location, testCase.kind);
  if (!statusMatches(answer.status, statuses)) return "undocumented-status";
  const documented = operation.responses[String(answer.status)] ?? operation.responses["4XX"] ?? operation.responses.default;
  if (documented?.schemaPointer && ctx.validator.validate(documented.schemaPointer, answer.json).length > 0) return "not-the-error-body";
  return undefined;
}

const PROBLEM_WORDS: Record<Problem, string> = {
  accepted: "accepted",
  "server-error": "failed with a server error on",
  "undocumented-status": "answered an undocumented status to",
  "not-the-error-body": "rejected, without the documented error body,",
};

function findingFor(ctx: CheckContext, operation: OperationSpec, problem: Problem, cases: NegativeCase[], shrunk: NegativeCase, answer: Answer): Finding {
  const statuses = invalidInputStatuses(operation, shrunk.location, shrunk.kind);
  const places = [...new Set(cases.map((c) => c.where))];
  const documented = operation.responses[String(answer.status)];
  const bodyErrors = problem === "not-the-error-body" && documented?.schemaPointer ? ` — ${formatAjvErrors(ctx.validator.validate(documented.schemaPointer, answer.json))}` : "";
  return ctx.finding({
    check: NAME,
    operationId: operation.operationId,
    what: `${shrunk.kind}-${shrunk.location}-${problem}`,
    title: `${operation.operationId} ${PROBLEM_WORDS[problem]} ${cases.length === 1 ? "a request" : `${cases.length} requests`} with ${shrunk.kind.replace(/-/g, " ")} in the ${shrunk.location} (${places.slice(0, 4).join(", ")}${places.length > 4 ? ", …" : ""})`,
    expected: `${statuses.join(" or ")} with the API's documented error body (never a 2xx or 5xx)`,
    received: `${answer.status}${bodyErrors} to the smallest failing request: ${shrunk.what}. Body: ${answer.text.slice(0, 300)}`,
    source: SOURCE,
    basis: ctx.basisOf(operation, statuses[0]),
    exchange: answer.exchange,
  });
}

/**
 * The cases that fit the documented per-operation limit: each operation gets what the limit
 * leaves after the requests the run already sent to it (counted over the whole run, which is
 * shorter than a window: an over-count is safe), less a reserve for the checks that follow.
 * The first cases in plan order are kept: those made from the probe request come first.
 */
function withinLimit<T extends { operation: OperationSpec }>(ctx: CheckContext, cases: T[], limit: RequestLimit | undefined): T[] {
  if (!limit) return cases;
  const used = new Map<string, number>();
  for (const exchange of ctx.transport.exchanges) if (exchange.operationId) used.set(exchange.operationId, (used.get(exchange.operationId) ?? 0) + 1);
  const room = new Map<string, number>();
  return cases.filter(({ operation }) => {
    const left = room.get(operation.operationId) ?? Math.floor(limit.requests * (1 - LIMIT_RESERVE)) - (used.get(operation.operationId) ?? 0);
    room.set(operation.operationId, left - 1);
    return left > 0;
  });
}

/** Runs `work` over the items with at most `limit` at a time; the first error stops the rest and is thrown (a spent budget ends the check). */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
