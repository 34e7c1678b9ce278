import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/clients/index.js";
import { loadConfig } from "../../src/server/config.js";
import { startServer } from "../../src/server/startServer.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { admin } from "./adminCalls.js";
import { createPack } from "./merge.support.js";
import { ACME_KEY as WEXA_DEV_KEY, SEED } from "./wexa.support.js";

type Made = { accountId: string; label: string; apis: Record<string, { baseUrl: string; key: string; projectID?: string; agentflow_id?: string }> };

describe("accounts made through /__admin/accounts", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const makeAccount = async (label: string): Promise<Made> => {
    const made = await admin(server, "POST", "/accounts", { label });
    expect(made.status).toBe(201);
    return made.body;
  };
  const clients = (account: Made) => ({
    wexa: createApiClient("wexa", { baseUrl: account.apis.wexa!.baseUrl, apiKey: account.apis.wexa!.key }),
    merge: createApiClient("merge", { baseUrl: account.apis.merge!.baseUrl, apiKey: account.apis.merge!.key }),
    vern: createApiClient("vern", { baseUrl: account.apis.vern!.baseUrl, apiKey: account.apis.vern!.key }),
  });

  it("gives one key per API that has keys, usable at once, and a Wexa project to run executions in", async () => {
    const account = await makeAccount("worker 1");
    expect(Object.keys(account.apis).sort()).toEqual(["merge", "vern", "wexa"]);
    const { wexa, merge, vern } = clients(account);
    const { projectID, agentflow_id } = account.apis.wexa!;
    expect((await wexa.GET("/connectors/{projectID}", { params: { path: { projectID: projectID! } } })).data).toEqual([]);
    const execution = await wexa.POST("/execute_flow", { body: { projectID: projectID!, agentflow_id: agentflow_id!, executed_by: "e2e", goal: "g", input_variables: {} } });
    expect(execution.response.status).toBe(200);
    expect((await merge.GET("/tool-packs/")).data).toMatchObject({ results: [] });
    expect((await vern.POST("/migrations", { body: { name: "Worker 1 Co" } })).response.status).toBe(201);
  });

  it("keeps each account's state apart from every other account's, as dev keys are", async () => {
    const one = clients(await makeAccount("worker A"));
    const twoAccount = await makeAccount("worker B");
    const two = clients(twoAccount);
    const packId = await createPack(one.merge, [], "A's pack");
    expect((await two.merge.GET("/tool-packs/{id}/", { params: { path: { id: packId } } })).response.status).toBe(404);
    expect((await two.merge.GET("/tool-packs/")).data).toMatchObject({ results: [] });
    // Not the seed's project either, nor another API's key.
    expect((await one.wexa.GET("/connectors/{projectID}", { params: { path: { projectID: SEED.salesProject } } })).response.status).toBe(404);
    const wexaKeyOnMerge = createApiClient("merge", { baseUrl: server.apiUrls.merge!, apiKey: twoAccount.apis.wexa!.key });
    expect((await wexaKeyOnMerge.GET("/tool-packs/")).response.status).toBe(401);
    // The dev key still sees its own seed, not the new accounts' rows.
    const dev = createApiClient("wexa", { baseUrl: server.apiUrls.wexa!, apiKey: WEXA_DEV_KEY });
    expect((await dev.GET("/connectors/{projectID}", { params: { path: { projectID: twoAccount.apis.wexa!.projectID! } } })).response.status).toBe(404);
  });

  it("lists the accounts and their keys in GET /__admin/accounts and GET /__admin", async () => {
    const account = await makeAccount("listed");
    const listed = await admin(server, "GET", "/accounts");
    expect(listed.body.accounts).toContainEqual(account);
    const described = await admin(server, "GET", "");
    expect(described.body.apis.vern.keys).toContainEqual({ key: account.apis.vern!.key, label: "listed", accountId: account.accountId });
  });

  it("refuses a bad label and a form post", async () => {
    expect((await admin(server, "POST", "/accounts", { label: "" })).status).toBe(400);
    expect((await admin(server, "POST", "/accounts", { label: 7 })).status).toBe(400);
    const form = await fetch(`${server.url}/__admin/accounts`, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
    expect(form.status).toBe(415);
  });

  it("removes the accounts on reset, with the rest of the state that is not seed data", async () => {
    const account = await makeAccount("gone after reset");
    expect((await admin(server, "POST", "/reset")).status).toBe(200);
    expect((await clients(account).vern.POST("/migrations", { body: { name: "x" } })).response.status).toBe(401);
    expect((await admin(server, "GET", "/accounts")).body.accounts).toEqual([]);
  });
});

describe("an account made through /__admin survives a restart", () => {
  it("answers to its key on the next start on the same data folder", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cc-accounts-"));
    const config = loadConfig({ PORT: "0", PGLITE_DIR: dir, LOG_LEVEL: "silent", CC_API: "vern" });
    try {
      const first = await startServer(config);
      const made = await fetch(`${first.url}/__admin/accounts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ label: "persisted" }) });
      const account = (await made.json()) as Made;
      await first.close();
      const second = await startServer(config);
      try {
        const vern = createApiClient("vern", { baseUrl: second.apiUrls.vern!, apiKey: account.apis.vern!.key });
        expect((await vern.POST("/migrations", { body: { name: "After restart" } })).response.status).toBe(201);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
