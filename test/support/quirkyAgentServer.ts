import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** How the fake agent server answers `/threads/{id}/runs/wait`. */
export type AgentBehaviour =
  | { kind: "keepAliveThenState"; reply: string }
  | { kind: "langgraphError"; message: string }
  | { kind: "httpError"; status: number; body: string }
  | { kind: "notJson" }
  | { kind: "hang" };

/**
 * A real HTTP server that answers like a LangGraph server does at its edges (apis.md §4: keep-alive
 * whitespace before a 200 body, `{"__error__": …}` with 200, HTTP errors, silence), and records the
 * headers it was sent. The happy path is tested against the real LangGraph server instead.
 */
export async function startQuirkyAgentServer(behaviour: () => AgentBehaviour) {
  const received: IncomingHttpHeaders[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server: Server = createServer((req, res) => {
    received.push(req.headers);
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const input = JSON.parse(body || "{}") as { input?: { messages?: unknown[] } };
      const b = behaviour();
      switch (b.kind) {
        case "keepAliveThenState":
          res.writeHead(200, { "content-type": "application/json" });
          res.write("\n");
          setTimeout(() => {
            res.write("\n");
            res.end(JSON.stringify({ messages: [...(input.input?.messages ?? []), { type: "ai", content: b.reply, usage_metadata: { input_tokens: 3, output_tokens: 4 } }] }));
          }, 30);
          return;
        case "langgraphError":
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ __error__: { error: "ValueError", message: b.message } }));
          return;
        case "httpError":
          res.writeHead(b.status, { "content-type": "application/json" });
          res.end(b.body);
          return;
        case "notJson":
          res.writeHead(200, { "content-type": "text/html" });
          res.end("<html>gateway</html>");
          return;
        case "hang":
          return; // never answers: the caller's timeout must end it
      }
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
