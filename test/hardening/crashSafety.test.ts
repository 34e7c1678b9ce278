import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, type ApiClient } from "../../src/clients/index.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { createTestDatabase, type TestDatabase, describeOnPostgres } from "../support/testDatabases.js";
import { eventually } from "../support/testServer.js";
import { SEED, control, tokensPerStep } from "../server/wexa.support.js";
import { migrationWithConnection } from "../server/vernTestKit.js";
import { createPack, summary } from "../server/merge.support.js";
import type { components } from "../../src/generated/merge.js";
import { startChildServer, type ChildServer } from "./support/childServer.js";

/**
 * The server on PostgreSQL as its own process, killed with SIGKILL in the middle of a stream of
 * writes, then started again on the same schema: every write it acknowledged (a 201 the client
 * received) is there, and the Vern runs and Wexa executions that were in flight carry on to the
 * state they reach without a crash (a generate with credentials on file stops at a preview,
 * `awaiting_approval`; an execution completes with the tokens and time of exactly three steps).
 */
const STEP_MS = 300;
/** Two writers per kind of write at any time: Merge's creates are batched (group commit) once two or more are in flight. */
const WRITERS = 6;
/** Kill after this many acknowledged writes, or after KILL_AFTER_MS of streaming, whichever comes first. */
const KILL_AFTER_WRITES = 200;
const KILL_AFTER_MS = 2_000;

const [vernKey] = readDevKeys("vern");
const [wexaKey] = readDevKeys("wexa");
const [mergeKey] = readDevKeys("merge");

const KINDS = ["project", "migration", "pack"] as const;
type Write = { kind: (typeof KINDS)[number]; name: string; id?: string };
/** Each Merge pack of the stream is made with these connectors (as a create answers them: every tool enabled, INDIVIDUAL). */
const PACK_CONNECTORS = [{ slug: "github", tool_names: ["list_repos"] }, { slug: "slack", auth_scope: "SHARED" as const }];

