import { createHash, randomBytes } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PACKAGE_FILES } from "../../packageFiles.js";
import { ensurePrivateDir, makePrivateTree, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from "./privateFiles.js";

const MIGRATIONS_DIR = PACKAGE_FILES.migrations;
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
 * A template is a whole database, triggers and all: one planted by someone else would run their
 * SQL in every fresh database (the shared os.tmpdir() allowed exactly that). So templates live in
 * a directory private to this user (0700, owned by them; `templateDir`, from the configuration),
 * and each is used only if its bytes hash to what was recorded when it was written, and the file
 * is this user's and not writable by others. Anything else is deleted and rebuilt, never used.
 */
export function readTemplate(templateDir: string, key: string): ArrayBuffer | undefined {
  if (!safeDir(templateDir)) return undefined;
  const file = join(templateDir, `${key}.tar.gz`);
  const hashFile = join(templateDir, `${key}.sha256`);
  if (!existsSync(file)) return undefined;
  const bytes = privateFile(file) && privateFile(hashFile) ? readFileSync(file) : undefined;
  if (bytes && sha256(bytes) === readFileSync(hashFile, "utf8").trim()) return ownBuffer(bytes);
  rmSync(file, { force: true });
  rmSync(hashFile, { force: true });
  return undefined;
}

/** Written to temporary names, then renamed (hash first): a concurrent reader sees a whole template with its hash, or none. */
export async function writeTemplate(templateDir: string, key: string, dump: Blob): Promise<void> {
  if (!safeDir(templateDir)) return;
  const bytes = Buffer.from(await dump.arrayBuffer());
  const suffix = randomBytes(4).toString("hex");
  const temporary = join(templateDir, `${key}.${suffix}.tmp`);
  const temporaryHash = join(templateDir, `${key}.${suffix}.sha256.tmp`);
  writeFileSync(temporaryHash, sha256(bytes), { mode: PRIVATE_FILE_MODE });
  writeFileSync(temporary, bytes, { mode: PRIVATE_FILE_MODE });
  renameSync(temporaryHash, join(templateDir, `${key}.sha256`));
  renameSync(temporary, join(templateDir, `${key}.tar.gz`));
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Whether templates may be read from and written to `dir`; a directory that was open to others is emptied first (anyone could have planted them). */
function safeDir(dir: string): boolean {
  try {
    const state = ensurePrivateDir(dir);
    if (state === "tightened") for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
    return state !== "refused";
  } catch {
    return false;
  }
}

/** A regular file of this user's that nobody else may write (not a link another user could aim elsewhere). */
function privateFile(file: string): boolean {
  try {
    const stat = lstatSync(file);
    const mine = typeof process.getuid !== "function" || stat.uid === process.getuid();
    return stat.isFile() && mine && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** The bytes as one ArrayBuffer of their own, to be moved to the PGlite worker: no copy of the 41 MB stays behind in this thread. */
function ownBuffer(bytes: Buffer): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
}

/**
 * A fresh data directory starts as a file copy of a template data directory (migrated, not yet
 * seeded), made once per key by `build` under a temporary name and renamed into place, so a
 * concurrent start sees a whole template or none. Restoring the tarball through PGlite's
 * loadDataDir instead left about 100 MiB of its copies in the worker for good; copying files
 * costs the server no memory. In-memory databases have no directory and keep the tarball.
 * The template directory gets the same protection as the tarball (see readTemplate): it lives in
 * the private `templateDir`, and is used only if the files it copies hash to what was recorded when
 * it was built (hashed as they are copied: see copyVerified); otherwise it is deleted and built
 * again. Returns false, with `dataDir` left empty, when no verified template could be copied.
 */
export async function copyTemplateDirectory(templateDir: string, key: string, dataDir: string, build: (dir: string) => Promise<void>): Promise<boolean> {
  if (!safeDir(templateDir)) return false;
  const template = join(templateDir, `${key}.pgdata`);
  const hashFile = join(templateDir, `${key}.pgdata.sha256`);
  if (existsSync(template)) {
    if (copyVerified(template, recordedHash(hashFile), dataDir)) return true;
    rmSync(template, { recursive: true, force: true });
    rmSync(hashFile, { force: true });
  }
  const suffix = randomBytes(4).toString("hex");
  const temporary = join(templateDir, `${key}.${suffix}.tmp`);
  try {
    await build(temporary);
    makePrivateTree(temporary); // PGlite leaves its files open to others when the entry point set no umask
    const hash = treeHash(temporary);
    if (!hash) return false;
    const temporaryHash = join(templateDir, `${key}.${suffix}.sha256.tmp`);
    writeFileSync(temporaryHash, hash, { mode: PRIVATE_FILE_MODE });
    renameSync(temporaryHash, hashFile);
    renameSync(temporary, template);
  } catch (error) {
    // Another process renamed its template first: use that one.
    if (!existsSync(template)) throw error;
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
  return copyVerified(template, recordedHash(hashFile), dataDir);
}

/**
 * Copies `template` into the empty `dataDir`, hashing the very bytes it writes: what is checked is
 * what is used, with no window between a check and a copy in which the files could change. On a
 * mismatch (or anything treeHash refuses) the copy is removed again and false returned.
 */
function copyVerified(template: string, expected: string | undefined, dataDir: string): boolean {
  try {
    if (expected && treeHash(template, dataDir) === expected) return true;
  } catch {
    // A file vanished mid-copy (another start replaced the template) or the disk is full: not verified.
  }
  if (existsSync(dataDir)) for (const name of readdirSync(dataDir)) rmSync(join(dataDir, name), { recursive: true, force: true });
  return false;
}

function recordedHash(hashFile: string): string | undefined {
  return privateFile(hashFile) ? readFileSync(hashFile, "utf8").trim() : undefined;
}

/**
 * SHA-256 over every file of a directory tree (relative names and contents, in sorted order), or
 * undefined if the tree holds anything but directories and regular files of this user's that
 * nobody else may write: a symbolic link (its target is not hashed, and a copy would point the new
 * data directory at a file elsewhere), a device, a pipe, or another user's file. With `copyTo`,
 * each file is written there from the same bytes that were hashed.
 */
export function treeHash(root: string, copyTo?: string): string | undefined {
  const hash = createHash("sha256");
  const walk = (relative: string): boolean => {
    const stat = lstatSync(join(root, relative));
    const mine = typeof process.getuid !== "function" || stat.uid === process.getuid();
    if (!mine || (stat.mode & 0o022) !== 0) return false;
    if (stat.isFile()) {
      const bytes = readFileSync(join(root, relative));
      hash.update(`${relative}\0`).update(bytes);
      if (copyTo) writeFileSync(join(copyTo, relative), bytes, { mode: PRIVATE_FILE_MODE });
      return true;
    }
    if (!stat.isDirectory()) return false;
    if (copyTo) mkdirSync(join(copyTo, relative), { recursive: true, mode: PRIVATE_DIR_MODE });
    return readdirSync(join(root, relative))
      .sort()
      .every((name) => walk(relative ? `${relative}/${name}` : name));
  };
  return walk("") ? hash.digest("hex") : undefined;
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
