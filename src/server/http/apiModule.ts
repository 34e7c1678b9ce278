import type { IncomingHttpHeaders } from "node:http";
import type { Logger } from "pino";
import type { ApiName } from "../../contracts/apiNames.js";
import type { Sql } from "../db/database.js";
import type { ApiError, FieldProblem } from "./apiError.js";
import type { Account, AuthFailure } from "./authentication.js";
import type { ValidRequest } from "./requestValidation.js";

/** What a handler gets: the validated request, the caller's account and a request-scoped logger. */
export type OperationRequest = ValidRequest & {
  account: Account;
  headers: IncomingHttpHeaders;
  log: Logger;
  /** The URL prefix this API is mounted at, e.g. `/vern` or `/api/v1` (for links such as Vern's poll_url). */
  mountPath: string;
};

export type OperationResponse = { status: number; body?: unknown; headers?: Record<string, string> };

export type OperationHandler = (request: OperationRequest) => Promise<OperationResponse>;

type PathOf<O> = O extends { parameters: { path: infer P } } ? ([P] extends [undefined] ? {} : NonNullable<P>) : {};
type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? ([Q] extends [undefined] ? {} : NonNullable<Q>) : {};
type BodyOf<O> = O extends { requestBody: { content: { "application/json": infer B } } }
  ? B
  : O extends { requestBody?: { content: { "application/json": infer B } } }
    ? B | undefined
    : undefined;

/** A request typed from the generated `operations` of a contract: params, query and body as the spec says. */
export type TypedRequest<O> = Omit<OperationRequest, "params" | "query" | "body"> & { params: PathOf<O>; query: QueryOf<O>; body: BodyOf<O> };

/**
 * One handler per operation of a contract, typed from its generated `operations`: a missing
 * operation, or a handler reading a field the contract does not have, fails to compile.
 */
export type HandlersOf<Operations> = { [K in keyof Operations]: (request: TypedRequest<Operations[K]>) => Promise<OperationResponse> };

/** Erases the per-operation types for the router, which validated the request against the same contract. */
export function asHandlerTable<Operations>(handlers: HandlersOf<Operations>): Readonly<Record<string, OperationHandler>> {
  return handlers as unknown as Record<string, OperationHandler>;
}

/** A dev key printed at start and listed by the admin endpoint. */
export type DevKey = { key: string; accountId: string; label: string };

/**
 * What each API supplies; everything it shares with the others (routing from the contract,
 * validation, auth, rate limits, the vault, error exit) lives once in src/server/http.
 */
export type ApiModule = {
  api: ApiName;
  /** One handler per operationId of the contract; a missing one stops the server at start. */
  handlers: Readonly<Record<string, OperationHandler>>;
  /** This API's documented error body for an error. */
  errorBody: (error: ApiError) => unknown;
  /**
   * This API's own wording for a request the contract refuses: status 400 (query or body) or 404
   * (a path id that is not well-formed). Undefined keeps the generic message.
   */
  describeValidationError?: (operationId: string, problems: readonly FieldProblem[], status: 400 | 404) => string | undefined;
  /** This API's own wording of a 401 (missing, malformed or unknown credential). */
  describeAuthFailure?: (failure: AuthFailure) => string;
  devKeys: readonly DevKey[];
  /**
   * Reads whose answer depends only on the stored data (not the clock, not the request beyond its
   * URL), so a server that owns its database may keep them until a write or the simulation moves.
   */
  cacheableReads?: readonly string[];
  /** Tables that hold this API's state, emptied by a reset. */
  tables: readonly string[];
  /** Loads the seed data (fixtures/<api>/) into empty tables. */
  seed: (sql: Sql) => Promise<void>;
  /** Moves simulated work (runs, executions) forward; returns how many rows changed. */
  advance?: (now: Date) => Promise<number>;
  /** `/__admin/scenarios/<api>/<resource>/<id>`: puts one piece of simulated work into a state its contract documents. */
  scenario?: ScenarioControl;
  /**
   * What a fresh account made through `/__admin/accounts` starts with, when the API itself cannot
   * create it (Wexa has no operation that creates a project); returns the ids to tell the caller.
   */
  provisionAccount?: (sql: Sql, accountId: string) => Promise<Record<string, string>>;
};

/** A forced state: `state` is one the contract documents; the rest are per-state details (Vern's `blocked_reason`, an `error`). */
export type ForcedState = { state: string } & Record<string, unknown>;

export type ScenarioControl = {
  /** The URL segment of the resource (`runs`, `executions`). */
  resource: string;
  /** The states the contract documents, read from its status enum. */
  states: readonly string[];
  /** Forces the state and returns the resource as the API now answers it; refusals are ApiErrors (404, 409, 400). */
  force: (id: string, forced: ForcedState) => Promise<unknown>;
};
