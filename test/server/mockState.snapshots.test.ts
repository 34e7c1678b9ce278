import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/clients/index.js";
import { DATABASE_TARGETS } from "../support/testDatabases.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { tablesContaining } from "../support/databaseScan.js";
import { admin } from "./adminCalls.js";
import { SALESFORCE_CREDENTIALS, migrationWithConnection, runReaches, startRun, vernClient } from "./vernTestKit.js";
import { ACME_KEY as WEXA_KEY, SEED, SEEDED_SECRETS } from "./wexa.support.js";

/** Every row of every table a snapshot covers, as JSON text in a stable order: "exactly the saved rows". */
async function everyRow(server: TestServer): Promise<Record<string, string[]>> {
  const tables = ["vault_secrets", "mock_account_keys", ...server.modules.flatMap((m) => m.tables)];
  const dump: Record<string, string[]> = {};
  for (const table of tables) {
    const rows = await server.database.query<{ row: string }>(`select to_jsonb(t)::text as row from ${table} t order by 1`);
    dump[table] = rows.map((r) => r.row);
  }
  return dump;
}

describe.each(DATABASE_TARGETS)("snapshots through /__admin on %s", (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("restores exactly the saved rows, vault secrets included, and the APIs answer from them", async () => {
    const vern = vernClient(server);
    const wexa = createApiClient("wexa", { baseUrl: server.apiUrls.wexa!, apiKey: WEXA_KEY });
    // A Vern connection whose credentials are in the vault, taken into the snapshot.
    const { migrationId } = await migrationWithConnection(vern, { templates: ["companies"], credentials: true });
    const before = await everyRow(server);
    expect(before.vault_secrets!.length).toBeGreaterThan(3);

    const saved = await admin(server, "POST", "/snapshots", { name: "baseline" });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ name: "baseline", rows: { vault_secrets: before.vault_secrets!.length, wexa_connectors: before.wexa_connectors!.length } });

    // Change everything a snapshot covers: a connector and its secret gone, an execution, an account, a run.
    expect((await wexa.DELETE("/connector/{connector_id}", { params: { path: { connector_id: SEED.salesMailbox }, query: { projectID: SEED.salesProject } } })).response.status).toBe(200);
    await wexa.POST("/execute_flow", { body: { projectID: SEED.salesProject, agentflow_id: SEED.salesAgentflow, executed_by: "t", goal: "g", input_variables: {} } });
    const account = await admin(server, "POST", "/accounts", { label: "made after the snapshot" });
    expect(account.status).toBe(201);
    await startRun(vern, migrationId, { kind: "generate" });
    expect(await everyRow(server)).not.toEqual(before);

    const restored = await admin(server, "POST", "/snapshots/baseline/restore");
    expect(restored.status).toBe(200);
    expect(await everyRow(server)).toEqual(before);

    // What the APIs answer follows: the connector is back with its credentials, the new account's key is gone.
    const { data: connector } = await wexa.GET("/connector/{connector_id}", { params: { path: { connector_id: SEED.salesMailbox } } });
    expect(connector).toMatchObject({ _id: SEED.salesMailbox, auth_configured: true });
    const newKey = account.body.apis.wexa.key as string;
    const refused = await createApiClient("wexa", { baseUrl: server.apiUrls.wexa!, apiKey: newKey }).GET("/connectors/{projectID}", { params: { path: { projectID: SEED.salesProject } } });
    expect(refused.response.status).toBe(401);
    // The restored ciphertext still decrypts: the run finds the credentials and goes through to a preview.
    const { data } = await startRun(vern, migrationId, { kind: "generate" });
    await runReaches(vern, migrationId, data!.run_id, "awaiting_approval");
  });

  it("never answers a secret value, and lists snapshots with their row counts", async () => {
    const answers = [JSON.stringify((await admin(server, "POST", "/snapshots", { name: "listing" })).body)];
    const listed = await admin(server, "GET", "/snapshots");
    answers.push(JSON.stringify(listed.body), JSON.stringify((await admin(server, "POST", "/snapshots/listing/restore")).body));
    for (const text of answers) {
      for (const secret of [...SEEDED_SECRETS, SALESFORCE_CREDENTIALS.client_secret]) expect(text).not.toContain(secret);
      expect(text).not.toContain("ciphertext");
    }
    expect(listed.body.snapshots.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(["baseline", "listing"]));
    // The snapshot table keeps the vault's rows as ciphertext: no secret is readable in any table but the vault.
    for (const secret of [...SEEDED_SECRETS, SALESFORCE_CREDENTIALS.client_secret]) expect(await tablesContaining(server.database, secret)).toEqual([]);
    // Saving under an existing name replaces it (200, not 201).
    expect((await admin(server, "POST", "/snapshots", { name: "listing" })).status).toBe(200);
  });

  it("refuses a bad name and an unknown snapshot with a 4xx that says why", async () => {
    for (const name of ["", "../etc", "a b", 5, "x".repeat(65)]) expect((await admin(server, "POST", "/snapshots", { name })).status).toBe(400);
    const unknown = await admin(server, "POST", "/snapshots/nothing-here/restore");
    expect(unknown).toEqual({ status: 404, body: { error: "No snapshot named nothing-here; GET /__admin/snapshots lists them." } });
  });
});
