import { randomBytes } from "node:crypto";
import { credentialHeaders } from "../clients/index.js";
import type { ApiName } from "../contracts/apiNames.js";
import { loadSpec, type OpenApiDocument } from "../contracts/loadSpec.js";
import { operationTable, type OperationSpec } from "../contracts/operationTable.js";
import { SpecSchemaValidator } from "../contracts/schemaValidator.js";
import { CanaryRegistry } from "./canaries.js";
import { CleanupStack } from "./cleanup.js";
import { createdResourceOf, creatingOperations, type CreatingOperation } from "./createdResources.js";
import { curlFor } from "./curl.js";
import { CheckSkipped } from "./check.js";
import { markedBasis } from "./basis.js";
import { createOperationMatcher } from "./operationMatcher.js";
import type { RunOptions } from "./options.js";
import type { OwnedResource, Probe } from "./profile.js";
import { Redactor } from "./redaction.js";
import { printable } from "./reporters/printable.js";
import { CLEANUP_SENDER, Transport } from "./transport.js";
import type { ContractBasis, Exchange, Finding, InvalidInputTally, Severity } from "./types.js";

export type KeyChoice = "primary" | "secondary" | "none";

export type SentRequest = {
  sentBy: string;
  operationId: string;
  /** Another method than the operation's, on its path (a probe of a method the path does not have). */
  method?: string;
  pathParams?: Record<string, string>;
  /** A list repeats the key (a generated case sends a scalar parameter twice). */
  query?: Record<string, string | readonly string[]>;
  /** A JSON body, or exactly these bytes when rawBody is set. */
  body?: unknown;
  rawBody?: string;
  /** The Content-Type of a body (default application/json). */
  contentType?: string;
  /** Credentials: a configured key, none, or exactly these headers. */
  auth?: KeyChoice | { headers: Record<string, string> };
  retryOn429?: boolean;
  /** Send the body's run names as they are: the sender made them unique itself and compares what comes back with them. */
  keepNames?: boolean;
};

/** An answer as a check reads it; header names are in lower case. */
export type Answer = { status: number; json: unknown; text: string; headers: Readonly<Record<string, string>>; exchange: Exchange };

/** A write the run refused to send: it would change something the run did not create (reported as the check's skip reason). */
export class WriteRefused extends CheckSkipped {}

