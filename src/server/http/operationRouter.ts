import type { Request, Response } from "express";
import type { Logger } from "pino";
import type { OpenApiDocument } from "../../contracts/loadSpec.js";
import { SpecSchemaValidator, formatAjvErrors } from "../../contracts/schemaValidator.js";
import type { ServerConfig } from "../config.js";
import { ApiError, MethodNotAllowed, badRequest, internalError, notFound, tooManyRequests } from "./apiError.js";
import type { ApiModule, OperationHandler, OperationResponse } from "./apiModule.js";
import { AuthenticationError, createAuthenticator, type Account, type KeyRegistry } from "./authentication.js";
import { operationTable, type OperationSpec } from "../../contracts/operationTable.js";
import type { RateLimiter } from "./rateLimiter.js";
import { sendResult, serveCachedRead, type CachedReadsOfApi } from "./cachedReads.js";
import { createRequestValidators } from "./requestValidation.js";
import { operationFinder } from "./operationFinder.js";
import { requestLogger } from "./requestLogging.js";
import { createForcedAnswers } from "./forcedAnswers.js";
import { jsonBodyReader } from "./jsonBody.js";
import type { FaultRules } from "../admin/faultRules.js";

export type ApiHandlerOptions = {
  module: ApiModule;
  spec: OpenApiDocument;
  config: Pick<ServerConfig, "responseValidation" | "bodyLimitBytes" | "bodyTimeoutMs">;
  logger: Logger;
  rateLimiter?: RateLimiter;
  /** Where keys are looked up: the dev keys and those issued through /__admin (AccountKeys.forApi). */
  keys: KeyRegistry;
  /** Answers of the module's cacheable reads (only when this process sees every change to the database). */
  cachedReads?: CachedReadsOfApi;
  /** The fault rules of /__admin/faults (shared by every API of the server). */
  faults: FaultRules;
};

/**
 * One request handler per API, built from its contract and called by the entrance (apiEntrance.ts)
 * with `req.url` below the API's mount path: the JSON body is read (jsonBody.ts, bounded in size
 * and time), the operation found by the contract's method and path (operationFinder.ts), and each
 * operation runs authenticate → rate limit → validate → handler, with one error exit that writes
 * the API's own error body. No Express router inside (see operationFinder.ts).
 */
export function createApiHandler(options: ApiHandlerOptions): (req: Request, res: Response) => void {
  const { module, spec } = options;
  const authenticate = createAuthenticator(module.api, spec, options.keys);
  const validatorFor = createRequestValidators(spec);
  const checkResponse = responseChecker(spec, options);
  const forced = createForcedAnswers({ api: module.api, spec, faults: options.faults, errorBody: module.errorBody });

  const reads = options.cachedReads;
  const cachedOperations = new Set(reads ? (module.cacheableReads ?? []) : []);

  const operations = operationTable(spec).map((operation) => {
    const handler = module.handlers[operation.operationId];
    if (!handler) throw new Error(`${module.api}: no handler for operation ${operation.operationId} (${operation.ref})`);
    const validate = validatorFor(operation);
    const security = (operation.operation.security ?? spec.security ?? []) as Array<Record<string, unknown>>;
    return {
      operation,
      handle: async function handleOperation(req: Request, res: Response) {
        const account = await authenticateCountingFailures(module, options.rateLimiter, req, () => authenticate(req, security));
        await enforceRateLimit(options.rateLimiter, account, operation);
        const valid = validateWithApiWording(module, operation, () =>
          validate({ params: req.params, query: req.query as Record<string, unknown>, body: req.body, hasBody: req.body !== undefined }),
        );
        // The request's child logger is made only when something logs (see requestLogging.ts).
        const log = () => requestLogger(req, options.logger);
        const run = () => (handler as OperationHandler)({ ...valid, account, headers: req.headers, get log() { return log(); }, mountPath: req.baseUrl });
        if (reads && cachedOperations.has(operation.operationId)) return serveCachedRead(reads, account, req, res, () => run().then((r) => checkResponse(operation, r, log)));
        try {
          sendResult(res, checkResponse(operation, await run(), log));
        } finally {
          // A write (even a refused one) may have changed what this account reads.
          if (operation.method !== "get") reads?.cache.invalidate(account.accountId);
        }
      },
    };
  });
  const findOperation = operationFinder(operations);
  const readJsonBody = jsonBodyReader({ limitBytes: options.config.bodyLimitBytes, timeoutMs: options.config.bodyTimeoutMs });

  /** The one error exit: the API's own error body, and a log line for anything that is the server's fault. */
  const fail = (error: unknown, req: Request, res: Response) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) requestLogger(req, options.logger).error({ err: error }, "request failed");
    if (res.headersSent) return void res.end();
    if (apiError instanceof MethodNotAllowed) res.setHeader("Allow", apiError.allowed.join(", "));
    res.status(apiError.status).json(module.errorBody(apiError));
  };

  return function serveApi(req: Request, res: Response) {
    readJsonBody(req, res, (parseError?: unknown) => {
      if (parseError) return fail(parseError, req, res);
      try {
        const found = findOperation(req.method, req.path);
        if (!found) {
          const allowed = findOperation.allowedMethods(req.path);
          const refusal = allowed.length > 0 ? new MethodNotAllowed(req.method, req.path, allowed) : notFound(`No operation ${req.method} ${req.path} in this API.`);
          return fail(refusal, req, res);
        }
        req.params = found.params;
        res.locals.operationId = found.entry.operation.operationId;
        if (forced.wanted(req)) {
          const { operation } = found.entry;
          const send = (result: OperationResponse) => sendResult(res, checkResponse(operation, result, () => requestLogger(req, options.logger)));
          return void forced.answer(req, res, operation, send, () => found.entry.handle(req, res)).catch((error: unknown) => fail(error, req, res));
        }
        found.entry.handle(req, res).catch((error: unknown) => fail(error, req, res));
      } catch (error) {
        // A path parameter that does not percent-decode (URIError).
        fail(error, req, res);
      }
    });
  };
}

