import type { Sql } from "../../db/database.js";
import type { Fixtures } from "../../fixtures.js";
import { randomUUID } from "node:crypto";
import type { VernCatalog } from "./catalog.js";
import { DEFAULT_PROFILE, type ConnectionStore } from "./connectionStore.js";
import { credentialRequestFor, questionsFor } from "./agentScript.js";
import type { MigrationRow, MigrationStore } from "./migrationStore.js";
import { STAGES, type Question } from "./runMachine.js";
import type { RunStore } from "./runStore.js";

type MigrationFixture = {
  id: string;
  accountId: string;
  name: string;
  source: string | null;
  external_id: string | null;
  templates: string[];
  sourceConnection?: { id?: string; source_key: string; profile_id?: string | null; config?: Record<string, unknown>; selected_streams?: string[] | null };
  run?: RunFixture;
};

/**
 * A generate run stopped where only a caller moves it on (the simulation moves only queued and
 * running runs): a preview awaiting approval (what update, clarify and execute resume), or blocked
 * for the connection's credentials (V11) or on questions (V12; the templates' own when omitted).
 */
type RunFixture =
  | { id: string; status: "awaiting_approval" }
  | { id: string; status: "blocked"; blocked_reason: "credentials" }
  | { id: string; status: "blocked"; blocked_reason: "question"; questions?: Question[] };

type VernStores = { catalog: VernCatalog; migrations: MigrationStore; connections: ConnectionStore; runs: RunStore };

/** The generate stage each stop happens at: the extract checks the connection, the mapping asks the questions. */
const STAGE_OF = {
  credentials: STAGES.generate.findIndex((s) => s.check === "connection"),
  question: STAGES.generate.findIndex((s) => s.check === "mapping"),
  awaiting_approval: STAGES.generate.length - 1,
} as const;

/**
 * fixtures/vern/migrations.json: one demo migration per account, each with a source connection
 * whose credentials are not on file yet, so a first generate shows the credential prompt; and Acme
 * migrations holding a run in each state the contract's run examples (V8 update/clarify/execute,
 * V9–V12) need, under the ids those examples use.
 * (Sources, templates and connector keys are global and stay in memory: see catalog.ts.)
 */
export async function seedVern(sql: Sql, fixtures: Fixtures, stores: VernStores): Promise<void> {
  for (const fixture of fixtures.read<MigrationFixture[]>("vern", "migrations")) {
    const sheets = fixture.templates.map((slug) => ({ slug, name: stores.catalog.template(slug)?.name ?? slug, sheet_id: randomUUID() }));
    const { row } = await stores.migrations.create(
      sql,
      fixture.accountId,
      { name: fixture.name, source: fixture.source, externalId: fixture.external_id, sheets },
      fixture.id,
    );
    const connection = fixture.sourceConnection;
    if (!connection) continue;
    const connectionRow = await stores.connections.upsert(sql, row, {
      ...(connection.id ? { id: connection.id } : {}),
      sourceKey: connection.source_key,
      profileId: connection.profile_id === undefined ? DEFAULT_PROFILE : connection.profile_id,
      config: connection.config ?? {},
      selectedStreams: connection.selected_streams ?? null,
      streamState: {},
    });
    if (fixture.run) await seedRun(sql, stores, row, connectionRow, fixture.run);
  }
}

async function seedRun(sql: Sql, stores: VernStores, migration: MigrationRow, connection: { id: string; source_key: string }, run: RunFixture): Promise<void> {
  const stop = run.status === "blocked" ? run.blocked_reason : run.status;
  const questions = run.status === "blocked" && run.blocked_reason === "question" ? (run.questions ?? questionsFor(migration.sheets, stores.catalog)) : null;
  if (questions?.length === 0) throw new Error(`Run ${run.id}: blocked on a question, but none given and its templates ask none.`);
  await stores.runs.insertStopped(sql, {
    id: run.id,
    account_id: migration.account_id,
    migration_id: migration.id,
    kind: "generate",
    status: run.status,
    stage: STAGE_OF[stop],
    connection_id: connection.id,
    blocked_reason: run.status === "blocked" ? run.blocked_reason : null,
    questions,
    credential_request: stop === "credentials" ? credentialRequestFor(connection, stores.catalog.sourceKey(connection.source_key)) : null,
  });
  if (run.status === "awaiting_approval") await stores.migrations.setPreview(sql, migration.id, run.id);
}
