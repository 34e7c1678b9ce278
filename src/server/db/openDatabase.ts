import type { Database } from "./database.js";
import { openPgliteDatabase } from "./pgliteDatabase.js";
import { openPostgresDatabase } from "./postgresDatabase.js";
import { migrate } from "./migrate.js";

export type DatabaseOptions = {
  /** postgres://… to use a real PostgreSQL; otherwise the embedded PGlite. */
  databaseUrl?: string;
  /** PGlite's data directory; undefined keeps the data in memory. */
  pgliteDir?: string;
};

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const database = options.databaseUrl
    ? await openPostgresDatabase(options.databaseUrl)
    : await openPgliteDatabase(options.pgliteDir);
  try {
    await migrate(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
