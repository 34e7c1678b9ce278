import type { components } from "../../../generated/vern.js";
import type { TemplateDefinition, VernCatalog } from "./catalog.js";
import type { ConnectionRow } from "./connectionStore.js";
import type { MigrationRow } from "./migrationStore.js";
import type { RunRow } from "./runStore.js";

type Schemas = components["schemas"];

export function presentMigration(row: MigrationRow): Schemas["Migration"] {
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    external_id: row.external_id,
    status: row.status,
    templates: row.sheets.map(({ slug, name }) => ({ slug, name })),
  };
}

/** A template without the catalog's own `active` flag. */
export function presentTemplate({ active: _active, ...template }: TemplateDefinition): Schemas["Template"] {
  return template;
}

/** A connection as the contract shows it: `creds_configured` is the only thing said about its secrets. */
export function presentConnection(row: ConnectionRow, catalog: VernCatalog): Schemas["SourceConnection"] {
  const definition = catalog.sourceKey(row.source_key);
  return {
    id: row.id,
    profile_id: row.profile_id,
    source_key: row.source_key,
    name: definition?.name ?? row.source_key,
    category: definition?.category ?? null,
    config: row.config,
    selected_streams: row.selected_streams,
    stream_state: row.stream_state,
    creds_configured: row.credentials_secret_id !== null,
    bound_source_extractor_id: row.bound_source_extractor_id,
    last_snapshot: row.last_snapshot,
    last_sync_at: row.last_sync_at?.toISOString() ?? null,
  };
}

/** A polled run: run_id, status and the times always; the rest only in the states that carry it (the `Run` table). */
export function presentRun(row: RunRow): Schemas["Run"] {
  return {
    run_id: row.id,
    kind: row.kind,
    status: row.status,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    ...stateFields(row),
    ...(row.answers !== null ? { answers: row.answers } : {}),
  };
}

function stateFields(row: RunRow): Partial<Schemas["Run"]> {
  switch (row.status) {
    case "queued":
    case "running":
      return { message: row.message };
    case "blocked":
      return row.blocked_reason === "credentials"
        ? { blocked_reason: "credentials", credential_request: row.credential_request! }
        : { blocked_reason: "question", questions: row.questions ?? [] };
    case "completed":
      return row.report ? { report: row.report } : {};
    case "failed":
      return { error: row.error ?? "The run failed." };
    default:
      return {};
  }
}
