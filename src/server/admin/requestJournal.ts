import type { IncomingHttpHeaders } from "node:http";
import type { Request, Response } from "express";
import type { OpenApiDocument } from "../../contracts/loadSpec.js";
import { secretFields } from "../../contracts/secretFields.js";
import { credentialHeaderNames } from "../http/authentication.js";

/** A body larger than this is not kept (its size is): the journal must not hold megabytes per request. */
export const JOURNAL_BODY_LIMIT_BYTES = 16 * 1024;
const REDACTED = "[redacted]";

/** One request and its answer, as GET /__admin/requests lists it (secrets already replaced). */
export type JournalEntry = {
  id: string;
  at: string;
  api: string;
  operationId: string | null;
  method: string;
  url: string;
  status: number;
  durationMs: number;
  request: { headers: Record<string, string>; body: unknown };
  response: { body: unknown };
};

/** What a request leaves behind while the journal keeps it: references, not copies; redacted when listed. */
type Tracked = {
  id: string;
  at: number;
  started: number;
  api: string;
  operationId: string | null;
  method: string;
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  requestBody: unknown;
  requestBytes: number;
  responseBody: Buffer | string | undefined;
};

type Redaction = { credentialHeaders: ReadonlySet<string>; secretPaths: ReadonlyMap<string, string[][]> };

/**
 * The request journal of /__admin/requests (in the manner of WireMock's): the last `capacity`
 * API requests with their answers, in a ring buffer. The request path's one entry is `track`:
 * it keeps references to what the request already holds (headers, parsed body, the answer's
 * bytes when small) and does the redaction only when someone lists the journal. Credential
 * headers, every `x-secret` field of the contracts (src/contracts/secretFields.ts) and any value
 * of those that the answer echoes are replaced by "[redacted]".
 */
export class RequestJournal {
  private readonly entries: Array<Tracked | undefined>;
  private next = 0;
  private readonly redactions = new Map<string, Redaction>();

  constructor(
    readonly capacity: number,
    specs: ReadonlyArray<readonly [string, OpenApiDocument]>,
  ) {
    this.entries = new Array(capacity);
    for (const [api, spec] of specs) {
      const secretPaths = new Map<string, string[][]>();
      for (const field of secretFields(spec)) secretPaths.set(field.operationId, [...(secretPaths.get(field.operationId) ?? []), field.path]);
      this.redactions.set(api, { credentialHeaders: new Set(["authorization", "cookie", "proxy-authorization", "x-api-key", ...credentialHeaderNames(spec)]), secretPaths });
    }
  }

  /** Called by the API entrance for each API request: the entry is written when the answer is finished. */
  track(req: Request, res: Response, api: string): void {
    if (this.capacity === 0) return;
    const tracked: Tracked = {
      id: String(res.getHeader("x-request-id") ?? ""),
      at: Date.now(),
      started: performance.now(),
      api,
      operationId: null,
      method: req.method,
      url: req.originalUrl,
      status: 0,
      headers: req.headers,
      requestBody: undefined,
      requestBytes: Number(req.headers["content-length"] ?? 0),
      responseBody: undefined,
    };
    const end = res.end;
    // The answer's bytes, kept by reference when small: res.json and the cached answers both end with one chunk.
    res.end = function keepAnswer(this: Response, chunk?: unknown, ...rest: unknown[]) {
      if (typeof chunk === "string" || Buffer.isBuffer(chunk)) tracked.responseBody = chunk.length <= JOURNAL_BODY_LIMIT_BYTES ? chunk : `[${chunk.length} bytes, not kept]`;
      return (end as (...args: unknown[]) => Response).call(this, chunk, ...rest);
    } as Response["end"];
    res.once("finish", () => {
      tracked.status = res.statusCode;
      tracked.operationId = (res.locals.operationId as string | undefined) ?? null;
      tracked.requestBody = tracked.requestBytes <= JOURNAL_BODY_LIMIT_BYTES ? req.body : undefined;
      tracked.started = performance.now() - tracked.started;
      this.entries[this.next] = tracked;
      this.next = (this.next + 1) % this.capacity;
    });
  }

  /** Newest first, filtered by API and operation, at most `limit`. */
  list(filter: { api?: string; operation?: string; limit?: number } = {}): JournalEntry[] {
    const found: JournalEntry[] = [];
    for (let i = 1; i <= this.capacity && found.length < (filter.limit ?? this.capacity); i++) {
      const tracked = this.entries[(this.next - i + this.capacity) % this.capacity];
      if (!tracked) break;
      if (filter.api !== undefined && tracked.api !== filter.api) continue;
      if (filter.operation !== undefined && tracked.operationId !== filter.operation) continue;
      found.push(this.redacted(tracked));
    }
    return found;
  }

  clear(): void {
    this.entries.fill(undefined);
    this.next = 0;
  }

  private redacted(tracked: Tracked): JournalEntry {
    const redaction = this.redactions.get(tracked.api);
    const secrets: string[] = [];
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(tracked.headers)) {
      const text = Array.isArray(value) ? value.join(", ") : String(value ?? "");
      if (redaction?.credentialHeaders.has(name)) {
        secrets.push(...text.split(/\s+/).filter((part) => part.length >= 8));
        headers[name] = REDACTED;
      } else headers[name] = text;
    }
    let requestBody: unknown = tracked.requestBytes > JOURNAL_BODY_LIMIT_BYTES ? `[${tracked.requestBytes} bytes, not kept]` : tracked.requestBody;
    if (requestBody !== undefined && typeof requestBody === "object") {
      requestBody = structuredClone(requestBody);
      for (const path of redaction?.secretPaths.get(tracked.operationId ?? "") ?? []) redactAt(requestBody, path, secrets);
    }
    return {
      id: tracked.id,
      at: new Date(tracked.at).toISOString(),
      api: tracked.api,
      operationId: tracked.operationId,
      method: tracked.method,
      url: scrub(redactQuery(tracked.url), secrets),
      status: tracked.status,
      durationMs: Math.round(tracked.started),
      request: { headers, body: requestBody ?? null },
      response: { body: responseBody(tracked.responseBody, secrets) },
    };
  }
}

/** Replaces the value(s) at a secretFields path (`*` every key of a map, `[]` every item) and remembers them. */
function redactAt(node: unknown, path: readonly string[], secrets: string[]): void {
  if (node === null || typeof node !== "object") return;
  const [head, ...rest] = path;
  if (head === undefined) return;
  const holder = node as Record<string, unknown>;
  const keys = head === "*" || head === "[]" ? Object.keys(holder) : Object.hasOwn(holder, head) ? [head] : [];
  for (const key of keys) {
    if (rest.length > 0) redactAt(holder[key], rest, secrets);
    else {
      collectStrings(holder[key], secrets);
      holder[key] = REDACTED;
    }
  }
}

function collectStrings(value: unknown, into: string[]) {
  if (typeof value === "string") {
    if (value.length >= 4) into.push(value);
  } else if (value && typeof value === "object") for (const inner of Object.values(value)) collectStrings(inner, into);
}

/** Query parameters that carry credentials by their name (api_key=, token=…). */
function redactQuery(url: string): string {
  return url.replace(/([?&][^=&]*(?:key|token|secret|password|auth)[^=&]*=)[^&]*/gi, `$1${REDACTED}`);
}

function scrub(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) scrubbed = scrubbed.split(secret).join(REDACTED);
  return scrubbed;
}

function responseBody(body: Buffer | string | undefined, secrets: readonly string[]): unknown {
  if (body === undefined || body.length === 0) return null;
  const text = scrub(typeof body === "string" ? body : body.toString("utf8"), secrets);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
