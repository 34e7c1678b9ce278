import type { Sql } from "../../db/database.js";
import type { Fixtures } from "../../fixtures.js";
import { randomUUID } from "node:crypto";
import type { VernCatalog } from "./catalog.js";
import { DEFAULT_PROFILE, type ConnectionStore } from "./connectionStore.js";
import type { MigrationStore } from "./migrationStore.js";

type MigrationFixture = {
  id: string;
  accountId: string;
  name: string;
  source: string | null;
  external_id: string | null;
  templates: string[];
  sourceConnection?: { source_key: string; profile_id?: string | null; config?: Record<string, unknown>; selected_streams?: string[] | null };
};

/**
 * fixtures/vern/migrations.json: one demo migration per account, each with a source connection
 * whose credentials are not on file yet, so a first generate shows the credential prompt.
 * (Sources, templates and connector keys are global and stay in memory: see catalog.ts.)
 */
export async function seedVern(sql: Sql, fixtures: Fixtures, stores: { catalog: VernCatalog; migrations: MigrationStore; connections: ConnectionStore }): Promise<void> {
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
    await stores.connections.upsert(sql, row, {
      sourceKey: connection.source_key,
      profileId: connection.profile_id === undefined ? DEFAULT_PROFILE : connection.profile_id,
      config: connection.config ?? {},
      selectedStreams: connection.selected_streams ?? null,
      streamState: {},
    });
  }
}
