import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { Database, Sql } from "./database.js";

/**
 * The embedded database: PostgreSQL compiled to WASM, in memory or in a data directory.
 * PGlite has a single connection, so queries run one at a time; a transaction holds it.
 */
export async function openPgliteDatabase(dataDir?: string): Promise<Database> {
  // PGlite makes only the last directory of the path; a fresh checkout has no .data/ yet.
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir ? { dataDir } : {});
  const sql: Sql = {
    async query(text, params) {
      const result = await pglite.query(text, params as unknown[] | undefined);
      return result.rows as never[];
    },
  };
  return {
    kind: "pglite",
    location: dataDir ? `PGlite data directory ${dataDir}` : "PGlite in memory",
    query: sql.query,
    transaction: (work) =>
      pglite.transaction((tx) =>
        work({
          async query(text, params) {
            const result = await tx.query(text, params as unknown[] | undefined);
            return result.rows as never[];
          },
        }),
      ),
    close: () => pglite.close(),
  };
}