describeOnPostgres("a SIGKILL during a stream of writes on %s", () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let first: ChildServer | undefined;
  let second: ChildServer | undefined;
  beforeAll(async () => {
    db = await createTestDatabase("postgres");
    env = { DATABASE_URL: db.databaseUrl!, SIM_STEP_MS: String(STEP_MS), VERN_RATE_LIMIT: "1000000", RESPONSE_VALIDATION: "enforce" };
    first = await startChildServer(env);
  });
  afterAll(async () => {
    await first?.kill("SIGKILL");
    await second?.kill("SIGTERM");
    await db?.drop();
  });

  it("keeps every acknowledged write, and in-flight runs and executions finish as documented after the restart", async () => {
    const vern = (server: ChildServer) => createApiClient("vern", { baseUrl: server.apiUrl("vern"), apiKey: vernKey!.key });
    const wexa = (server: ChildServer) => createApiClient("wexa", { baseUrl: server.apiUrl("wexa"), apiKey: wexaKey!.key });
    const evalstudio = (server: ChildServer) => createApiClient("evalstudio", { baseUrl: server.apiUrl("evalstudio") });
    const merge = (server: ChildServer) => createApiClient("merge", { baseUrl: server.apiUrl("merge"), apiKey: mergeKey!.key });

    // Work in flight: three Vern generates (credentials on file: straight to a preview) and three Wexa executions.
    const runs: Array<{ migrationId: string; runId: string }> = [];
    for (let i = 0; i < 3; i++) {
      const { migrationId } = await migrationWithConnection(vern(first!), { templates: ["companies"], credentials: true });
      const { data, response } = await vern(first!).POST("/migrations/{migration_id}/runs", { params: { path: { migration_id: migrationId } }, body: { kind: "generate" } });
      expect(response.status).toBe(201);
      runs.push({ migrationId, runId: data!.run_id });
    }
    const executions: Array<{ id: string; goal: string }> = [];
    for (let i = 0; i < 3; i++) executions.push(await startExecution(wexa(first!), `Survive a SIGKILL ${i}`));

    const create: Record<Write["kind"], (name: string) => Promise<string>> = {
      project: (name) => createProject(evalstudio(first!), name),
      migration: (name) => createMigration(vern(first!), name),
      pack: (name) => createPack(merge(first!), PACK_CONNECTORS, name),
    };
    // The stream: WRITERS clients, each creating an EvalStudio project, a Vern migration and a Merge tool pack in turn, one at a time.
    // Each writer goes on until a write fails: the one it had in flight when the process died.
    const acknowledged: Write[] = [];
    const inFlightAtKill: Write[] = [];
    let killedAt = Number.POSITIVE_INFINITY;
    const writer = async (w: number) => {
      for (let i = 0; ; i++) {
        const write: Write = { kind: KINDS[(w + i) % KINDS.length]!, name: `crash-${w}-${i}` };
        const sentAt = performance.now();
        try {
          write.id = await create[write.kind](write.name);
          acknowledged.push(write);
        } catch {
          if (sentAt < killedAt) inFlightAtKill.push(write);
          return;
        }
      }
    };
    const server = first!;
    const streaming = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    const started = performance.now();
    await eventually(async () => acknowledged.length, (n) => n >= KILL_AFTER_WRITES || performance.now() - started > KILL_AFTER_MS, 30_000);
    killedAt = performance.now();
    await server.kill("SIGKILL");
    await streaming;
    const killedAfterMs = killedAt - started;
    first = undefined;

    second = await startChildServer(env);
    const projects = new Map(((await evalstudio(second).GET("/projects")).data ?? []).map((p) => [p.id, p.name]));
    const names = new Set(projects.values());
    const packs = await packsByName(merge(second));
    /** Per kind: whether an acknowledged write (by its id) is there, and whether a write never answered (by its name) was stored. */
    const survived: Record<Write["kind"], { acknowledged: (write: Write) => Promise<boolean> | boolean; unanswered: (name: string) => Promise<boolean> | boolean }> = {
      project: { acknowledged: (write) => projects.get(write.id!) === write.name, unanswered: (name) => names.has(name) },
      migration: { acknowledged: (write) => migrationExists(vern(second!), write.id!), unanswered: (name) => migrationWithExternalIdExists(vern(second!), name) },
      pack: { acknowledged: (write) => packs.get(write.name)?.id === write.id, unanswered: (name) => packs.has(name) },
    };
    const missing: Write[] = [];
    for (const write of acknowledged) if (!(await survived[write.kind].acknowledged(write))) missing.push(write);
    // A pack is there whole: with its connectors as the create answered them, never without them.
    const packConnectors = [...packs.values()].filter((p) => p.name.startsWith("crash-")).map((p) => summary(p.connectors));
    expect(new Set(packConnectors.map((c) => JSON.stringify(c)))).toEqual(new Set([JSON.stringify([["github", "INDIVIDUAL", ["list_repos"]], ["slack", "SHARED", ["send_message", "list_channels"]]])]));
    // A write the client never heard back about may or may not have committed; either is correct. Counted, not asserted.
    let inFlightStored = 0;
    for (const write of inFlightAtKill) if (await survived[write.kind].unanswered(write.name)) inFlightStored++;
    console.log(
      `[crash] SIGKILL after ${killedAfterMs.toFixed(0)} ms of writes: ${acknowledged.length} acknowledged ` +
        `(${acknowledged.filter((w) => w.kind === "project").length} EvalStudio projects, ${acknowledged.filter((w) => w.kind === "migration").length} Vern migrations, ` +
        `${acknowledged.filter((w) => w.kind === "pack").length} Merge tool packs), ` +
        `${acknowledged.length - missing.length} found after the restart; ${inFlightAtKill.length} sent before the kill and never answered, ${inFlightStored} of them stored`,
    );
    expect(missing).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(WRITERS);
    // The seed is not loaded a second time over the surviving data.
    expect([...names].filter((n) => n === "Customer support bot")).toHaveLength(1);

    const runStates = await Promise.all(
      runs.map(({ migrationId, runId }) =>
        eventually(
          async () => (await vern(second!).GET("/migrations/{migration_id}/runs/{run_id}", { params: { path: { migration_id: migrationId, run_id: runId } } })).data!,
          (run) => run.status === "awaiting_approval" || run.status === "failed" || run.status === "canceled",
          30_000,
        ),
      ),
    );
    const executionStates = await Promise.all(
      executions.map(({ id }) =>
        eventually(async () => (await wexa(second!).GET("/execute_flow/{execution_id}", { params: { path: { execution_id: id } } })).data!, (e) => e.status === "completed" || e.status === "failed", 30_000),
      ),
    );
    console.log(
      `[crash] in flight at the kill: Vern runs → ${runStates.map((r) => r.status).join(", ")}; ` +
        `Wexa executions → ${executionStates.map((e) => `${e.status} (${e.tokens_used} tokens, ${e.execution_time_ms} ms)`).join(", ")}`,
    );
    for (const run of runStates) expect(run).toMatchObject({ status: "awaiting_approval", kind: "generate" });
    executionStates.forEach((execution, i) => {
      expect(execution).toMatchObject({ status: "completed", tokens_used: 3 * tokensPerStep(executions[i]!.goal, {}), execution_time_ms: 3 * STEP_MS });
    });
  }, 120_000);
});

