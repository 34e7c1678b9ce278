import type { Request, Response } from "express";
import type { OpenApiDocument } from "../../contracts/loadSpec.js";
import type { OperationSpec } from "../../contracts/operationTable.js";
import type { FaultRules } from "../admin/faultRules.js";
import { ApiError, badRequest } from "./apiError.js";
import type { OperationResponse } from "./apiModule.js";
import { documentedAnswers, pickDocumentedAnswer, type DocumentedAnswer } from "./documentedAnswers.js";
import { readMockPreferences } from "./preferHeader.js";

export type ForcedAnswersOptions = {
  api: string;
  spec: OpenApiDocument;
  faults: FaultRules;
  /** This API's documented error body, for a fault rule's status the operation does not document. */
  errorBody: (error: ApiError) => unknown;
};

/**
 * The one place a request's answer is forced instead of computed: `Prefer: code=, example=,
 * delay=` (RFC 7240, read as Prism reads it) and the fault rules of /__admin/faults. A forced
 * answer never runs the handler, so it changes no state. `wanted` is the request path's only cost
 * when neither is in play: one header lookup and one property.
 */
export function createForcedAnswers(options: ForcedAnswersOptions) {
  const answersByOperation = new Map<string, ReadonlyMap<number, DocumentedAnswer>>();
  const answersOf = (operation: OperationSpec) => {
    let answers = answersByOperation.get(operation.operationId);
    if (!answers) answersByOperation.set(operation.operationId, (answers = documentedAnswers(options.spec, operation)));
    return answers;
  };

  return {
    wanted: (req: Request) => req.headers.prefer !== undefined || options.faults.active,

    /**
     * Waits, drops, or answers as asked; otherwise calls `run` (the operation as usual). A forced
     * documented answer goes out through `send`, which proves it against the contract as any answer.
     */
    async answer(req: Request, res: Response, operation: OperationSpec, send: (result: OperationResponse) => void, run: () => Promise<void>) {
      const header = req.headers.prefer;
      const preferences = header === undefined ? {} : readMockPreferences(Array.isArray(header) ? header.join(",") : header);
      if ("error" in preferences) throw badRequest(preferences.error);
      const path = req.originalUrl.split("?")[0]!;
      const fault = options.faults.active ? options.faults.faultFor(options.api, operation.operationId, path) : undefined;
      const delayMs = (preferences.delayMs ?? 0) + (fault?.delayMs ?? 0);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (fault?.drop) return void req.socket.destroy();
      if (fault?.status !== undefined) return sendFault(res, fault.status, answersOf(operation).get(fault.status), options.errorBody);
      if (preferences.code === undefined && preferences.example === undefined) return run();
      const picked = pickDocumentedAnswer(answersOf(operation), preferences);
      // Not an answer the operation has: the mock's own 400, in this API's error body (see README, "Forced answers").
      if (typeof picked === "string") throw badRequest(picked);
      res.setHeader("Preference-Applied", [preferences.code !== undefined ? `code=${preferences.code}` : "", preferences.example !== undefined ? `example=${preferences.example}` : ""].filter(Boolean).join(", "));
      send({ ...picked, headers: retryAfter(picked.status) });
    },
  };
}

export type ForcedAnswers = ReturnType<typeof createForcedAnswers>;

/** A fault rule's status: the operation's documented example when it has one, else the API's error body. */
function sendFault(res: Response, status: number, documented: DocumentedAnswer | undefined, errorBody: (error: ApiError) => unknown) {
  for (const [name, value] of Object.entries(retryAfter(status) ?? {})) res.setHeader(name, value);
  res.setHeader("Preference-Applied", "fault-rule");
  if (documented && !documented.hasBody) return void res.status(status).end();
  const body = documented?.examples[0]?.[1] ?? errorBody(new ApiError(status, `Injected by a fault rule (/__admin/faults): status ${status}.`));
  res.status(status).json(body);
}

/** A forced 429 or 503 says when to come back, as a real one would (RFC 9110 §10.2.3). */
function retryAfter(status: number): Record<string, string> | undefined {
  return status === 429 || status === 503 ? { "Retry-After": "1" } : undefined;
}
