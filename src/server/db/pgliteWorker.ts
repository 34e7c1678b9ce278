// The embedded databases' own thread: PGlite (PostgreSQL compiled to WASM) runs every statement
// here, so the server's thread only routes, validates and serialises. One worker per process
// holds every PGlite database the process opens (a test process opens many; a server, one), so
// it starts, loads PGlite and warms up once. Started by pgliteDatabase.ts with the WASM already
// compiled; it answers each request message with one reply of the same id.
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { preparedStatements, type PreparedQuery } from "./pglitePrepared.js";

export type WorkerInput = {
  /** PGlite's WASM, compiled once per process, and its file-system bundle (see pgliteDatabase.ts). */
  wasmModule: WebAssembly.Module;
  fsBundle: ArrayBuffer;
};

/** What one database is asked to do. */
export type DatabaseRequest =
  | { op: "open"; dataDir?: string; template?: ArrayBuffer }
  | { op: "query"; text: string; params: readonly unknown[]; tx?: number }
  | { op: "begin"; tx: number }
  | { op: "end"; tx: number; commit: boolean }
  | { op: "dump" }
  | { op: "close" };

/** A request as it crosses the thread: for database `db`, answered by a reply of the same `id`. */
export type WorkerRequest = DatabaseRequest & { id: number; db: number };

/** An error as it crosses the thread: its message and PostgreSQL's fields (code, constraint, detail…). */
export type CarriedError = { message: string; fields: Record<string, unknown> };

export type WorkerReply = { id: number; value?: unknown; error?: CarriedError } | { ready: true };

/**
 * PostgreSQL's settings for every embedded database, after PGlite's own start parameters. initdb
 * writes shared_buffers = 128MB, and PGlite touches the whole buffer pool when it starts: that
 * pool was 120 MiB of the worker's resident memory, for databases of a few megabytes. Given as
 * start parameters, not PGlite's `postgresqlconf`, which replaces the data directory's
 * postgresql.conf (and with it initdb's timezone = UTC).
 */
const START_SETTINGS = ["shared_buffers=16MB"];

/** Thrown into an open transaction to roll it back. */
class Rollback extends Error {}

/** One open database: its PGlite, and per open transaction how to end it and the promise of its end. */
type OpenDatabase = {
  pglite: PGlite;
  run: PreparedQuery;
  transactions: Map<number, { end: (commit: boolean) => void; done: Promise<void> }>;
};

function carry(error: unknown): CarriedError {
  if (!(error instanceof Error)) return { message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(error)) {
    if (value === undefined || typeof value === "function" || (typeof value === "object" && value !== null)) continue;
    fields[name] = value;
  }
  return { message: error.message, fields };
}

function serve(port: NonNullable<typeof parentPort>, input: WorkerInput): void {
  const databases = new Map<number, OpenDatabase>();
  const databaseOf = (db: number): OpenDatabase => {
    const open = databases.get(db);
    if (!open) throw new Error(`PGlite database ${db} is not open`);
    return open;
  };

  /** Opens a transaction and resolves once BEGIN is done; it stays open until an "end" request. */
  const begin = (database: OpenDatabase, tx: number) =>
    new Promise<void>((begun, failed) => {
      let end!: (commit: boolean) => void;
      const ended = new Promise<void>((commit, rollback) => (end = (c) => (c ? commit() : rollback(new Rollback()))));
      const done = database.pglite
        .transaction(async () => {
          begun();
          await ended;
        })
        .catch((error: unknown) => {
          if (!(error instanceof Rollback)) throw error;
        });
      database.transactions.set(tx, { end, done });
      done.catch((error: unknown) => {
        // BEGIN failed (no "end" will come), or COMMIT did (its "end" has already let go of it).
        database.transactions.delete(tx);
        failed(error);
      });
    });

  const handle = async (request: WorkerRequest): Promise<unknown> => {
    if (request.op === "open") {
      const pglite = await PGlite.create({
        pgliteWasmModule: input.wasmModule,
        fsBundle: new Blob([input.fsBundle]),
        startParams: [...PGlite.defaultStartParams, ...START_SETTINGS.flatMap((setting) => ["-c", setting])],
        ...(request.dataDir ? { dataDir: request.dataDir } : {}),
        ...(request.template ? { loadDataDir: new Blob([request.template]) } : {}),
      });
      databases.set(request.db, { pglite, run: preparedStatements(pglite), transactions: new Map() });
      return undefined;
    }
    const database = databaseOf(request.db);
    switch (request.op) {
      case "query":
        return database.run(request.text, request.params, request.tx !== undefined);
      case "begin":
        return begin(database, request.tx);
      case "end": {
        const transaction = database.transactions.get(request.tx);
        if (!transaction) throw new Error(`no open transaction ${request.tx}`);
        database.transactions.delete(request.tx);
        transaction.end(request.commit);
        return transaction.done;
      }
      case "dump":
        return (await database.pglite.dumpDataDir("none")).arrayBuffer();
      case "close":
        databases.delete(request.db);
        await database.pglite.close();
        return undefined;
    }
  };

  port.on("message", (request: WorkerRequest) => {
    handle(request).then(
      (value) => port.postMessage({ id: request.id, value } satisfies WorkerReply, value instanceof ArrayBuffer ? [value] : []),
      (error: unknown) => port.postMessage({ id: request.id, error: carry(error) } satisfies WorkerReply),
    );
  });
  port.postMessage({ ready: true } satisfies WorkerReply);
}

if (parentPort) serve(parentPort, workerData as WorkerInput);
