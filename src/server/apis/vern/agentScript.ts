import type { components } from "../../../generated/vern.js";
import type { SourceKeyDefinition, VernCatalog } from "./catalog.js";
import type { Question } from "./runMachine.js";

type Schemas = components["schemas"];

export type Sheet = { slug: string; name: string; sheet_id: string };

/** Rows the simulated source holds per template column: a fixed number, so every report is reproducible. */
const ROWS_PER_COLUMN = 50;

/**
 * What the simulated agent says and finds, deterministically (apis.md §3 leaves it [ours]).
 *
 * The question rule: the agent asks one question per template column that accepts only fixed
 * values (`strictRule.options`, e.g. Contacts → Status: Open, Closed, Pending), because the source
 * data is taken to hold values outside them. A migration without such a column is never asked.
 */
export function questionsFor(sheets: readonly Sheet[], catalog: VernCatalog): Question[] {
  const questions: Question[] = [];
  for (const sheet of sheets) {
    for (const column of catalog.template(sheet.slug)?.columns ?? []) {
      const options = column.strictRule?.options ?? [];
      if (options.length === 0) continue;
      questions.push({
        id: `q${questions.length + 1}`,
        question: `Some ${column.name} values aren't one of the allowed options (${options.join(", ")}). How should I handle them?`,
        context: `Rows of the ${sheet.name} sheet have a ${column.name} outside those options.`,
        options: [
          { id: "a", label: `Map them all to '${options[0]}'` },
          { id: "b", label: "Drop those rows" },
        ],
        allowCustom: true,
      });
    }
  }
  return questions;
}

/** The form a run blocked for credentials shows: schema and guidance from the catalog, never a value. */
export function credentialRequestFor(connection: { id: string; source_key: string }, definition: SourceKeyDefinition | undefined): Schemas["CredentialRequest"] {
  return {
    connection_id: connection.id,
    source_key: connection.source_key,
    source_name: definition?.name ?? connection.source_key,
    ...(definition?.reason ? { reason: definition.reason } : {}),
    guidance: definition?.guidance ?? {},
    schema: definition?.schema ?? {},
  };
}

/**
 * The simulated connector accepts credentials that give a non-empty value for every field of its
 * schema; anything less it rejects, and the run blocks for credentials again (apis.md §3).
 */
export function credentialsAccepted(definition: SourceKeyDefinition | undefined, values: Record<string, unknown> | undefined): boolean {
  if (!values || Object.keys(values).length === 0) return false;
  return Object.keys(definition?.schema ?? {}).every((field) => {
    const value = values[field];
    return value !== undefined && value !== null && value !== "";
  });
}

/** What an extraction leaves on the connection: the snapshot, the sync time and a cursor per stream. */
export function extractionRecord(
  connection: { selected_streams: string[] | null; stream_state: Record<string, unknown> },
  definition: SourceKeyDefinition | undefined,
  now: Date,
) {
  const streams = connection.selected_streams ?? definition?.streams ?? [];
  const takenAt = now.toISOString();
  return {
    lastSnapshot: { streams, file_count: streams.length, taken_at: takenAt },
    streamState: { ...connection.stream_state, ...Object.fromEntries(streams.map((s) => [s, { cursor: takenAt }])) },
  };
}

/** The report of a completed execute: every sheet imported in full, nothing left invalid. */
export function executeReport(sheets: readonly Sheet[], catalog: VernCatalog): Schemas["ExecuteReport"] {
  const columnCounts = sheets.map((sheet) => catalog.template(sheet.slug)?.columns.length ?? 0);
  const perSheet = sheets.map((sheet, i) => ({ templateName: sheet.name, sheetId: sheet.sheet_id, rowCount: columnCounts[i]! * ROWS_PER_COLUMN }));
  const columns = columnCounts.reduce((a, b) => a + b, 0);
  return {
    inserted: perSheet.reduce((n, s) => n + s.rowCount, 0),
    perSheet,
    invalidCellCount: 0,
    coverage: { columns_mapped: columns, columns_total: columns },
  };
}
