import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from "node:net";

/**
 * How the hostile agent server answers. An attacker who controls (or points a connector at) an
 * agent server uses it to read back what the reference server sends it, or to exhaust it.
 */
export type HostileBehaviour =
  /** 500 whose body carries every header it was sent, verbatim and encoded (error + rawResponse). */
  | { kind: "echoHeadersAsError" }
  /** 200 with a valid final state whose new message (and role) carry the headers, encoded. */
  | { kind: "echoHeadersAsMessage" }
  /** 200 and a body that never ends before `totalBytes` (far past any sane cap). */
  | { kind: "hugeBody"; totalBytes: number }
  /** 200, a first byte, then one byte now and then: the body is never finished. */
  | { kind: "slowBody" }
  /** Holds the request until the test calls `release()`, then answers a valid state. */
  | { kind: "holdUntilReleased" }
  /** 302 to another address. */
  | { kind: "redirect"; location: string };

export type HostileAgentServer = {
  url: string;
  port: number;
  /** Headers of every request received, in order. */
  received: IncomingHttpHeaders[];
  /** Requests being answered right now, and the most there ever were at once. */
  inFlight: () => number;
  maxInFlight: () => number;
  /** Bytes written to the last body before the reader went away. */
  bytesWritten: () => number;
  release: () => void;
  close: () => Promise<void>;
};

/** Every header value in the forms an echoing server might use to smuggle it past a filter. */
export function encodedEcho(headers: IncomingHttpHeaders): Record<string, string> {
  const text = JSON.stringify(headers);
  return {
    verbatim: text,
    base64: Buffer.from(text).toString("base64"),
    base64url: Buffer.from(text).toString("base64url"),
    hex: Buffer.from(text).toString("hex"),
    hexUpper: Buffer.from(text).toString("hex").toUpperCase(),
    urlEncoded: encodeURIComponent(text),
  };
}

export async function startHostileAgentServer(behaviour: () => HostileBehaviour): Promise<HostileAgentServer> {
  const received: IncomingHttpHeaders[] = [];
  const held: Array<() => void> = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;
  let bytesWritten = 0;
  const server = createServer((req, res) => {
    received.push(headersOf(req.rawHeaders));
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on("close", () => inFlight--);
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => answer(behaviour(), req.headers, body, res));
  });

  function answer(b: HostileBehaviour, headers: IncomingHttpHeaders, body: string, res: ServerResponse) {
    const sentMessages = (JSON.parse(body || "{}") as { input?: { messages?: unknown[] } }).input?.messages ?? [];
    const state = (content: string, role = "assistant") => JSON.stringify({ messages: [...sentMessages, { role, content }] });
    switch (b.kind) {
      case "echoHeadersAsError": {
        const echo = encodedEcho(headers);
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: `you sent ${echo.verbatim}`, echo }));
        return;
      }
      case "echoHeadersAsMessage": {
        const echo = encodedEcho(headers);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(state(Object.values(echo).join(" | "), echo.verbatim));
        return;
      }
      case "hugeBody": {
        res.writeHead(200, { "content-type": "application/json" });
        bytesWritten = 0;
        const chunk = Buffer.alloc(64 * 1024, " ");
        const pump = () => {
          while (bytesWritten < b.totalBytes && !res.destroyed) {
            bytesWritten += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          if (!res.destroyed) res.end();
        };
        pump();
        return;
      }
      case "slowBody": {
        res.writeHead(200, { "content-type": "application/json" });
        res.write(" ");
        const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(" ")), 100);
        res.on("close", () => clearInterval(drip));
        return;
      }
      case "holdUntilReleased":
        held.push(() => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(state("released"));
        });
        return;
      case "redirect":
        res.writeHead(302, { location: b.location });
        res.end();
        return;
    }
  }

  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    bytesWritten: () => bytesWritten,
    release: () => {
      for (const answerHeld of held.splice(0)) answerHeld();
    },
    close: () => closeServer(server, sockets),
  };
}

/**
 * A TCP port that is open but speaks no HTTP: it resets every connection (or, with "silent",
 * accepts and never says a word). An attacker probing ports compares its answer with a closed port's.
 */
export async function startNonHttpPort(mode: "reset" | "silent" | "banner") {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    if (mode === "reset") socket.resetAndDestroy();
    if (mode === "banner") socket.end("SSH-2.0-OpenSSH_9.2\r\n");
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, close: () => closeServer(server, sockets) };
}

/** The raw header lines as an object with own keys only, so a header named `__proto__` is read as sent. */
function headersOf(rawHeaders: string[]): IncomingHttpHeaders {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i]!.toLowerCase(), rawHeaders[i + 1]!]);
  return Object.fromEntries(pairs);
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return (server.address() as AddressInfo).port;
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  });
}
