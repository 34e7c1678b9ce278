import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { PRIVATE_FILE_MODE } from "./privateFiles.js";

/** A second server on a PGlite folder another live server holds. */
export class DataFolderInUseError extends Error {}

type Holder = { pid: number; host: string };

/**
 * One data folder, one server: PGlite has no lock of its own, and two servers on one folder each
 * wrote over the other's files (one's writes were lost on restart). The lock is a file next to
 * the folder (`<folder>.lock`, not inside it, so a fresh folder stays empty for the template)
 * holding the holder's pid. A lock whose pid is no longer running (the holder was SIGKILLed or
 * crashed) is stale and taken over.
 *
 * Why not proper-lockfile: it decides staleness by the lock's mtime, refreshed on a timer, so a
 * SIGKILLed holder's lock stays for its whole `stale` period, a busy event loop that misses a
 * refresh makes the live holder "compromised" (it throws), and it records no pid to name. A pid
 * check answers at once and names the holder. (Only on one machine: a folder on a network share
 * used from two hosts is not protected; the host is recorded and named.)
 *
 * Returns the release function (idempotent; also run when the process exits).
 */
export function lockDataFolder(folder: string): () => void {
  const lockFile = `${resolve(folder)}.lock`;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(lockFile)) return releaser(lockFile);
    const holder = readHolder(lockFile);
    if (holder && holder.pid !== process.pid && (holder.host !== hostname() || isRunning(holder.pid))) {
      throw new DataFolderInUseError(
        `the PGlite data folder ${resolve(folder)} is in use by another server (pid ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ""}). ` +
          `Stop that server first, or start this one on another folder (--pglite-dir <dir>, or PGLITE_DIR=memory). ` +
          `If no such server runs, remove ${lockFile}.`,
      );
    }
    if (holder?.pid === process.pid) {
      throw new DataFolderInUseError(`the PGlite data folder ${resolve(folder)} is already open in this process (pid ${process.pid}).`);
    }
    // Stale (its holder is gone) or still being written: move it aside atomically, then try again.
    if (holder) retire(lockFile);
  }
  throw new DataFolderInUseError(`could not take the lock ${lockFile} of the PGlite data folder ${resolve(folder)}; remove it if no server uses the folder.`);
}

/** Creates the lock with our pid in one step (written aside, then hard-linked: a reader never sees it half-written). */
function tryCreate(lockFile: string): boolean {
  const temporary = `${lockFile}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(temporary, JSON.stringify({ pid: process.pid, host: hostname() } satisfies Holder), { mode: PRIVATE_FILE_MODE });
  try {
    linkSync(temporary, lockFile);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new DataFolderInUseError(`the folder ${dirname(lockFile)} does not exist`);
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
}

function readHolder(lockFile: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(lockFile, "utf8")) as Partial<Holder>;
    if (typeof holder.pid === "number" && typeof holder.host === "string") return { pid: holder.pid, host: holder.host };
  } catch {
    // Gone since, or not ours to understand: treated as stale below.
  }
  return { pid: 0, host: hostname() };
}

/** Whether a process with this pid runs (EPERM: it does, as another user). */
function isRunning(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Renames a stale lock away (rename is atomic: of two servers retiring it at once, one does; the other retries). */
function retire(lockFile: string): void {
  const aside = `${lockFile}.stale.${randomBytes(4).toString("hex")}`;
  try {
    renameSync(lockFile, aside);
    rmSync(aside, { force: true });
  } catch {
    // Someone else retired it first.
  }
}

function releaser(lockFile: string): () => void {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener("exit", release);
    const holder = readHolder(lockFile);
    if (holder?.pid === process.pid) rmSync(lockFile, { force: true });
  };
  process.once("exit", release);
  return release;
}
