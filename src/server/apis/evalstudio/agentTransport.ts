import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import type { AgentDestination } from "./agentDestination.js";

export type PostResult =
  | { kind: "answered"; status: number; statusText: string; text: string }
  | { kind: "unreachable" }
  | { kind: "tooLarge" }
  | { kind: "redirect"; status: number }
  | { kind: "unsendableHeaders" };

export type PostLimits = { timeoutMs: number; maxResponseBytes: number };

// Framing and routing are the transport's: a connector header must not set the length, the
// encoding or the Host a proxy routes by, nor the content type the agent server parses.
const TRANSPORT_HEADERS = new Set([
  "host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "expect",
  "content-type", "accept", "accept-encoding", "proxy-authorization", "proxy-connection",
]);

/**
 * POSTs JSON to `path` on a checked destination and reads the answer as a stream: connects only to
 * the addresses that were checked (the lookup is pinned), follows no redirect, stops reading past
 * `maxResponseBytes` and gives up after `timeoutMs` in all (connect, headers and body). Node's own
 * http client, not fetch: fetch buffers nothing less than the whole body for `text()` and takes
 * no pinned lookup without undici's own Agent, which the project does not depend on.
 */
export function postJson(destination: AgentDestination, path: string, headers: Record<string, string>, body: string, limits: PostLimits): Promise<PostResult> {
  return new Promise((resolve) => {
    const { url, addresses } = destination;
    const pinned = ((_host, options, callback) =>
      options.all ? callback(null, [...addresses]) : callback(null, addresses[0].address, addresses[0].family)) as LookupFunction;
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const sent = Object.fromEntries(Object.entries(headers).filter(([name]) => !TRANSPORT_HEADERS.has(name.toLowerCase())));
    let request: ReturnType<typeof httpRequest>;
    try {
      request = send(new URL(path, url), {
        method: "POST",
        agent: false,
        lookup: pinned,
        headers: { ...sent, "content-type": "application/json", accept: "application/json", "accept-encoding": "identity", "content-length": String(Buffer.byteLength(body)) },
      });
    } catch {
      // Node refuses a header name or value that is not valid HTTP before it connects.
      resolve({ kind: "unsendableHeaders" });
      return;
    }
    let done = false;
    const finish = (result: PostResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ kind: "unreachable" }), limits.timeoutMs);
    request.on("error", () => finish({ kind: "unreachable" }));
    request.on("response", (response: IncomingMessage) => readAnswer(response, limits.maxResponseBytes, finish));
    request.end(body);
  });
}

function readAnswer(response: IncomingMessage, maxBytes: number, finish: (result: PostResult) => void) {
  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400) return finish({ kind: "redirect", status });
  if (Number(response.headers["content-length"]) > maxBytes) return finish({ kind: "tooLarge" });
  const chunks: Buffer[] = [];
  let size = 0;
  response.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) return finish({ kind: "tooLarge" });
    chunks.push(chunk);
  });
  response.on("end", () => finish({ kind: "answered", status, statusText: response.statusMessage ?? "", text: Buffer.concat(chunks).toString("utf8") }));
  response.on("error", () => finish({ kind: "unreachable" }));
  response.on("close", () => finish({ kind: "unreachable" }));
}
