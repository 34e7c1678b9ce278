import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import type { Database } from "./database.js";
import { preparedStatements } from "./pglitePrepared.js";
import { ALONE_FOR_GOOD } from "./serverPresence.js";

/**
 * The embedded database: PostgreSQL compiled to WASM, in memory or in a data directory.
 * PGlite has a single connection, so queries run one at a time; a transaction holds it.
 */
export async function openPgliteDatabase(dataDir?: string, template?: Blob): Promise<PgliteDatabase> {
  // PGlite makes only the last directory of the path; a fresh checkout has no .data/ yet.
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(template ? { loadDataDir: template } : {}) });
  const runPrepared = preparedStatements(pglite);
  // Statements with parameters are prepared once; those without (begin, DDL) go as they are, as on PostgreSQL.
  const run = async (text: string, params: readonly unknown[] | undefined, tx?: Transaction) => {
    // Every statement, with parameters or not, goes through the prepared path (see there why).
    return (await runPrepared(text, params ?? [], tx !== undefined)) as never[];
  };
  return {
    kind: "pglite",
    location: dataDir ? `PGlite data directory ${dataDir}` : "PGlite in memory",
    presence: ALONE_FOR_GOOD,
    query: (text, params) => run(text, params),
    transaction: (work) =>
      pglite.transaction((tx) => work({ query: (text, params) => run(text, params, tx) })),
    close: () => pglite.close(),
    dump: () => pglite.dumpDataDir("none"),
  };
}

/** A PGlite database can also be dumped whole (a tarball of its data directory). */
export type PgliteDatabase = Database & { dump: () => Promise<Blob> };

/** True when a data directory holds no database yet (so it may start from a template). */
export function isFreshDataDir(dataDir: string | undefined): boolean {
  return !dataDir || !existsSync(dataDir) || readdirSync(dataDir).length === 0;
}
