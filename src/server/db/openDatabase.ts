import type { Logger } from "pino";
import type { Database } from "./database.js";
import { isFreshDataDir, openPgliteDatabase } from "./pgliteDatabase.js";
import { copyTemplateDirectory, readTemplate, templateKey, writeTemplate } from "./pgliteTemplate.js";
import { openPostgresDatabase } from "./postgresDatabase.js";
import { migrate } from "./migrate.js";

export type DatabaseOptions = {
  /** postgres://… to use a real PostgreSQL; otherwise the embedded PGlite. */
  databaseUrl?: string;
  /** PGlite's data directory; undefined keeps the data in memory. */
  pgliteDir?: string;
  logger?: Logger;
};

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return migrated(await openPostgresDatabase(options.databaseUrl, options.logger));
  const fresh = isFreshDataDir(options.pgliteDir);
  if (fresh && options.pgliteDir) {
    await copyTemplateDirectory(templateKey(), options.pgliteDir, async (dir) => (await migrated(await openPgliteDatabase(dir))).close());
    return migrated(await openPgliteDatabase(options.pgliteDir));
  }
  const key = fresh ? templateKey() : undefined;
  const template = key ? readTemplate(key) : undefined;
  const database = await migrated(await openPgliteDatabase(options.pgliteDir, template));
  // The first fresh database (migrated, not yet seeded) becomes the template of later ones.
  if (key && !template) await writeTemplate(key, await database.dump()).catch(() => undefined);
  return database;
}

async function migrated<D extends Database>(database: D): Promise<D> {
  try {
    await migrate(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
