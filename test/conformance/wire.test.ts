import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchWire, nodeWire, type WireRequest } from "../../src/conformance/wire.js";

/**
 * The suite's HTTP client (Node's, not fetch) against a server that answers the way real
 * deployments and gateways do and the reference server never does: compressed bodies, a byte-order
 * mark, text split inside a character, repeated headers, redirects, silence, an endless body.
 * Each answer must read as fetch reads it; what fetch would not survive must end the request.
 */
describe("the suite's wire (Node's HTTP client)", () => {
  let server: Server;
  let origin: string;
  const seen: IncomingMessage[] = [];
  const answers: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    "/gzip": (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(gzipSync(JSON.stringify({ name: "compressed ✓" })));
    },
    "/br": (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "br" });
      res.end(brotliCompressSync(JSON.stringify({ name: "brotli ✓" })));
    },
    "/bom": (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"ok":true}')]));
    },
    "/split": (_req, res) => {
      // 🎉 is four bytes: the first two in one chunk, the rest in the next.
      const bytes = Buffer.from('{"party":"🎉"}');
      const cut = bytes.indexOf(0xf0) + 2;
      res.writeHead(200, { "content-type": "application/json" });
      res.write(bytes.subarray(0, cut));
      setImmediate(() => res.end(bytes.subarray(cut)));
    },
    "/repeated": (_req, res) => {
      res.setHeader("x-tag", ["a", "b"]);
      res.setHeader("Vary", "Origin");
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
    },
    "/redirect": (_req, res) => {
      res.writeHead(302, { location: "/elsewhere" });
      res.end();
    },
    "/silent": () => undefined,
    "/late": (_req, res) => {
      setTimeout(() => res.end("late"), 4_500);
    },
    "/endless": (_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    },
    "/echo": (req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        res.writeHead(201, { "content-type": "application/json" });
        res.end(JSON.stringify({ method: req.method, body }));
      });
    },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      answers[new URL(req.url!, "http://x").pathname]!(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const request = (path: string, extra: Partial<WireRequest> = {}): WireRequest => ({ method: "GET", url: new URL(path, origin), headers: {}, timeoutMs: 5_000, ...extra });

  it("reads every answer as fetch reads it: decoded, without a byte-order mark, whole characters, repeated headers joined", async () => {
    const node = nodeWire();
    const viaFetch = fetchWire(globalThis.fetch);
    try {
      for (const path of ["/gzip", "/br", "/bom", "/split", "/repeated", "/redirect"]) {
        const [ours, theirs] = [await node.send(request(path)), await viaFetch.send(request(path))];
        const { date: _a, "keep-alive": _b, connection: _c, ...oursHeaders } = ours.headers;
        const { date: _d, "keep-alive": _e, connection: _f, ...theirHeaders } = theirs.headers;
        expect({ status: ours.status, body: ours.body, headers: oursHeaders }, path).toEqual({ status: theirs.status, body: theirs.body, headers: theirHeaders });
      }
      expect(JSON.parse((await node.send(request("/gzip"))).body)).toEqual({ name: "compressed ✓" });
      expect(JSON.parse((await node.send(request("/split"))).body)).toEqual({ party: "🎉" });
      expect((await node.send(request("/repeated"))).headers["x-tag"]).toBe("a, b");
      const redirect = await node.send(request("/redirect"));
      expect([redirect.status, redirect.headers.location]).toEqual([302, "/elsewhere"]);
    } finally {
      node.close();
    }
  });

  it("sends the body with its length and says who it is, as fetch would", async () => {
    const node = nodeWire();
    try {
      const body = JSON.stringify({ name: "naïve 🎉" });
      const answer = await node.send(request("/echo", { method: "POST", headers: { "content-type": "application/json" }, body }));
      expect(JSON.parse(answer.body)).toEqual({ method: "POST", body });
      const received = seen.at(-1)!;
      expect(received.headers["content-length"]).toBe(String(Buffer.byteLength(body)));
      expect(received.headers["user-agent"]).toBe("connector-contracts");
      expect(received.headers["transfer-encoding"]).toBeUndefined();
    } finally {
      node.close();
    }
  });

  it("gives up on a server that never answers, with a timeout error", async () => {
    const node = nodeWire();
    try {
      await expect(node.send(request("/silent", { timeoutMs: 300 }))).rejects.toMatchObject({ name: "TimeoutError", message: "no complete answer within 300 ms" });
    } finally {
      node.close();
    }
  });

  it("stops reading an answer larger than its limit instead of holding it all", async () => {
    const node = nodeWire(1024 * 1024);
    try {
      await expect(node.send(request("/endless"))).rejects.toThrow("the answer is larger than 1048576 bytes: not read further");
    } finally {
      node.close();
    }
  });

  it("drops an idle connection a second before the server's Keep-Alive hint, instead of writing on one the server is closing", async () => {
    const connections: string[] = [];
    const hinting = createServer((req, res) => {
      connections.push(`${req.socket.remotePort}`);
      res.writeHead(200, { "content-type": "text/plain", "keep-alive": "timeout=2" });
      res.end("ok");
    });
    hinting.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => hinting.listen(0, "127.0.0.1", resolve));
    const node = nodeWire();
    try {
      const url = new URL(`http://127.0.0.1:${(hinting.address() as AddressInfo).port}/`);
      await node.send({ method: "GET", url, headers: {}, timeoutMs: 5_000 });
      await node.send({ method: "GET", url, headers: {}, timeoutMs: 5_000 });
      // Past the hint less a second (1 s): the kept connection is gone, whatever the machine's load (the earlier timer fires first).
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await node.send({ method: "GET", url, headers: {}, timeoutMs: 5_000 });
      expect(connections[1]).toBe(connections[0]);
      expect(connections[2]).not.toBe(connections[1]);
    } finally {
      node.close();
      hinting.closeAllConnections();
      await new Promise((resolve) => hinting.close(resolve));
    }
  });

  it("waits for a slow answer longer than a connection may idle (the idle limit is for connections no request is using)", async () => {
    const node = nodeWire();
    try {
      expect((await node.send(request("/late", { timeoutMs: 10_000 }))).body).toBe("late");
    } finally {
      node.close();
    }
  });

  it("stops at once when the run is interrupted", async () => {
    const node = nodeWire();
    const controller = new AbortController();
    try {
      const pending = node.send(request("/silent", { signal: controller.signal }));
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    } finally {
      node.close();
    }
  });
});
