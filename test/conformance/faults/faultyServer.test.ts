import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultyServer, type FaultyServer } from "./faultyServer.js";
import { answer, jsonOf, rewriteAnswer, route, withJson } from "./faultTools.js";

type Seen = { method: string; url: string; rawHeaders: string[]; body: string };

/** Raw exchanges over a socket, so header case, order and framing are what went over the wire. */
function rawRequest(url: string, options: { method: string; path: string; headers: Array<[string, string]>; body?: string }) {
  return new Promise<{ status: number; rawHeaders: string[]; body: string }>((resolve, reject) => {
    const target = new URL(url);
    // Headers given as a flat array go out exactly so, and without the Host Node would add itself.
    const headers = [["Host", target.host], ...options.headers].flat();
    const req = http.request({ host: target.hostname, port: target.port, method: options.method, path: options.path, headers, agent: false }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString("latin1")));
      res.on("end", () => resolve({ status: res.statusCode!, rawHeaders: res.rawHeaders, body }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

const HOP_BY_HOP = /^(connection|keep-alive|date)$/i;
const endToEnd = (raw: string[]) => raw.flatMap((v, i) => (i % 2 === 0 && !HOP_BY_HOP.test(v) ? [[v, raw[i + 1]]] : []));

describe("the faulty proxy", () => {
  let upstream: http.Server;
  let upstreamUrl: string;
  let proxy: FaultyServer;
  const seen: Seen[] = [];

  beforeAll(async () => {
    // An upstream that records each request and answers with odd but legal framing: mixed-case headers, chunked or sized bodies.
    upstream = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("latin1")));
      req.on("end", () => {
        seen.push({ method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, body });
        if (req.url === "/chunked") {
          res.writeHead(200, ["X-Mixed-Case", "Yes", "Content-Type", "application/json", "Transfer-Encoding", "chunked"]);
          res.write('{"a":');
          res.end('"\u00e9"}');
          return;
        }
        if (req.url === "/empty") return void res.writeHead(204, ["X-Trace", "1"]).end();
        const text = JSON.stringify({ echoed: body });
        res.writeHead(201, ["Content-Type", "application/json; charset=utf-8", "Set-Cookie", "a=1", "Set-Cookie", "b=2", "Content-Length", String(Buffer.byteLength(text))]);
        res.end(text);
      });
    });
    upstream.listen(0, "127.0.0.1");
    await new Promise((r) => upstream.once("listening", r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    proxy = await startFaultyServer({ url: upstreamUrl, apiUrls: { demo: `${upstreamUrl}/demo` } });
  });
  afterAll(async () => {
    await proxy?.close();
    await new Promise((r) => upstream?.close(r));
  });

  it("forwards method, path, query, headers (case and order) and body unchanged", async () => {
    const body = '{"v":"\u00e9\\n"}';
    const headers: Array<[string, string]> = [["X-API-Key", "k1"], ["content-type", "application/json"], ["X-Dup", "1"], ["X-Dup", "2"], ["Content-Length", String(Buffer.byteLength(body))]];
    await rawRequest(proxy.url, { method: "PATCH", path: "/demo/a%2Fb?x=1&x=2&y=%20", headers, body });
    const got = seen.at(-1)!;
    expect(got.method).toBe("PATCH");
    expect(got.url).toBe("/demo/a%2Fb?x=1&x=2&y=%20");
    expect(got.body).toBe('{"v":"\u00c3\u00a9\\n"}'); // the UTF-8 bytes of é, read as latin1
    expect(endToEnd(got.rawHeaders).filter(([n]) => !/^host$/i.test(n!))).toEqual(headers);
  });

  it("answers status, headers (repeated ones too) and body as the server sent them, whatever the framing", async () => {
    for (const path of ["/sized", "/chunked", "/empty"]) {
      const direct = await rawRequest(upstreamUrl, { method: "GET", path, headers: [] });
      const proxied = await rawRequest(proxy.url, { method: "GET", path, headers: [] });
      expect(proxied.status, path).toBe(direct.status);
      expect(proxied.body, path).toBe(direct.body);
      expect(endToEnd(proxied.rawHeaders), path).toEqual(endToEnd(direct.rawHeaders));
    }
  });

  it("applies the fault in place, with a truthful Content-Length, and is transparent again once it is removed", async () => {
    proxy.use(rewriteAnswer(route("POST", /\/demo$/), (got) => withJson({ ...got, status: 200 }, { ...jsonOf<object>(got), planted: "a longer body than before" })));
    const faulty = await fetch(`${proxy.url}/demo`, { method: "POST", body: "x" });
    expect(faulty.status).toBe(200);
    expect(await faulty.json()).toEqual({ echoed: "x", planted: "a longer body than before" });
    proxy.use((request) => Promise.resolve(answer(429, { error: request.url })));
    expect(await (await fetch(`${proxy.apiUrl("demo")}/x?y=1`)).json()).toEqual({ error: "/demo/x?y=1" });
    proxy.use(undefined);
    expect((await fetch(`${proxy.url}/demo`, { method: "POST", body: "x" })).status).toBe(201);
  });
});
