import type { Database, Sql } from "../../db/database.js";
import { credentialRequestFor, credentialsAccepted, executeReport, extractionRecord, questionsFor } from "./agentScript.js";
import type { VernCatalog } from "./catalog.js";
import type { ConnectionRow, ConnectionStore } from "./connectionStore.js";
import type { MigrationStore } from "./migrationStore.js";
import { nextStep, pendingCheck, type Observation } from "./runMachine.js";
import type { RunRow, RunStore } from "./runStore.js";
import { changesFor } from "./runTransitions.js";

/** How many due runs one step of the clock moves at most (the rest wait for the next half step). */
const BATCH_SIZE = 100;

export type RunSimulationDeps = {
  database: Database;
  stepMs: number;
  catalog: VernCatalog;
  migrations: MigrationStore;
  connections: ConnectionStore;
  runs: RunStore;
};

/**
 * The managed agent, simulated: the server's clock calls this every half step; each due run moves
 * one step of runMachine.ts and is due again one step later. The due runs are locked with
 * `skip locked`, so a second server process on the same PostgreSQL moves the others, never the same.
 */
export function createRunSimulation(deps: RunSimulationDeps) {
  const { database, catalog, migrations, connections, runs } = deps;

  return async function advance(now: Date): Promise<number> {
    return database.transaction(async (tx) => {
      const due = await runs.lockDue(tx, now, BATCH_SIZE);
      for (const run of due) await advanceRun(tx, run, now);
      return due.length;
    });
  };

  async function advanceRun(tx: Sql, run: RunRow, now: Date): Promise<void> {
    const machineRun = { kind: run.kind, status: run.status, stage: run.stage, answered: run.answers !== null };
    const check = pendingCheck(machineRun);
    const migration = await migrations.byId(tx, run.migration_id);
    const sheets = migration?.sheets ?? [];
    const connection = check === "connection" && run.connection_id ? await connections.byId(tx, run.connection_id) : undefined;
    const seen: Observation = {};
    if (check === "connection") seen.connection = await observeConnection(tx, connection);
    if (check === "mapping") seen.mapping = { sheetCount: sheets.length, questions: questionsFor(sheets, catalog) };

    const step = nextStep(machineRun, seen);
    await runs.update(
      tx,
      run.id,
      changesFor(step, {
        now,
        dueAt: new Date(now.getTime() + deps.stepMs),
        credentialRequest: () => credentialRequestFor(connection!, catalog.sourceKey(connection!.source_key)),
        report: () => (run.kind === "execute" ? executeReport(sheets, catalog) : null),
      }),
    );

    if ("extracted" in step && step.extracted && connection) {
      await connections.recordExtraction(tx, connection.id, extractionRecord(connection, catalog.sourceKey(connection.source_key), now), now);
    }
    // A generate or update that reaches its preview makes it the current one; an executed preview is used up.
    if (step.to === "awaiting_approval") await migrations.setPreview(tx, run.migration_id, run.id);
    if (step.to === "completed" && run.kind === "execute") await migrations.setPreview(tx, run.migration_id, null);
  }

  async function observeConnection(tx: Sql, connection: ConnectionRow | undefined): Promise<Observation["connection"]> {
    if (!connection) return "missing";
    const definition = catalog.sourceKey(connection.source_key);
    return credentialsAccepted(definition, await connections.credentials(tx, connection)) ? "ready" : "needs-credentials";
  }
}
