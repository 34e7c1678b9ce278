import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { setFlagsFromString } from "node:v8";
import { Worker } from "node:worker_threads";
import { RUNNING_FROM_SOURCE } from "../../packageFiles.js";
import type { Database } from "./database.js";
import type { CarriedError, DatabaseRequest, WorkerInput, WorkerReply, WorkerRequest } from "./pgliteWorker.js";
import { ALONE_FOR_GOOD } from "./serverPresence.js";

/**
 * Which worker thread runs a database: the process's shared one, or one of its own that ends when
 * the database closes. A WebAssembly memory never shrinks, so work that grows it for a moment
 * (initdb of a fresh database) belongs in a worker of its own: its memory goes when the worker does.
 */
export type PgliteThread = "shared" | "own";

/**
 * The embedded database: PostgreSQL compiled to WASM, in memory or in a data directory.
 * PGlite has a single connection, so queries run one at a time; a transaction holds it.
 *
 * PGlite runs in a worker thread (pgliteWorker.ts), one per process for all its databases: the
 * WASM work of a statement (about 0.45 ms of a Merge create on this machine) no longer holds up
 * the thread that answers HTTP, so the two use two cores.
 */
export async function openPgliteDatabase(dataDir?: string, template?: ArrayBuffer, thread: PgliteThread = "shared"): Promise<PgliteDatabase> {
  // PGlite makes only the last directory of the path; a fresh checkout has no .data/ yet.
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const worker = thread === "own" ? await startWorker(() => undefined) : await pgliteWorker();
  const db = nextDatabase++;
  const ask = (request: DatabaseRequest) => worker.ask(db, request);
  // The template (41 MB) is moved to the worker, not copied.
  try {
    await worker.ask(db, { op: "open", ...(dataDir ? { dataDir } : {}), ...(template ? { template } : {}) }, template ? [template] : []);
  } catch (error) {
    if (thread === "own") await worker.terminate();
    throw error;
  }

  let nextTransaction = 1;
  let closed = false;
  return {
    kind: "pglite",
    location: dataDir ? `PGlite data directory ${dataDir}` : "PGlite in memory",
    presence: ALONE_FOR_GOOD,
    query: async (text, params) => (await ask({ op: "query", text, params: params ?? [] })) as never[],
    async transaction(work) {
      const tx = nextTransaction++;
      await ask({ op: "begin", tx });
      let value;
      try {
        value = await work({ query: async (text, params) => (await ask({ op: "query", text, params: params ?? [], tx })) as never[] });
      } catch (error) {
        await ask({ op: "end", tx, commit: false }).catch(() => undefined);
        throw error;
      }
      await ask({ op: "end", tx, commit: true });
      return value;
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await ask({ op: "close" });
      } finally {
        if (thread === "own") await worker.terminate();
      }
    },
    dump: async () => new Blob([(await ask({ op: "dump" })) as ArrayBuffer]),
  };
}

type WorkerClient = {
  ask: (db: number, request: DatabaseRequest, transfer?: ArrayBuffer[]) => Promise<unknown>;
  /** Ends the thread, and with it every database it holds and all its memory. */
  terminate: () => Promise<void>;
};

let nextDatabase = 1;
let shared: Promise<WorkerClient> | undefined;

/** The process's PGlite worker, started on first use (and again if it ever dies). */
function pgliteWorker(): Promise<WorkerClient> {
  shared ??= startWorker(() => (shared = undefined)).catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

/**
 * Compiled, the worker is plain JavaScript beside this file. From the sources (vitest, tsx) it is
 * TypeScript, and a worker thread does not inherit its parent's loader: the boot file registers
 * tsx (a devDependency, present wherever the sources run) and then loads it.
 */
const WORKER_ENTRY = new URL(RUNNING_FROM_SOURCE ? "./pgliteWorkerBoot.mjs" : "./pgliteWorker.js", import.meta.url);

/** Starts a PGlite worker; `onLost` is called when it fails or exits. */
async function startWorker(onLost: () => void): Promise<WorkerClient> {
  const input: WorkerInput = await pgliteBinaries();
  const worker = new Worker(WORKER_ENTRY, { workerData: input, execArgv: [] });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let gone: Error | undefined;
  const lose = (error: Error) => {
    gone ??= error;
    onLost();
    for (const { reject } of pending.values()) reject(gone);
    pending.clear();
  };

  // Requests are posted at once, not after the worker says it is ready: they wait in its queue, so
  // it opens the database as soon as it has loaded PGlite, even while this thread is busy (loading
  // the rest of the server) and could not yet have read a "ready".
  worker.on("message", (reply: WorkerReply) => {
    if ("ready" in reply) {
      // An idle worker does not hold the process open, as an idle in-thread PGlite did not.
      if (pending.size === 0) worker.unref();
      return;
    }
    const caller = pending.get(reply.id);
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if (reply.error) caller?.reject(uncarry(reply.error));
    else caller?.resolve(reply.value);
  });
  worker.on("error", (error) => lose(new Error(`the PGlite worker failed: ${error.message}`, { cause: error })));
  worker.on("exit", (code) => lose(new Error(`the PGlite worker exited (code ${code})`)));

  return {
    ask: (db, request, transfer = []) => {
      if (gone) return Promise.reject(gone);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        // The worker holds the process open only while a request is out.
        if (pending.size === 0) worker.ref();
        pending.set(id, { resolve, reject });
        worker.postMessage({ ...request, id, db } satisfies WorkerRequest, transfer);
      });
    },
    terminate: async () => {
      await worker.terminate();
    },
  };
}

let binaries: Promise<WorkerInput> | undefined;

export const WASM_COMPILATION_TASKS = 1;

/** PGlite's WASM, compiled once per process, and its file-system bundle: what the worker would otherwise load itself. */
function pgliteBinaries(): Promise<WorkerInput> {
  binaries ??= (async () => {
    const require = createRequire(import.meta.url);
    // V8 compiles PGlite's WASM (and later re-compiles its hot functions) on as many background
    // threads as it has, and each thread keeps the memory it compiled in (its own malloc arena)
    // for the life of the process: tens of MiB per thread. One compile thread keeps one arena. The
    // flag is read when a compilation starts, so setting it now holds (test/server/pgliteWorker.test.ts
    // fails if this Node's V8 no longer knows it).
    setFlagsFromString(`--wasm-num-compilation-tasks=${WASM_COMPILATION_TASKS}`);
    const wasmModule = await WebAssembly.compile(readFileSync(require.resolve("@electric-sql/pglite/pglite.wasm")));
    const bundle = readFileSync(require.resolve("@electric-sql/pglite/pglite.data"));
    return { wasmModule, fsBundle: bundle.buffer.slice(bundle.byteOffset, bundle.byteOffset + bundle.byteLength) };
  })();
  return binaries;
}

/** The worker's error, rebuilt with PostgreSQL's fields (code, constraint…) that callers read. */
function uncarry(carried: CarriedError): Error {
  return Object.assign(new Error(carried.message), carried.fields);
}

/** A PGlite database can also be dumped whole (a tarball of its data directory). */
export type PgliteDatabase = Database & { dump: () => Promise<Blob> };

/** True when a data directory holds no database yet (so it may start from a template). */
export function isFreshDataDir(dataDir: string | undefined): boolean {
  return !dataDir || !existsSync(dataDir) || readdirSync(dataDir).length === 0;
}
