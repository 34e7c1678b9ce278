import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, type ApiClient } from "../../src/clients/index.js";
import { startLangGraphServer, type LangGraphServer } from "../../src/langgraph/devServer.js";
import { freePort } from "../../src/process/freePort.js";
import { startQuirkyAgentServer, type AgentBehaviour } from "../support/quirkyAgentServer.js";
import { startTestServer, type TestServer } from "../support/testServer.js";

const PROJECT = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";

describe("EvalStudio test (E11) and invoke (E12) call the connector's agent server for real", () => {
  let langgraph: LangGraphServer;
  let quirky: Awaited<ReturnType<typeof startQuirkyAgentServer>>;
  let behaviour: AgentBehaviour = { kind: "hang" };
  let server: TestServer;
  let client: ApiClient<"evalstudio">;

  beforeAll(async () => {
    [langgraph, quirky, server] = await Promise.all([
      startLangGraphServer(),
      startQuirkyAgentServer(() => behaviour),
      startTestServer({ env: { CONNECTOR_TIMEOUT_MS: "4000" } }),
    ]);
    client = createApiClient("evalstudio", { baseUrl: server.apiUrls.evalstudio! });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([server?.stop(), langgraph?.close(), quirky?.close()]);
  });

  async function connector(name: string, baseUrl: string, headers: Record<string, string> = {}) {
    const { data, error } = await client.POST("/projects/{projectId}/connectors", {
      params: { path: { projectId: PROJECT } },
      body: { name, type: "langgraph", baseUrl, headers, config: { assistantId: "echo" } },
    });
    if (!data) throw new Error(JSON.stringify(error));
    return data.id;
  }
  const test = (id: string) => client.POST("/projects/{projectId}/connectors/{id}/test", { params: { path: { projectId: PROJECT, id } } });
  const invoke = (id: string, content: string) =>
    client.POST("/projects/{projectId}/connectors/{id}/invoke", { params: { path: { projectId: PROJECT, id } }, body: { messages: [{ role: "user", content }] } });

  it("E11 sends 'hello' to a real LangGraph server and reports its answer and latency", async () => {
    const id = await connector("real langgraph", langgraph.url);
    const { data, response } = await test(id);
    expect(response.status).toBe(200);
    expect(data).toEqual({ success: true, latencyMs: expect.any(Number), response: "echo: hello" });
  });

  it("E12 returns only the agent's new messages, the doc's tokensUsage {input, output} and a thread id", async () => {
    const id = await connector("real langgraph invoke", langgraph.url);
    const { data } = await invoke(id, "It's #12345");
    expect(data).toEqual({
      success: true,
      latencyMs: expect.any(Number),
      messages: [{ role: "assistant", content: "echo: It's #12345" }],
      tokensUsage: { input: 11, output: 17 },
      threadId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it("E12 turns a graph that throws (LangGraph's 200 {__error__}) into success: false", async () => {
    const id = await connector("real langgraph error", langgraph.url);
    const { data, response } = await invoke(id, "raise");
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ success: false, error: expect.stringContaining("asked to fail") });
  });

  it("E12 accepts keep-alive whitespace before the 200 body, and sends the connector's headers", async () => {
    behaviour = { kind: "keepAliveThenState", reply: "after keep-alive" };
    const id = await connector("keep-alive", quirky.url, { "X-API-Key": "agent-key-1" });
    const { data } = await invoke(id, "hi");
    expect(data).toMatchObject({ success: true, messages: [{ role: "assistant", content: "after keep-alive" }], tokensUsage: { input: 3, output: 4 } });
    expect(quirky.received.at(-1)?.["x-api-key"]).toBe("agent-key-1");
  });

  it("E9 keeps a stored header value when the masked value is sent back on update", async () => {
    behaviour = { kind: "keepAliveThenState", reply: "ok" };
    const id = await connector("mask round trip", quirky.url, { "X-API-Key": "agent-key-2" });
    const read = (await client.GET("/projects/{projectId}/connectors/{id}", { params: { path: { projectId: PROJECT, id } } })).data!;
    await client.PUT("/projects/{projectId}/connectors/{id}", { params: { path: { projectId: PROJECT, id } }, body: { headers: read.headers, name: "renamed" } });
    await invoke(id, "hi");
    expect(quirky.received.at(-1)?.["x-api-key"]).toBe("agent-key-2");
  });

  it.each<[string, AgentBehaviour, RegExp]>([
    ["an HTTP error", { kind: "httpError", status: 400, body: '{"error": "invalid_request"}' }, /^HTTP 400: invalid_request$/],
    ["a body that is not JSON", { kind: "notJson" }, /not JSON/],
    ["no answer within the timeout", { kind: "hang" }, /^Could not reach the agent server: .*\(4000 ms\)\.$/],
  ])("E12 reports %s as success: false with HTTP 200", async (_name, b, error) => {
    behaviour = b;
    const id = await connector(`quirk ${_name}`, quirky.url);
    const { data, response } = await invoke(id, "hi");
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ success: false, error: expect.stringMatching(error) });
  });

  it("E11 reports an unreachable agent server as success: false, 'Could not reach the agent server' (the same text as a timeout)", async () => {
    const port = await freePort(); // bound, then released: nothing listens there
    const id = await connector("unreachable", `http://127.0.0.1:${port}`);
    const { data, response } = await test(id);
    expect(response.status).toBe(200);
    expect(data).toEqual({ success: false, latencyMs: expect.any(Number), error: expect.stringMatching(/^Could not reach the agent server: .*\(4000 ms\)\.$/) });
  });

  it("E12 refuses an empty conversation with the vendor's message; E11/E12 answer 404 for an unknown connector", async () => {
    const id = await connector("validation", langgraph.url);
    const empty = await client.POST("/projects/{projectId}/connectors/{id}/invoke", { params: { path: { projectId: PROJECT, id } }, body: { messages: [] } });
    expect(empty.response.status).toBe(400);
    expect(empty.error).toEqual({ error: "Messages array is required" });
    const unknown = await test("00000000-0000-4000-8000-000000000000");
    expect(unknown.response.status).toBe(404);
    expect(unknown.error).toEqual({ error: "Connector not found" });
  });
});
