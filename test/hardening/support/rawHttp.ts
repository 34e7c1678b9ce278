import { Agent, request, type IncomingHttpHeaders } from "node:http";
import { connect, type Socket } from "node:net";

/**
 * One HTTP request exactly as a test wants it on the wire: the path already percent-encoded (or
 * deliberately not), headers as a list so a name may repeat, and the body as bytes (so it may be
 * invalid UTF-8). fetch can do none of these three.
 */
export type RawRequest = {
  method: string;
  /** Path and query, as sent: `/vern/migrations?x=%FF`. */
  path: string;
  headers: ReadonlyArray<readonly [string, string]>;
  body?: Buffer;
};

export type RawResponse = { status: number; headers: IncomingHttpHeaders; body: string; ms: number };

/** A keep-alive agent for a stream of requests (the fuzzers send thousands). */
export function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 16 });
}

/**
 * Sends a RawRequest with node:http. A header named twice is sent twice (two lines), and
 * Content-Length is the body's byte length unless the request sets its own. Rejects when no answer
 * comes within `timeoutMs` (a hang is a failure, not a slow pass).
 */
export async function sendRaw(baseUrl: string, raw: RawRequest, options: { agent?: Agent; timeoutMs?: number } = {}): Promise<RawResponse> {
  try {
    return await sendOnce(baseUrl, raw, options);
  } catch (error) {
    // A pooled socket the server closed as idle between two requests: Node's documented retry case.
    if ((error as { reusedSocket?: boolean }).reusedSocket && (error as NodeJS.ErrnoException).code === "ECONNRESET") {
      return sendOnce(baseUrl, raw, options);
    }
    throw error;
  }
}

function sendOnce(baseUrl: string, raw: RawRequest, options: { agent?: Agent; timeoutMs?: number }): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname,
      port: url.port,
      method: raw.method,
      path: raw.path,
      agent: options.agent ?? false,
      setHost: true,
    });
    const grouped = new Map<string, string[]>();
    for (const [name, value] of raw.headers) grouped.set(name, [...(grouped.get(name) ?? []), value]);
    for (const [name, values] of grouped) req.setHeader(name, values.length === 1 ? values[0]! : values);
    if (raw.body !== undefined && !grouped.has("content-length") && !grouped.has("transfer-encoding")) req.setHeader("content-length", raw.body.length);
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`)), options.timeoutMs ?? 10_000);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), ms: performance.now() - started });
      });
      res.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    req.on("error", (error) => {
      clearTimeout(timer);
      (error as { reusedSocket?: boolean }).reusedSocket = req.reusedSocket;
      reject(error);
    });
    req.end(raw.body);
  });
}

/** What came back on a raw socket, and when and how the server ended it. */
export type SocketOutcome = { received: string; closedAfterMs: number; closedBy: "server" | "timeout" };

/**
 * Opens a TCP connection, writes `bytes`, and then writes nothing more: a stalled client. Resolves
 * when the server closes the connection, or after `giveUpMs` (then the test closes it).
 */
export function stalledConnection(baseUrl: string, bytes: string | Buffer, giveUpMs: number): { opened: Promise<Socket>; outcome: Promise<SocketOutcome> } {
  const url = new URL(baseUrl);
  const socket = connect(Number(url.port), url.hostname);
  const opened = new Promise<Socket>((resolve, reject) => {
    socket.once("connect", () => {
      socket.write(bytes);
      resolve(socket);
    });
    socket.once("error", reject);
  });
  const outcome = new Promise<SocketOutcome>((resolve) => {
    const started = performance.now();
    let received = "";
    let done = false;
    const finish = (closedBy: SocketOutcome["closedBy"]) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ received, closedAfterMs: performance.now() - started, closedBy });
    };
    const timer = setTimeout(() => {
      finish("timeout");
      socket.destroy();
    }, giveUpMs);
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    socket.on("close", () => finish("server"));
    socket.on("error", () => undefined);
  });
  return { opened, outcome };
}

/** Sends raw bytes on a fresh connection and collects everything until the server closes it (or `timeoutMs`). */
export function rawExchange(baseUrl: string, bytes: string | Buffer, timeoutMs = 5_000): Promise<SocketOutcome> {
  const { outcome } = stalledConnection(baseUrl, bytes, timeoutMs);
  return outcome;
}

/** The status line's code of a raw HTTP answer (0 when there was none). */
export function statusOf(rawAnswer: string): number {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(rawAnswer);
  return match ? Number(match[1]) : 0;
}
