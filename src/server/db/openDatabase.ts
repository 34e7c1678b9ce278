import type { Logger } from "pino";
import type { ServerConfig } from "../config.js";
import type { Database } from "./database.js";
import { lockDataFolder } from "./dataFolderLock.js";
import { isFreshDataDir, openPgliteDatabase } from "./pgliteDatabase.js";
import { copyTemplateDirectory, readTemplate, templateKey, writeTemplate } from "./pgliteTemplate.js";
import { openPostgresDatabase } from "./postgresDatabase.js";
import { makePrivateTree } from "./privateFiles.js";
import { migrate } from "./migrate.js";

export type DatabaseOptions = {
  /** postgres://… to use a real PostgreSQL; otherwise the embedded PGlite. */
  databaseUrl?: string;
  /** PGlite's data directory; undefined keeps the data in memory. */
  pgliteDir?: string;
  /** Where templates of fresh PGlite databases are cached (a directory private to this user). */
  pgliteTemplateDir?: string;
  logger?: Logger;
};

/** Where the configuration keeps its database. */
export function databaseOptions(config: Pick<ServerConfig, "databaseUrl" | "pgliteDir" | "pgliteTemplateDir">, logger?: Logger): DatabaseOptions {
  return { databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir, pgliteTemplateDir: config.pgliteTemplateDir, logger };
}

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return migrated(await openPostgresDatabase(options.databaseUrl, options.logger));
  if (!options.pgliteDir) return openPglite(options);
  // One folder, one server; and the folder private to its user (0700, files 0600), before and
  // after PGlite writes to it (an entry point without a umask, e.g. a test, still ends private).
  const dir = options.pgliteDir;
  makePrivateTree(dir);
  const release = lockDataFolder(dir);
  try {
    const database = await openPglite(options);
    makePrivateTree(dir);
    return {
      ...database,
      close: async () => {
        try {
          await database.close();
          makePrivateTree(dir); // files PGlite made after start, when the entry point set no umask
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  const fresh = isFreshDataDir(options.pgliteDir);
  if (fresh && options.pgliteDir && options.pgliteTemplateDir) {
    // initdb grows a PGlite's WebAssembly memory to several times what the database later needs, and
    // that memory is never given back: the template is built in a worker of its own, which ends with it.
    const build = async (dir: string) => (await migrated(await openPgliteDatabase(dir, undefined, "own"))).close();
    if (await copyTemplateDirectory(options.pgliteTemplateDir, templateKey(), options.pgliteDir, build)) return migrated(await openPgliteDatabase(options.pgliteDir));
  }
  const key = fresh && options.pgliteTemplateDir ? templateKey() : undefined;
  const template = key ? readTemplate(options.pgliteTemplateDir!, key) : undefined;
  const database = await migrated(await openPgliteDatabase(options.pgliteDir, template));
  // The first fresh database (migrated, not yet seeded) becomes the template of later ones.
  if (key && !template) await writeTemplate(options.pgliteTemplateDir!, key, await database.dump()).catch(() => undefined);
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
