import { createHash, randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
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

/**
 * The template's bytes as one ArrayBuffer of their own, to be moved to the PGlite worker: no Blob
 * or copy of the 41 MB stays behind in the server's thread waiting for a garbage collection.
 */
export function readTemplate(key: string): ArrayBuffer | undefined {
  const file = join(TEMPLATE_DIR, `${key}.tar.gz`);
  if (!existsSync(file)) return undefined;
  const bytes = readFileSync(file);
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
}

/** Written to a temporary name, then renamed: a concurrent reader sees a whole template or none. */
export async function writeTemplate(key: string, dump: Blob): Promise<void> {
  mkdirSync(TEMPLATE_DIR, { recursive: true });
  const temporary = join(TEMPLATE_DIR, `${key}.${randomBytes(4).toString("hex")}.tmp`);
  writeFileSync(temporary, Buffer.from(await dump.arrayBuffer()));
  renameSync(temporary, join(TEMPLATE_DIR, `${key}.tar.gz`));
}

/**
 * A fresh data directory starts as a file copy of a template data directory (migrated, not yet
 * seeded), made once per key by `build` under a temporary name and renamed into place, so a
 * concurrent start sees a whole template or none. Restoring the tarball through PGlite's
 * loadDataDir instead left about 100 MiB of its copies in the worker for good; copying files
 * costs the server no memory. In-memory databases have no directory and keep the tarball.
 */
export async function copyTemplateDirectory(key: string, dataDir: string, build: (dir: string) => Promise<void>): Promise<void> {
  const template = join(TEMPLATE_DIR, `${key}.pgdata`);
  if (!existsSync(template)) {
    mkdirSync(TEMPLATE_DIR, { recursive: true });
    const temporary = join(TEMPLATE_DIR, `${key}.${randomBytes(4).toString("hex")}.tmp`);
    try {
      await build(temporary);
      renameSync(temporary, template);
    } catch (error) {
      // Another process renamed its template first: use that one.
      if (!existsSync(template)) throw error;
    } finally {
      rmSync(temporary, { recursive: true, force: true });
    }
  }
  cpSync(template, dataDir, { recursive: true });
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
