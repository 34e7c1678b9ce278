import { chmodSync, lstatSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Owner-only modes: what a directory and a file of the server's data get (PostgreSQL's own: pg_dir_create_mode, pg_file_create_mode). */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export class NotPrivateError extends Error {}

/**
 * Makes `dir` (created if missing) and everything below it private to this user: directories
 * 0700, files 0600. PGlite's WASM file system created its files world-writable (1,050 of 1,053),
 * so a directory from an older version is tightened here at every start. Symbolic links are not
 * followed. A directory owned by another user is refused, not used.
 */
export function makePrivateTree(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const owner = lstatSync(dir).uid;
  if (typeof process.getuid === "function" && owner !== process.getuid()) {
    throw new NotPrivateError(`the data directory ${dir} belongs to user id ${owner}, not to this user (${process.getuid()}): it cannot be kept private`);
  }
  tighten(dir);
}

function tighten(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if ((stat.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(path, PRIVATE_DIR_MODE);
    for (const name of readdirSync(path)) tighten(join(path, name));
  } else if ((stat.mode & 0o777 & ~PRIVATE_FILE_MODE) !== 0) {
    chmodSync(path, stat.mode & PRIVATE_FILE_MODE);
  }
}

/**
 * Makes sure `dir` is a directory only this user can read or write: owned by the current user, no
 * group or other permission bits. "made" when it did not exist, "private" when it already was,
 * "tightened" when it was ours but open to others (whatever it holds may have been put there by
 * someone else), "refused" when it is someone else's or not a directory (do not use it).
 */
export function ensurePrivateDir(dir: string): "made" | "private" | "tightened" | "refused" {
  let existed = true;
  try {
    lstatSync(dir);
  } catch {
    existed = false;
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  }
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) return "refused";
  if (typeof process.getuid === "function" && stat.uid !== process.getuid()) return "refused";
  if ((stat.mode & 0o077) === 0) return existed ? "private" : "made";
  chmodSync(dir, PRIVATE_DIR_MODE);
  return "tightened";
}