/** Every name the suite gives starts with this, so a person (and `connector-contracts cleanup`) can tell its leftovers apart. */
export const NAME_PREFIX = "cc-conformance-";

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
  /** What negative_data_rejection generated, sent and judged (the report carries it). */
  invalidInputs?: InvalidInputTally;
  /**
   * The probe checks (the runner adds each as it starts): every run name in a body they send is
   * made fresh, so each probe is isolated (an earlier probe the server wrongly accepted cannot make
   * this one a 409). Per sender, as a probe may run while flows send.
   */
  readonly isolatedSenders = new Set<string>();
  private names = 0;
  /** Ids of the deployment's own data, with what they are: no write may name them without --destructive. */
  private readonly protectedIds = new Map<string, string>();
  private readonly creating: Map<string, CreatingOperation>;
  /** Paths of resources the run created and removed (or found gone): the cleanup does not delete them twice. */
  private readonly removed = new Set<string>();

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
      extraHeaders: options.headers,
      signal: options.signal,
      guard: (request) => this.refuseForeignWrite(request),
      onExchange: (exchange) => this.track(exchange),
    });
    this.creating = creatingOperations(this.operations);
    this.redactor.add(options.primaryKey, "<primary key>");
    this.redactor.add(options.secondaryKey, "<secondary key>");
    this.canaries.watch(options.primaryKey, "primary key the run sends");
    this.canaries.watch(options.secondaryKey, "secondary key the run sends");
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      this.redactor.add(value, headerPlaceholder(name));
      this.canaries.watch(value, `value of the header ${name} the run sends (--header)`);
    }
  }

  /** The placeholder each credential is redacted to, and the environment variable a curl line uses for it. */
  get credentialVariables(): Record<string, string> {
    const api = this.api.toUpperCase();
    return {
      "<primary key>": this.options.credentialEnv ?? envNameFor(this.api),
      "<secondary key>": this.options.secondaryCredentialEnv ?? `CC_${api}_SECONDARY_KEY`,
      ...Object.fromEntries(Object.keys(this.options.headers ?? {}).map((name) => [headerPlaceholder(name), headerEnvName(name)])),
    };
  }

  /**
   * Marks an id of the deployment's own data (a fixture, or something found by listing): without
   * --destructive, no write whose path or body names it is sent; the check asking is skipped instead.
   */
  protect(id: string, what: string): void {
    if (!this.options.destructive) this.protectedIds.set(id, what);
  }

  /** Why a write to this id is refused, or undefined when it may be sent. */
  protectedReason(id: string): string | undefined {
    const what = this.protectedIds.get(id);
    return what === undefined ? undefined : `it would change ${what}, which the run did not create (pass --destructive to allow it)`;
  }

  private refuseForeignWrite(request: { method: string; url: URL; body?: string }): void {
    if (request.method === "GET" || request.method === "HEAD" || this.protectedIds.size === 0) return;
    const named = [...request.url.pathname.split("/").map(safeDecode), ...topLevelStrings(request.body)];
    const hit = named.find((value) => this.protectedIds.has(value));
    if (hit !== undefined) throw new WriteRefused(`${request.method} ${request.url.pathname} not sent: ${this.protectedReason(hit)}`);
  }

  /**
   * Every 2xx answer of a creating operation (createdResources.ts), whoever sent it (a flow, a
   * probe the server should have refused, the typed client), is registered for removal at the end
   * of the run with the key that made it; what the API cannot delete is listed, per id, as left behind.
   */
  private track(exchange: Exchange): void {
    if (exchange.request.method === "DELETE" && ((exchange.response.status >= 200 && exchange.response.status < 300) || exchange.response.status === 404 || exchange.response.status === 410)) {
      this.removed.add(new URL(exchange.request.url).pathname.replace(/\/+$/, ""));
      return;
    }
    const creating = exchange.operationId ? this.creating.get(exchange.operationId) : undefined;
    const created = creating && createdResourceOf(creating, exchange, this.basePath);
    if (!created) return;
    const secondary = this.options.secondaryKey !== undefined && Object.values(exchange.request.headers).some((v) => v.includes(this.options.secondaryKey!));
    const owner = secondary ? " in the secondary key's account" : "";
    const named = created.name === undefined ? "" : `, named "${created.name}"`;
    if (!created.remove) {
      this.cleanup.leave(`${created.id} (made by ${created.createdBy}${named}${owner}): ${this.api} has no delete for it`, created.id);
      return;
    }
    const remove = { ...created.remove };
    const path = this.basePath + this.operation(remove.operationId).path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(remove.pathParams[name] ?? "")).replace(/\/+$/, "");
    const auth = { headers: credentialHeaders(this.api, this.keyFor(secondary ? "secondary" : "primary")) };
    this.cleanup.push(`${created.id} (made by ${created.createdBy}${named}${owner})`, async () => {
      if (this.removed.has(path)) return;
      const answer = await this.send({ sentBy: CLEANUP_SENDER, ...remove, auth });
      if (answer.status >= 300 && answer.status !== 404 && answer.status !== 410) {
        this.cleanup.leave(`${created.id} (made by ${created.createdBy}${named}${owner}): ${remove.operationId} answered ${answer.status}, so it may still exist`, created.id);
      }
    });
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

  /**
   * A recognisable name for anything the suite creates, so a person can tell it apart and clean up:
   * unique per call (`cc-conformance-<run id>-<label>-<n>`), so no two requests share a name by accident.
   */
  name(label: string): string {
    this.names += 1;
    return `${this.namePrefix}${label}-${this.names}`;
  }

  /** What every name of this run starts with. */
  get namePrefix(): string {
    return `${NAME_PREFIX}${this.runId}-`;
  }

  /** The same body with every run name in it replaced by a fresh one (see isolatedSenders). */
  private withFreshNames(body: unknown, fresh = new Map<string, string>()): unknown {
    if (typeof body === "string") {
      if (!body.startsWith(this.namePrefix)) return body;
      if (!fresh.has(body)) fresh.set(body, this.name(body.slice(this.namePrefix.length).replace(/-\d+$/, "")));
      return fresh.get(body);
    }
    if (Array.isArray(body)) return body.map((item) => this.withFreshNames(item, fresh));
    if (body && typeof body === "object") return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, this.withFreshNames(v, fresh)]));
    return body;
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
    for (const [k, v] of Object.entries(request.query ?? {})) for (const value of [v].flat()) url.searchParams.append(k, value);
    const headers: Record<string, string> = { accept: "application/json" };
    const auth = request.auth ?? "primary";
    Object.assign(headers, typeof auth === "object" ? auth.headers : credentialHeaders(this.api, this.keyFor(auth)));
    let body: string | undefined;
    if (request.rawBody !== undefined) body = request.rawBody;
    else if (request.body !== undefined) body = JSON.stringify(this.isolatedSenders.has(request.sentBy) && !request.keepNames ? this.withFreshNames(request.body) : request.body);
    if (body !== undefined) headers["content-type"] = request.contentType ?? "application/json";
    const received = await this.transport.send({ method: request.method ?? operation.method.toUpperCase(), url, headers, body }, request.sentBy, request.retryOn429 ?? true);
    return { status: received.status, json: parseJson(received.text), text: received.text, headers: received.headers, exchange: received.exchange };
  }

  keyFor(key: KeyChoice): string | undefined {
    if (key === "none") return undefined;
    return key === "primary" ? this.options.primaryKey : this.options.secondaryKey;
  }

  /**
   * Whether the contract marks what a finding relies on as this project's inference, from the most
   * specific marking that applies: the schema property at `instancePath` of the response's body
   * (walked down from the schema), the schema, the response, then the operation.
   */
  basisOf(operation: OperationSpec | undefined, status?: string | number, instancePath?: string): ContractBasis {
    if (!operation) return "documented";
    const schemaPointer = status === undefined ? undefined : operation.responses[String(status)]?.schemaPointer;
    const marked = schemaPointer === undefined ? undefined : markedBasis(this.spec, schemaPointer, instancePath ?? "");
    if (marked) return marked;
    const raw = status === undefined ? undefined : (operation.operation.responses?.[String(status)] as Record<string, unknown> | undefined);
    const response = raw?.$ref ? resolveLocal(this.spec, String(raw.$ref)) : raw;
    const source = (node: Record<string, unknown> | undefined) => (typeof node?.["x-contract-source"] === "string" ? String(node["x-contract-source"]) : undefined);
    const specific = source(response) ?? source(operation.operation);
    return specific?.startsWith("inferred") ? "inferred" : "documented";
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
      // Redacted before it is cut: a secret cut in half would no longer be recognised.
      received: truncate(this.redactor.redact(input.received), 2_000),
      source: input.source,
      exchange,
      curl: exchange ? curlFor(exchange, this.credentialVariables) : undefined,
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
        body: truncate(r(exchange.response.body), 4_000),
      },
    };
  }

  progress(line: string): void {
    this.options.onProgress(printable(this.redactor.redact(line)));
  }
}

/** The environment variable the CLI reads the primary key from (and curl lines refer to). */
export function envNameFor(api: ApiName): string {
  return `CC_${api.toUpperCase()}_KEY`;
}

/** How a --header value appears in reports, and the variable its curl line reads it from. */
function headerPlaceholder(name: string): string {
  return `<header ${name}>`;
}

export function headerEnvName(name: string): string {
  return `CC_HEADER_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The string values at the top of a JSON body (where a write names what it changes: W4's connectorID). */
function topLevelStrings(body: string | undefined): string[] {
  if (body === undefined) return [];
  try {
    const parsed = JSON.parse(body) as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return [];
    return Object.values(parsed).filter((v): v is string => typeof v === "string");
  } catch {
    return [];
  }
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
