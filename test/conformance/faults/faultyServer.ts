import { once } from "node:events";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real HTTP server in front of the reference server that breaks one property at a time
 * (STYLE.md §10, Schemathesis's catalogue of broken apps). Without a fault it is transparent:
 * method, path, headers (names, case and order) and body go through byte for byte, both ways;
 * only hop-by-hop headers are the proxy's own (RFC 9110 §7.6.1).
 */

/** Headers as they travel: [name, value] pairs, case and order kept. */
export type RawHeaders = Array<[string, string]>;

export type ProxiedRequest = { method: string; /** Path and query, as sent. */ url: string; headers: RawHeaders; body: Buffer };
export type ProxiedResponse = { status: number; headers: RawHeaders; body: Buffer };

/** Sends a request on to the reference server (a fault may call it never, once or several times). */
export type Forward = (request: ProxiedRequest) => Promise<ProxiedResponse>;

/** One fault: may rewrite the request before forwarding, the answer after, or answer by itself. */
export type Fault = (request: ProxiedRequest, forward: Forward) => Promise<ProxiedResponse>;

export type FaultyServer = {
  /** http://127.0.0.1:port of the proxy. */
  url: string;
  /** The base URL of an API through the proxy (the reference server's mount path). */
  apiUrl: (api: string) => string;
  /** Puts a fault in place (undefined: transparent) for the requests that follow. */
  use: (fault: Fault | undefined) => void;
  close: () => Promise<void>;
};

/** RFC 9110 §7.6.1: these describe one connection, not the message; each hop sets its own. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"]);

export async function startFaultyServer(reference: { url: string; apiUrls: Record<string, string> }): Promise<FaultyServer> {
  const target = new URL(reference.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  let fault: Fault | undefined;

  const forward: Forward = (request) =>
    new Promise((resolve, reject) => {
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: withLength(request.headers, request.body).flat(), agent },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => chunks.push(chunk));
          answer.on("end", () => resolve({ status: answer.statusCode ?? 502, headers: pairs(answer.rawHeaders), body: Buffer.concat(chunks) }));
          answer.on("error", reject);
        },
      );
      upstream.on("error", reject);
      upstream.end(request.body.length > 0 ? request.body : undefined);
    });

  const server = http.createServer(async function proxy(req: IncomingMessage, res: ServerResponse) {
    try {
      const request: ProxiedRequest = { method: req.method ?? "GET", url: req.url ?? "/", headers: pairs(req.rawHeaders), body: await readBody(req) };
      const active = fault;
      const answer = active ? await active(request, forward) : await forward(request);
      res.writeHead(answer.status, withLength(answer.headers, answer.body).flat());
      res.end(answer.body);
    } catch (error) {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`faulty proxy: ${(error as Error).message}`);
    }
  });
  server.keepAliveTimeout = 5_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiUrl: (api) => {
      const base = reference.apiUrls[api];
      if (!base) throw new Error(`the reference server serves no ${api}`);
      return url + new URL(base).pathname.replace(/\/+$/, "");
    },
    use: (next) => void (fault = next),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      agent.destroy();
    },
  };
}

function pairs(raw: string[]): RawHeaders {
  const out: RawHeaders = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/**
 * A body a fault rewrote keeps a truthful Content-Length (an unchanged one is rewritten to itself).
 * Node takes the pairs flat, so repeated names stay repeated and a Transfer-Encoding is honoured.
 */
function withLength(headers: RawHeaders, body: Buffer): RawHeaders {
  return headers.map(([name, value]) => (name.toLowerCase() === "content-length" ? [name, String(body.length)] : [name, value]));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
