import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { Database, Sql } from "./database.js";

/**
 * The embedded database: PostgreSQL compiled to WASM, in memory or in a data directory.
 * PGlite has a single connection, so queries run one at a time; a transaction holds it.
 */
export async function openPgliteDatabase(dataDir?: string, template?: Blob): Promise<PgliteDatabase> {
  // PGlite makes only the last directory of the path; a fresh checkout has no .data/ yet.
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(template ? { loadDataDir: template } : {}) });
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
    dump: () => pglite.dumpDataDir("none"),
  };
}

/** A PGlite database can also be dumped whole (a tarball of its data directory). */
export type PgliteDatabase = Database & { dump: () => Promise<Blob> };

/** True when a data directory holds no database yet (so it may start from a template). */
export function isFreshDataDir(dataDir: string | undefined): boolean {
  return !dataDir || !existsSync(dataDir) || readdirSync(dataDir).length === 0;
}
