import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PACKAGE_FILES } from "../../packageFiles.js";

const MIGRATIONS_DIR = PACKAGE_FILES.migrations;
const TEMPLATE_DIR = join(tmpdir(), "connector-contracts-pglite-templates");
const PGLITE_VERSION = packageVersion("@electric-sql/pglite");

/**
 * A fresh PGlite spends about 2 s in initdb; restoring a dump of one takes about 0.6 s. The first
 * fresh database this machine makes is dumped, already migrated, and later fresh ones start from
 * that dump. The key covers PGlite's version and every migration file, so a change to either makes
 * a new template; a restored database still runs migrate(), which finds nothing left to do.
 */
export function templateKey(): string {
  const hash = createHash("sha256").update(PGLITE_VERSION);
  for (const file of readdirSync(MIGRATIONS_DIR).sort()) hash.update(file).update(readFileSync(join(MIGRATIONS_DIR, file)));
  return hash.digest("hex").slice(0, 16);
}

export function readTemplate(key: string): Blob | undefined {
  const file = join(TEMPLATE_DIR, `${key}.tar.gz`);
  return existsSync(file) ? new Blob([readFileSync(file)]) : undefined;
}

/** Written to a temporary name, then renamed: a concurrent reader sees a whole template or none. */
export async function writeTemplate(key: string, dump: Blob): Promise<void> {
  mkdirSync(TEMPLATE_DIR, { recursive: true });
  const temporary = join(TEMPLATE_DIR, `${key}.${randomBytes(4).toString("hex")}.tmp`);
  writeFileSync(temporary, Buffer.from(await dump.arrayBuffer()));
  renameSync(temporary, join(TEMPLATE_DIR, `${key}.tar.gz`));
}

/** A dependency's version, from the package.json above its entry point (PGlite does not export that file). */
function packageVersion(name: string): string {
  let dir = dirname(createRequire(import.meta.url).resolve(name));
  while (dir !== dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (json.name === name) return json.version ?? "unknown";
    }
    dir = dirname(dir);
  }
  return "unknown";
}
