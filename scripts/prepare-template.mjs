// `npm ci`'s prepare, after the build: makes this machine's PGlite template (initdb and the
// migrations, about 2-3 s) now, so that the first `npm start` after an install copies it instead
// of running initdb before its first answer. A failure here must not fail an install: the server
// builds the template itself on its first start, as it does where the package is installed from a
// tarball (prepare does not run there).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const { loadConfig } = await import("../dist/server/config.js");
const { databaseOptions, openDatabase } = await import("../dist/server/db/openDatabase.js");

process.umask(0o077);
const scratch = mkdtempSync(join(tmpdir(), "cc-template-"));
try {
  // Only the template folder comes from the environment: a DATABASE_URL set for the tests must not turn this into a PostgreSQL run.
  const env = { PGLITE_DIR: join(scratch, "pglite"), ...(process.env.PGLITE_TEMPLATE_DIR ? { PGLITE_TEMPLATE_DIR: process.env.PGLITE_TEMPLATE_DIR } : {}) };
  const database = await openDatabase(databaseOptions(loadConfig(env)));
  await database.close();
} catch (error) {
  console.warn(`note: the PGlite template was not prepared now (${error instanceof Error ? error.message : error}); the first start makes it.`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