async function enforceRateLimit(rateLimiter: RateLimiter | undefined, account: Account, operation: OperationSpec) {
  if (!rateLimiter) return;
  const { allowed } = await rateLimiter.consume(`${account.accountId}:${operation.operationId}`);
  if (!allowed) throw tooManyRequests("Too many requests");
}

/**
 * Authenticates, and on an API with a rate limit counts each failure against the client's
 * address: past the limit the address gets 429 for every request, before its key is even
 * looked at, until the window ends. Without it a key could be guessed at full speed.
 */
async function authenticateCountingFailures(module: ApiModule, rateLimiter: RateLimiter | undefined, req: Request, run: () => Account): Promise<Account> {
  if (!rateLimiter) return authenticateWithApiWording(module, run);
  const address = req.socket.remoteAddress ?? "unknown";
  if (!rateLimiter.refusedAddress(address).allowed) throw tooManyRequests("Too many requests");
  try {
    return authenticateWithApiWording(module, run);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && !(await rateLimiter.failedAuthentication(address)).allowed) {
      throw tooManyRequests("Too many requests");
    }
    throw error;
  }
}

function authenticateWithApiWording(module: ApiModule, run: () => Account): Account {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    throw new ApiError(401, module.describeAuthFailure?.(error.failure) ?? error.message);
  }
}

function validateWithApiWording<T>(module: ApiModule, operation: OperationSpec, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ApiError && (error.status === 400 || error.status === 404) && module.describeValidationError) {
      const wording = module.describeValidationError(operation.operationId, error.problems, error.status);
      if (wording) throw new ApiError(error.status, wording, error.problems);
    }
    throw error;
  }
}

/** Maps whatever was thrown to an ApiError: body-parser's errors by their documented `type`, anything else to an opaque 500. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const type = (error as { type?: string } | null)?.type;
  if (type === "entity.parse.failed") return badRequest("Malformed JSON in the request body.");
  if (type === "entity.too.large") return new ApiError(413, "The request body is too large.");
  if (type === "encoding.unsupported" || type === "charset.unsupported") return new ApiError(415, "Unsupported content encoding or charset.");
  if (type === "request.aborted" || type === "request.size.invalid") return badRequest("The request body was incomplete.");
  // A path segment that does not percent-decode names no resource.
  if (error instanceof URIError) return notFound("Not found");
  // body-parser's other refusals (e.g. a body that does not decompress) carry their 4xx but no type.
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === "number" && status >= 400 && status < 500) return new ApiError(status, "The request body could not be read.");
  return internalError();
}

/** In test and development, proves each answer against the contract before it leaves. */
function responseChecker(spec: OpenApiDocument, options: ApiHandlerOptions) {
  const mode = options.config.responseValidation;
  if (mode === "off") return (_op: OperationSpec, result: OperationResponse, _log: () => Logger) => result;
  const validator = new SpecSchemaValidator(spec);
  return (operation: OperationSpec, result: OperationResponse, log: () => Logger): OperationResponse => {
    const documented = operation.responses[String(result.status)] ?? operation.responses.default;
    let problem: string | undefined;
    if (!documented) problem = `status ${result.status} is not documented`;
    else if (documented.schemaPointer && result.body === undefined) problem = "the documented body is missing";
    else if (documented.schemaPointer) {
      const errors = validator.validate(documented.schemaPointer, result.body);
      if (errors.length > 0) problem = formatAjvErrors(errors);
    }
    if (!problem) return result;
    log().error({ operationId: operation.operationId, status: result.status, problem }, "response violates the contract");
    if (mode === "enforce") throw new ApiError(500, `Response violates the contract (${operation.operationId} ${result.status}): ${problem}`);
    return result;
  };
}
