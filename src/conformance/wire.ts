import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";

/** One request as it goes on the wire: header names in lower case, the body as the bytes of a string. */
export type WireRequest = { method: string; url: URL; headers: Record<string, string>; body?: string; timeoutMs: number; signal?: AbortSignal };

/** Its answer, read whole: header names in lower case, repeated headers joined with ", " (as fetch's Headers do). */
export type WireResponse = { status: number; headers: Record<string, string>; body: string };

/** Sends requests of one run; close() lets go of its connections. */
export type Wire = { send(request: WireRequest): Promise<WireResponse>; close(): void };

/**
 * An idle connection is dropped before the server would drop it: after 4 s (Node's servers keep
 * one 5 s), or a second before the server's own `Keep-Alive: timeout=` hint, which Node's agent
 * only heeds when it has a timeout of its own. A request written on a connection the server is
 * closing at that moment fails with ECONNRESET, and the flows idle for seconds between polls.
 */
const KEEP_ALIVE = { keepAlive: true, timeout: 4_000 };

/** Every answer is kept in memory for the report: an endless or enormous one ends the request instead. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * What fetch would have added (a gateway may refuse a request with no User-Agent); like fetch's,
 * they are not part of the recorded request.
 */
const FETCH_DEFAULTS: Readonly<Record<string, string>> = { accept: "*/*", "user-agent": "connector-contracts", "accept-encoding": "gzip, deflate" };

/**
 * Node's own HTTP client over kept-alive connections. A run sends thousands of small requests and
 * fetch costs several times as much client CPU per request (a Request, a Response, their streams and
 * abort signals each time), so against a fast server the suite measured its own client. Nothing
 * is followed (a redirect is an answer to judge), and a compressed body is decoded, as fetch
 * would have.
 */
export function nodeWire(maxAnswerBytes = MAX_ANSWER_BYTES): Wire {
  const agents = { "http:": new HttpAgent(KEEP_ALIVE), "https:": new HttpsAgent(KEEP_ALIVE) };
  return {
    send: (request) =>
      new Promise<WireResponse>((resolve, reject) => {
        const secure = request.url.protocol === "https:";
        const headers: Record<string, string> = { ...FETCH_DEFAULTS, ...request.headers };
        if (request.body !== undefined) headers["content-length"] = String(Buffer.byteLength(request.body));
        let settled = false;
        const fail = (error: Error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(error);
        };
        const sent = (secure ? httpsRequest : httpRequest)(request.url, { method: request.method, headers, agent: secure ? agents["https:"] : agents["http:"], signal: request.signal });
        // Settled with the reason first: the destroyed socket's own error ("aborted") must not win.
        const abandon = (error: Error) => {
          fail(error);
          sent.destroy();
        };
        const timer = setTimeout(() => abandon(Object.assign(new Error(`no complete answer within ${request.timeoutMs} ms`), { name: "TimeoutError" })), request.timeoutMs);
        sent.on("error", fail);
        sent.on("response", (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          response.on("data", (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes > maxAnswerBytes) abandon(new Error(`the answer is larger than ${maxAnswerBytes} bytes: not read further`));
            else chunks.push(chunk);
          });
          response.on("error", fail);
          response.on("end", () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({
              status: response.statusCode ?? 0,
              headers: joinedHeaders(response.rawHeaders),
              body: decodeBody(Buffer.concat(chunks), response.headers["content-encoding"], maxAnswerBytes),
            });
          });
        });
        sent.end(request.body);
      }),
    close: () => {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  };
}

/** The caller's fetch when there is one, Node's client otherwise. */
export function wireFor(fetchFn: typeof fetch | undefined): Wire {
  return fetchFn ? fetchWire(fetchFn) : nodeWire();
}

/** A fetch the caller gave (a library user's, or a test's that plants faults) as the wire. */
export function fetchWire(fetchFn: typeof fetch): Wire {
  return {
    async send(request) {
      const timeout = AbortSignal.timeout(request.timeoutMs);
      const response = await fetchFn(request.url.href, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: request.signal ? AbortSignal.any([timeout, request.signal]) : timeout,
        redirect: "manual",
      });
      const body = await response.text();
      return { status: response.status, headers: Object.fromEntries(response.headers), body };
    },
    close: () => undefined,
  };
}

function joinedHeaders(raw: readonly string[]): Record<string, string> {
  const joined = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const before = joined.get(name);
    joined.set(name, before === undefined ? raw[i + 1]! : `${before}, ${raw[i + 1]!}`);
  }
  // Sorted by name, as fetch's Headers iterate: reports print the same headers in the same order either way.
  return Object.fromEntries([...joined].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const UTF8 = new TextDecoder();

function decodeBody(bytes: Buffer, encoding: string | undefined, maxBytes: number): string {
  const coding = encoding?.trim().toLowerCase();
  const limit = { maxOutputLength: maxBytes };
  let plain = bytes;
  try {
    if (coding === "gzip" || coding === "x-gzip") plain = gunzipSync(bytes, limit);
    else if (coding === "deflate") plain = inflateSync(bytes, limit);
    else if (coding === "br") plain = brotliDecompressSync(bytes, limit);
  } catch {
    // Not what the header says, or it unpacks past the limit: judged as the bytes that came.
  }
  // TextDecoder, not Buffer.toString: it drops a byte-order mark as fetch's text() does.
  return UTF8.decode(plain);
}
