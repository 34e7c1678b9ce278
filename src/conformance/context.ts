import { randomBytes } from "node:crypto";
import { createApiClient, credentialHeaders, type ApiClient } from "../clients/index.js";
import type { ApiName } from "../contracts/apiNames.js";
import { loadSpec, type OpenApiDocument } from "../contracts/loadSpec.js";
import { operationTable, type OperationSpec } from "../contracts/operationTable.js";
import { SpecSchemaValidator } from "../contracts/schemaValidator.js";
import { CanaryRegistry } from "./canaries.js";
import { CleanupStack } from "./cleanup.js";
import { curlFor } from "./curl.js";
import { createOperationMatcher } from "./operationMatcher.js";
import type { RunOptions } from "./options.js";
import type { OwnedResource, Probe } from "./profile.js";
import { Redactor } from "./redaction.js";
import { Transport } from "./transport.js";
import type { ContractBasis, Exchange, Finding, Severity } from "./types.js";

export type KeyChoice = "primary" | "secondary" | "none";

export type SentRequest = {
  sentBy: string;
  operationId: string;
  pathParams?: Record<string, string>;
  query?: Record<string, string>;
  /** A JSON body, or exactly these bytes when rawBody is set. */
  body?: unknown;
  rawBody?: string;
  /** The Content-Type of a body (default application/json). */
  contentType?: string;
  /** Credentials: a configured key, none, or exactly these headers. */
  auth?: KeyChoice | { headers: Record<string, string> };
  retryOn429?: boolean;
};

export type Answer = { status: number; json: unknown; text: string; headers: Headers; exchange: Exchange };

/** Everything a check may use during one run against one API. */
export class CheckContext {
  readonly runId = randomBytes(4).toString("hex");
  readonly spec: OpenApiDocument;
  readonly operations: OperationSpec[];
  readonly transport: Transport;
  readonly validator: SpecSchemaValidator;
  readonly canaries = new CanaryRegistry();
  readonly cleanup = new CleanupStack();
  readonly redactor = new Redactor();
  /** Resources made with the primary key (the cross-key check reads them with the secondary). */
  readonly owned: OwnedResource[] = [];
  /** Per operationId: a request with real path parameters and a valid body (from the profile). */
  probes: Record<string, Probe> = {};
  readonly basePath: string;
  readonly notes: string[] = [];

  constructor(readonly options: RunOptions) {
    this.spec = loadSpec(options.api);
    this.operations = operationTable(this.spec);
    this.validator = new SpecSchemaValidator(this.spec);
    this.basePath = new URL(options.baseUrl).pathname.replace(/\/+$/, "");
    this.transport = new Transport({
      fetch: options.fetch,
      maxRequests: options.maxRequests,
      requestsPerSecond: options.requestsPerSecond,
      maxRetriesOn429: 4,
      backoffBaseMs: 1_000,
      timeoutMs: options.timeoutMs,
      matchOperation: createOperationMatcher(this.operations, this.basePath),
    });
    this.redactor.add(options.primaryKey, "<primary key>");
    this.redactor.add(options.secondaryKey, "<secondary key>");
  }

  get api(): ApiName {
    return this.options.api;
  }

  /** A unique canary for a secret-marked field: planted by flows, searched for in every answer, redacted from reports. */
  plantSecret(plantedIn: string): string {
    const value = this.canaries.create(plantedIn);
    this.redactor.add(value, `<canary planted in ${plantedIn}>`);
    return value;
  }

  /** A typed client whose every request is recorded under `sentBy`. */
  client(sentBy: string, key: KeyChoice = "primary"): ApiClient<ApiName> {
    return createApiClient(this.api, { baseUrl: this.options.baseUrl, apiKey: this.keyFor(key), fetch: this.transport.fetchFor(sentBy) });
  }

  /** A recognisable name for anything the suite creates, so a person can tell it apart and clean up. */
  name(label: string): string {
    return `cc-conformance-${this.runId}-${label}`;
  }

  operation(operationId: string): OperationSpec {
    const found = this.operations.find((o) => o.operationId === operationId);
    if (!found) throw new Error(`${this.api} has no operation ${operationId}`);
    return found;
  }