async function createProject(client: ApiClient<"evalstudio">, name: string): Promise<string> {
  const { data, response } = await client.POST("/projects", { body: { name } });
  if (response.status !== 201) throw new Error(`create project: ${response.status}`);
  return data!.id;
}

/** Every tool pack of the key's account, by name, read page by page. */
async function packsByName(client: ApiClient<"merge">) {
  const packs = new Map<string, components["schemas"]["ToolPack"]>();
  for (let page = 1; ; page++) {
    const { data, response } = await client.GET("/tool-packs/", { params: { query: { page, page_size: 100 } } });
    if (response.status !== 200) throw new Error(`list tool packs: ${response.status}`);
    for (const pack of data!.results) packs.set(pack.name, pack);
    if (!data!.next) return packs;
  }
}

async function createMigration(client: ApiClient<"vern">, name: string): Promise<string> {
  const { data, response } = await client.POST("/migrations", { body: { name, external_id: name } });
  if (response.status !== 201) throw new Error(`create migration: ${response.status}`);
  return data!.migration.id;
}

/** Vern has no GET of a migration; its source connection answers "Migration not found" only when there is none. */
async function migrationExists(client: ApiClient<"vern">, id: string): Promise<boolean> {
  const { error, response } = await client.GET("/migrations/{migration_id}/source-connection", { params: { path: { migration_id: id } } });
  if (response.status === 200) return true;
  return response.status === 404 && error?.error !== "Migration not found";
}

/** Creating a migration with an external_id that is taken answers 200 with the existing one (V1's idempotency). */
async function migrationWithExternalIdExists(client: ApiClient<"vern">, externalId: string): Promise<boolean> {
  const { response } = await client.POST("/migrations", { body: { name: externalId, external_id: externalId } });
  return response.status === 200;
}

async function startExecution(client: ApiClient<"wexa">, goal: string): Promise<{ id: string; goal: string }> {
  const { data } = await client.POST("/execute_flow", {
    body: { agentflow_id: SEED.salesAgentflow, executed_by: "68dbdfb92797c909223ea38e", goal, input_variables: {}, projectID: SEED.salesProject },
  });
  const id = data!.execution_id;
  const started = await client.POST("/execute_flow/{execution_id}/execute", { params: { path: { execution_id: id }, query: { projectID: SEED.salesProject } }, body: control(id) });
  if (started.response.status !== 200) throw new Error(`execute: ${started.response.status}`);
  return { id, goal };
}
