import { gzipSync } from "node:zlib";
import type { ApiName } from "../../../src/contracts/apiNames.js";
import type { RawRequest } from "./rawHttp.js";

/** One request of the fuzzer before it is put on the wire; the mutations edit this. */
export type DraftRequest = {
  api: ApiName;
  operationId: string;
  method: string;
  /** The contract's path, e.g. `/tool-packs/{id}/`. */
  pathTemplate: string;
  /** Path parameter values, already percent-encoded (a mutation may put raw garbage here). */
  pathValues: Record<string, string>;
  /** Extra path text appended verbatim (garbage for an operation without path parameters). */
  pathSuffix: string;
  /** `name=value` pairs, already percent-encoded, joined with `&`. */
  query: string[];
  headers: Array<[string, string]>;
  body: DraftBody;
};

type DraftBody =
  | { kind: "none" }
  | { kind: "json"; value: unknown }
  /** Bytes as sent, with a short label for the report (the bytes may be invalid UTF-8 or huge). */
  | { kind: "bytes"; bytes: Buffer; label: string };

/** Percent-encodes every byte of the UTF-8 form except RFC 3986's unreserved characters (lone surrogates become U+FFFD). */
export function percentEncode(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

export function bodyBytes(body: DraftBody): Buffer | undefined {
  if (body.kind === "none") return undefined;
  if (body.kind === "bytes") return body.bytes;
  return Buffer.from(JSON.stringify(body.value) ?? "null", "utf8");
}

/** The wire form of a draft, under the API's mount path (`/vern`). */
export function toRawRequest(mountPath: string, draft: DraftRequest): RawRequest {
  const path = draft.pathTemplate.replace(/\{([^}]+)\}/g, (_, name: string) => draft.pathValues[name] ?? "");
  const query = draft.query.length > 0 ? `?${draft.query.join("&")}` : "";
  return { method: draft.method, path: `${mountPath}${path}${draft.pathSuffix}${query}`, headers: draft.headers, body: bodyBytes(draft.body) };
}

/** A short, replayable description of a request for a failure message (credentials redacted, bodies cut). */
export function describeDraft(mountPath: string, draft: DraftRequest): string {
  const raw = toRawRequest(mountPath, draft);
  const headers = raw.headers.map(([n, v]) => `-H '${n}: ${/authorization|x-api-key/i.test(n) && v.length > 12 ? `${v.slice(0, 12)}…` : v.slice(0, 120)}'`).join(" ");
  let body = "";
  if (draft.body.kind === "json") body = ` --data '${truncate(JSON.stringify(draft.body.value) ?? "", 400)}'`;
  if (draft.body.kind === "bytes") body = ` --data-binary <${draft.body.label}: ${draft.body.bytes.length} bytes, hex ${truncate(draft.body.bytes.toString("hex"), 200)}>`;
  return `${draft.operationId}: curl -X ${raw.method} '${truncate(raw.path, 300)}' ${headers}${body}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

export function gzipJson(value: unknown): Buffer {
  return gzipSync(Buffer.from(JSON.stringify(value) ?? "null"));
}
