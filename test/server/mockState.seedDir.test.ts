import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/clients/index.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { admin } from "./adminCalls.js";

const OWN_KEY = "wx-team-own-key-0001";
const OWN_PROJECT = "aaaaaaaaaaaaaaaaaaaaaaaa";

/** A team's own Wexa seed: one account, one project and agentflow, no connectors or executions. */
const ownWexaSeed: Record<string, unknown> = {
  "keys.json": [{ key: OWN_KEY, accountId: "team", label: "Our team (own seed)" }],
  "projects.json": [{ id: OWN_PROJECT, accountId: "team", name: "Our project" }],
  "agentflows.json": [{ id: "bbbbbbbbbbbbbbbbbbbbbbbb", accountId: "team", projectID: OWN_PROJECT, name: "Our flow" }],
  "connectors.json": [],
  "executions.json": [],
};

async function seedFolder(files: Record<string, string | unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "cc-seed-"));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), typeof content === "string" ? content : JSON.stringify(content));
  }
  return dir;
}

describe("seed data from the team's own folder (SEED_DIR / --seed-dir)", () => {
  const folders: string[] = [];
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = await seedFolder(Object.fromEntries(Object.entries(ownWexaSeed).map(([file, rows]) => [`wexa/${file}`, rows])));
    folders.push(dir);
    server = await startTestServer({ env: { SEED_DIR: dir, CC_API: "wexa" } });
  });
  afterAll(async () => {
    await server?.stop();
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it("serves the folder's keys and rows instead of the built-in ones, and a reset puts them back", async () => {
    const own = createApiClient("wexa", { baseUrl: server.apiUrls.wexa!, apiKey: OWN_KEY });
    const list = () => own.GET("/{projectID}/execution_flows", { params: { path: { projectID: OWN_PROJECT }, query: { projectID: OWN_PROJECT } } });
    expect((await list()).data).toMatchObject({ total: 0 });
    await own.POST("/execute_flow", { body: { projectID: OWN_PROJECT, agentflow_id: "bbbbbbbbbbbbbbbbbbbbbbbb", executed_by: "t", goal: "g", input_variables: {} } });
    expect((await list()).data).toMatchObject({ total: 1 });
    expect((await admin(server, "POST", "/reset")).status).toBe(200);
    expect((await list()).data).toMatchObject({ total: 0 });
    // The built-in dev key is not one of the folder's.
    const builtIn = createApiClient("wexa", { baseUrl: server.apiUrls.wexa!, apiKey: "wx-dev-acme-3b7f91c2d4e84a5f9c10" });
    expect((await builtIn.GET("/connectors/{projectID}", { params: { path: { projectID: OWN_PROJECT } } })).response.status).toBe(401);
  });

  const refusals: Array<{ name: string; files: Record<string, unknown>; message: RegExp }> = [
    { name: "a file that is not JSON", files: { "wexa/projects.json": "[{ id: 1 }" }, message: /wexa\/projects\.json is not valid JSON/ },
    { name: "a file no API seeds from", files: { "wexa/project.json": [] }, message: /wexa\/project\.json: not a seed file of wexa \(expected one of .*projects\.json/ },
    { name: "a folder that is no API", files: { "wexxa/projects.json": [] }, message: /wexxa: not an API's folder/ },
    { name: "an object where the fixture is a list", files: { "wexa/projects.json": { id: OWN_PROJECT } }, message: /wexa\/projects\.json: must hold a JSON array/ },
    {
      name: "rows the database refuses",
      files: { "wexa/projects.json": [{ id: "not-an-object-id", accountId: "team", name: "Bad" }], "wexa/agentflows.json": [], "wexa/connectors.json": [], "wexa/executions.json": [] },
      message: /The seed data of wexa in .*wexa\/projects\.json.* was refused: .*wexa_projects_id_check/,
    },
  ];

  it.each(refusals)("refuses to start on $name, naming the file", async ({ files, message }) => {
    const bad = await seedFolder(files);
    folders.push(bad);
    await expect(startTestServer({ env: { SEED_DIR: bad, CC_API: "wexa" } })).rejects.toThrow(message);
  });

  it("refuses a folder that does not exist", async () => {
    await expect(startTestServer({ env: { SEED_DIR: join(dir, "missing") } })).rejects.toThrow(/missing does not exist or is not a folder/);
  });
});
