import type { CheckContext } from "../context.js";
import type { ApiProfile, DisposableResource, Probe } from "../profile.js";
import { field } from "./flowAssertions.js";
import { vernMigrationFlows } from "./vernMigrationFlows.js";
import { vernRunFlows } from "./vernRunFlows.js";
import { cancelRun, canaryCredentials, catalogOf, connectionQuery, createMigration, FIXTURE, startRun, stateOf, upsertConnection } from "./vernSupport.js";

/**
 * Vern Migration API: per-account migrations (no delete: each is left behind, named, and listed
 * in the report), their source connections (deleted at cleanup) and runs of the managed agent
 * (cancelled at cleanup). Canaries go in every value of every `credentials` object (x-secret:
 * V6 and V11). Fixtures (all optional): see FIXTURE in vernSupport.ts.
 */
export const vernProfile: ApiProfile = {
  api: "vern",
  requestLimit: { requests: 100, windowMs: 60_000, source: "openapi/vern.yaml info: roughly 100 requests a minute per API key per endpoint" },

  async prepare(ctx) {
    if (ctx.options.readOnly) return readOnlyProbes(ctx);
    const { sourceName, templateSlugs } = await catalogOf(ctx);
    const migrationId = await createMigration(ctx, "prepare", "probes");
    stateOf(ctx).probeMigrationId = migrationId;
    const connected = await upsertConnection(ctx, "prepare", migrationId, { credentials: canaryCredentials(ctx, "V6 credentials (probe connection)") });
    const connectionId = field<string>(connected, "source_connection", "id");
    if (connected.status !== 201 || typeof connectionId !== "string") throw new Error(`could not create a source connection to probe (${connected.status}: ${connected.text.slice(0, 200)})`);
    const connection = { migration_id: migrationId };
    const readQuery = connectionQuery(stateOf(ctx).sourceKey!, undefined);
    const probes: Record<string, Probe> = {
      createMigration: {
        operationId: "createMigration",
        body: { name: ctx.name("negative-probe"), source: sourceName, external_id: ctx.name("negative-probe"), templates: templateSlugs.slice(0, 1) },
      },
      listSources: { operationId: "listSources" },
      listTemplates: { operationId: "listTemplates" },
      getSourceConnection: { operationId: "getSourceConnection", pathParams: connection, query: readQuery },
      upsertSourceConnection: {
        operationId: "upsertSourceConnection", pathParams: connection,
        body: { source_key: stateOf(ctx).sourceKey, config: {}, credentials: canaryCredentials(ctx, "V6 credentials (probe body)") },
      },
      // The destructive probe aims at the workbook-bound connection, which nothing else reads.
      deleteSourceConnection: { operationId: "deleteSourceConnection", pathParams: connection, query: connectionQuery(stateOf(ctx).sourceKey!, null) },
      // An execute with no preview: a server that wrongly runs it answers 409 and starts nothing.
      createRun: { operationId: "createRun", pathParams: connection, body: { kind: "execute" } },
    };
    if (templateSlugs[0]) probes.getTemplate = { operationId: "getTemplate", pathParams: { template_slug: templateSlugs[0] } };
    const boundConnection = await upsertConnection(ctx, "prepare", migrationId, { profile_id: null });
    if (boundConnection.status !== 201) ctx.notes.push(`V6 of a workbook-bound connection answered ${boundConnection.status}: the V7 probe has nothing to aim at.`);
    ctx.owned.push({
      label: "a Vern source connection", read: probes.getSourceConnection!, unchanged: true,
      writes: [probes.upsertSourceConnection!, probes.createRun!, probes.deleteSourceConnection!],
    });

    const runId = await cancelledRun(ctx, migrationId);
    if (!runId) return probes;
    const run = { migration_id: migrationId, run_id: runId };
    // The run is cancelled (terminal): cancel, credentials and answers aimed at it can lose nothing.
    probes.getRun = { operationId: "getRun", pathParams: run };
    probes.cancelRun = { operationId: "cancelRun", pathParams: run, body: { status: "cancel_requested" } };
    probes.submitRunCredentials = {
      operationId: "submitRunCredentials", pathParams: run,
      body: { credentials: canaryCredentials(ctx, "V11 credentials (probe body)"), connection_id: connectionId },
    };
    probes.answerRun = { operationId: "answerRun", pathParams: run, body: { answers: [{ id: "q1", value: "cc-conformance probe answer" }] } };
    // Cancelled, so it no longer changes on its own: the owner must read it as before the other key's writes.
    ctx.owned.push({ label: "a Vern run", read: probes.getRun, unchanged: true, writes: [probes.cancelRun, probes.submitRunCredentials, probes.answerRun] });
    return probes;
  },

  flows: [...vernMigrationFlows, ...vernRunFlows],

  /** The probe migration's workbook-bound connection, made again: V7 then V5 and V7 must be 404. */
  async disposable(ctx): Promise<DisposableResource[]> {
    const migrationId = stateOf(ctx).probeMigrationId ?? (await createMigration(ctx, "use_after_free", "disposable"));
    const made = await upsertConnection(ctx, "use_after_free", migrationId, { profile_id: null });
    if (made.status !== 201) throw new Error(`could not create a source connection to delete (${made.status}: ${made.text.slice(0, 200)})`);
    const address = { pathParams: { migration_id: migrationId }, query: connectionQuery(stateOf(ctx).sourceKey!, null) };
    return [{ label: "a Vern source connection", read: { operationId: "getSourceConnection", ...address }, remove: { operationId: "deleteSourceConnection", ...address } }];
  },
};

