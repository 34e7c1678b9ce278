import { readdir, readFile } from "node:fs/promises";
import { PACKAGE_FILES } from "../../packageFiles.js";
import type { Database } from "./database.js";

const MIGRATIONS_DIR = PACKAGE_FILES.migrations;

/** An arbitrary constant: the advisory lock that serialises migrations across server processes. */
const MIGRATION_LOCK = 7_340_221;

/**
 * Applies the numbered SQL files in ./migrations that have not run yet, in order, each in its own
 * transaction. One set of migrations serves PGlite and PostgreSQL alike. Two processes starting at
 * once on one PostgreSQL take turns through an advisory lock.
 */
export async function migrate(database: Database): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  await database.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await tx.query(
      "create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())",
    );
    const done = new Set((await tx.query<{ name: string }>("select name from schema_migrations")).map((r) => r.name));
    for (const file of files) {
      if (done.has(file)) continue;
      const text = await readFile(MIGRATIONS_DIR + file, "utf8");
      for (const statement of splitStatements(text)) await tx.query(statement);
      await tx.query("insert into schema_migrations (name) values ($1)", [file]);
      applied.push(file);
    }
  });
  return applied;
}

/** Splits a migration file on semicolons at line ends (the files hold no procedural code). */
function splitStatements(text: string): string[] {
  return text
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
    .filter(Boolean);
}