  /** Sends one request to an operation, by operationId, with the credentials asked for. */
  async send(request: SentRequest): Promise<Answer> {
    const operation = this.operation(request.operationId);
    const path = operation.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(request.pathParams?.[name] ?? `missing-${name}`));
    const url = new URL(this.options.baseUrl.replace(/\/+$/, "") + path);
    for (const [k, v] of Object.entries(request.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: "application/json" };
    const auth = request.auth ?? "primary";
    Object.assign(headers, typeof auth === "object" ? auth.headers : credentialHeaders(this.api, this.keyFor(auth)));
    let body: string | undefined;
    if (request.rawBody !== undefined) body = request.rawBody;
    else if (request.body !== undefined) body = JSON.stringify(request.body);
    if (body !== undefined) headers["content-type"] = request.contentType ?? "application/json";
    const fetchFn = this.transport.fetchFor(request.sentBy, request.retryOn429 ?? true);
    const response = await fetchFn(url, { method: operation.method.toUpperCase(), headers, body });
    const text = await response.text();
    return { status: response.status, json: parseJson(text), text, headers: response.headers, exchange: this.transport.exchanges.at(-1)! };
  }

  keyFor(key: KeyChoice): string | undefined {
    if (key === "none") return undefined;
    return key === "primary" ? this.options.primaryKey : this.options.secondaryKey;
  }

  /** Whether the contract marks what a finding relies on as this project's inference. */
  basisOf(operation: OperationSpec | undefined, status?: string | number): ContractBasis {
    if (!operation) return "documented";
    const raw = status === undefined ? undefined : (operation.operation.responses?.[String(status)] as Record<string, unknown> | undefined);
    const response = raw?.$ref ? resolveLocal(this.spec, String(raw.$ref)) : raw;
    if (response?.["x-contract-source"] === "inferred") return "inferred";
    if (operation.operation["x-contract-source"] === "inferred") return "inferred";
    return "documented";
  }

  /** Builds a finding with its stable id, basis, reproduction and redaction applied. */
  finding(input: {
    check: string;
    operationId?: string;
    what: string;
    title: string;
    expected: string;
    received: string;
    source: string;
    severity?: Severity;
    basis?: ContractBasis;
    exchange?: Exchange;
  }): Finding {
    const operation = input.operationId ? this.operations.find((o) => o.operationId === input.operationId) : undefined;
    const exchange = input.exchange ? this.redactExchange(input.exchange) : undefined;
    return {
      id: `${input.check}/${input.operationId ?? "-"}/${input.what}`,
      check: input.check,
      severity: input.severity ?? "error",
      basis: input.basis ?? this.basisOf(operation),
      operationId: input.operationId,
      ref: operation?.ref,
      title: this.redactor.redact(input.title),
      expected: this.redactor.redact(input.expected),
      received: this.redactor.redact(truncate(input.received, 2_000)),
      source: input.source,
      exchange,
      curl: exchange ? curlFor(exchange, this.options.credentialEnv ?? envNameFor(this.api)) : undefined,
    };
  }

  redactExchange(exchange: Exchange): Exchange {
    const r = (t: string) => this.redactor.redact(t);
    return {
      ...exchange,
      request: {
        ...exchange.request,
        url: r(exchange.request.url),
        headers: Object.fromEntries(Object.entries(exchange.request.headers).map(([k, v]) => [k, r(v)])),
        body: exchange.request.body === undefined ? undefined : r(exchange.request.body),
      },
      response: {
        ...exchange.response,
        headers: Object.fromEntries(Object.entries(exchange.response.headers).map(([k, v]) => [k, r(v)])),
        body: r(truncate(exchange.response.body, 4_000)),
      },
    };
  }

  progress(line: string): void {
    this.options.onProgress(this.redactor.redact(line));
  }
}

/** The environment variable the CLI reads the primary key from (and curl lines refer to). */
export function envNameFor(api: ApiName): string {
  return `CC_${api.toUpperCase()}_KEY`;
}

function resolveLocal(spec: OpenApiDocument, ref: string): Record<string, unknown> | undefined {
  return ref
    .slice(2)
    .split("/")
    .reduce<any>((node, key) => node?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], spec);
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}