/** A generate started and cancelled at once: the run probes (V9–V12) need a real run id. */
async function cancelledRun(ctx: CheckContext, migrationId: string): Promise<string | undefined> {
  const started = await startRun(ctx, "prepare", migrationId, { kind: "generate", extract_via_api: true });
  const runId = field<string>(started, "run_id");
  if (started.status !== 201 || typeof runId !== "string") {
    ctx.notes.push(`V8 answered ${started.status} to a generate on a migration with a connection: the run operations (V9–V12) get no probe.`);
    return undefined;
  }
  await cancelRun(ctx, "prepare", migrationId, runId);
  return runId;
}

/**
 * Read-only: the catalogue, and what the fixtures name (Vern cannot list migrations). A connection
 * or run the primary key can read is registered for the cross-key check.
 */
async function readOnlyProbes(ctx: CheckContext): Promise<Record<string, Probe>> {
  const probes: Record<string, Probe> = { listSources: { operationId: "listSources" }, listTemplates: { operationId: "listTemplates" } };
  const { templateSlugs } = await catalogOf(ctx);
  if (templateSlugs[0]) probes.getTemplate = { operationId: "getTemplate", pathParams: { template_slug: templateSlugs[0] } };
  const migrationId = ctx.options.fixtures?.[FIXTURE.migrationId];
  if (!migrationId) return probes;
  for (const query of [undefined, { profile_id: "workbook" }]) {
    const probe: Probe = { operationId: "getSourceConnection", pathParams: { migration_id: migrationId }, query };
    const answer = await ctx.send({ sentBy: "prepare", ...probe });
    if (answer.status !== 200) continue;
    probes.getSourceConnection = probe;
    ctx.owned.push({ label: "a Vern source connection", read: probe });
    break;
  }
  const runId = ctx.options.fixtures?.[FIXTURE.runId];
  if (runId) {
    const probe: Probe = { operationId: "getRun", pathParams: { migration_id: migrationId, run_id: runId } };
    if ((await ctx.send({ sentBy: "prepare", ...probe })).status === 200) {
      probes.getRun = probe;
      ctx.owned.push({ label: "a Vern run", read: probe });
    }
  }
  return probes;
}
