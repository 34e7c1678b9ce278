import { expect } from "vitest";
import { createApiClient, type ApiClient } from "../../src/clients/index.js";
import type { components } from "../../src/generated/vern.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { eventually, type TestServer } from "../support/testServer.js";

/** Helpers shared by the Vern test files (test/server/vern.*.test.ts). */

type Run = components["schemas"]["Run"];
export type VernClient = ApiClient<"vern">;

const [acme, globex] = readDevKeys("vern");
/** Two accounts' keys: isolation tests need a second one. */
export const ACME_KEY = acme!.key;
export const GLOBEX_KEY = globex!.key;

/** The seeded demo migration of ACME (fixtures/vern/migrations.json): Salesforce, no credentials on file. */
export const ACME_DEMO_MIGRATION = "0b6f3a52-7c1e-4d8a-9e2f-5a4b3c2d1e0f";

export const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

/** Credentials the Salesforce connector accepts (every field of its schema). */
export const SALESFORCE_CREDENTIALS = { client_id: "3MVG9test.client.id", client_secret: "sf-secret-for-tests-0001" };

export function vernClient(server: TestServer, apiKey: string = ACME_KEY, fetchImpl?: typeof fetch): VernClient {
  return createApiClient("vern", { baseUrl: server.apiUrls.vern!, apiKey, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
}

/** A raw call (for what the typed client cannot send: no key, malformed JSON). */
export function rawCall(server: TestServer, method: string, path: string, init: { key?: string; body?: string } = {}) {
  return fetch(`${server.apiUrls.vern}${path}`, {
    method,
    headers: { ...(init.key !== undefined ? { "x-api-key": init.key } : {}), ...(init.body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
}

export async function createMigration(client: VernClient, body: components["schemas"]["CreateMigrationRequest"] = { name: "Test Co" }) {
  const { data, response } = await client.POST("/migrations", { body });
  expect(response.status).toBe(201);
  return data!.migration.id;
}

export async function upsertConnection(client: VernClient, migrationId: string, body: components["schemas"]["UpsertSourceConnectionRequest"]) {
  const { data, response } = await client.POST("/migrations/{migration_id}/source-connection", { params: { path: { migration_id: migrationId } }, body });
  expect(response.status).toBe(201);
  return data!.source_connection;
}

/** A migration with a Salesforce connection, credentials on file or not. */
export async function migrationWithConnection(client: VernClient, options: { templates?: string[]; credentials?: boolean } = {}) {
  const migrationId = await createMigration(client, { name: "Runs Co", source: "Salesforce", ...(options.templates ? { templates: options.templates } : {}) });
  const connection = await upsertConnection(client, migrationId, {
    source_key: "salesforce",
    config: {},
    stream_state: {},
    ...(options.credentials ? { credentials: SALESFORCE_CREDENTIALS } : {}),
  });
  return { migrationId, connectionId: connection.id };
}

export async function startRun(client: VernClient, migrationId: string, body: components["schemas"]["CreateRunRequest"]) {
  return client.POST("/migrations/{migration_id}/runs", { params: { path: { migration_id: migrationId } }, body });
}

export async function getRun(client: VernClient, migrationId: string, runId: string): Promise<Run> {
  const { data, response } = await client.GET("/migrations/{migration_id}/runs/{run_id}", { params: { path: { migration_id: migrationId, run_id: runId } } });
  expect(response.status).toBe(200);
  return data!;
}

/** Polls until the run reaches `status` (the simulation clock moves it on its own). */
export function runReaches(client: VernClient, migrationId: string, runId: string, status: Run["status"]): Promise<Run> {
  return eventually(() => getRun(client, migrationId, runId), (run) => run.status === status);
}

/** A migration whose generate ran to a preview without stopping: Companies only (no question), credentials on file. */
export async function migrationWithPreview(client: VernClient) {
  const { migrationId, connectionId } = await migrationWithConnection(client, { templates: ["companies"], credentials: true });
  const { data } = await startRun(client, migrationId, { kind: "generate" });
  await runReaches(client, migrationId, data!.run_id, "awaiting_approval");
  return { migrationId, connectionId, runId: data!.run_id };
}

/** Every row of Vern's tables as JSON text (for the "no secret in a resource row" checks). */
export async function vernRowsAsText(server: TestServer): Promise<string> {
  const tables = ["vern_migrations", "vern_source_connections", "vern_runs"];
  const rows = await Promise.all(tables.map((t) => server.database.query(`select to_jsonb(t) as row from ${t} t`)));
  return JSON.stringify(rows);
}
