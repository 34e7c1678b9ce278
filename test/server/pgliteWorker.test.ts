import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isUniqueViolation, sqlState } from "../../src/server/db/database.js";
import { openPgliteDatabase, WASM_COMPILATION_TASKS, type PgliteDatabase } from "../../src/server/db/pgliteDatabase.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * PGlite in its worker thread (src/server/db/pgliteWorker.ts) keeps what the in-thread database
 * promised: errors with PostgreSQL's fields, transactions that commit or roll back as a whole and
 * hold the database while open, databases of one process kept apart, text byte for byte, and an
 * idle worker that does not keep the process alive.
 */
describe("PGlite in a worker thread", () => {
  let one: PgliteDatabase;
  let two: PgliteDatabase;
  beforeAll(async () => {
    [one, two] = await Promise.all([openPgliteDatabase(), openPgliteDatabase()]);
    for (const db of [one, two]) await db.query("create table t (id int primary key, name text not null, constraint t_name_key unique (name))");
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
  });

  it("rejects with PostgreSQL's SQLSTATE and constraint, as callers read them", async () => {
    await one.query("insert into t (id, name) values ($1, $2)", [1, "taken"]);
    const error = await one.query("insert into t (id, name) values ($1, $2)", [2, "taken"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(sqlState(error)).toBe("23505");
    expect(isUniqueViolation(error, "t_name_key")).toBe(true);
    const syntax = await one.query("selec 1").catch((e: unknown) => e);
    expect(sqlState(syntax)).toBe("42601");
  });

  it("commits a transaction as a whole, rolls back one that throws, and serialises other statements behind an open one", async () => {
    await one.transaction(async (tx) => {
      await tx.query("insert into t (id, name) values ($1, $2)", [10, "a"]);
      await tx.query("insert into t (id, name) values ($1, $2)", [11, "b"]);
    });
    const failure = await one
      .transaction(async (tx) => {
        await tx.query("insert into t (id, name) values ($1, $2)", [12, "c"]);
        throw new Error("the work failed");
      })
      .catch((e: Error) => e.message);
    expect(failure).toBe("the work failed");
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = one.transaction(async (tx) => {
      await tx.query("insert into t (id, name) values ($1, $2)", [13, "d"]);
      order.push("inside");
      await held;
      order.push("commit");
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const outside = one.query<{ n: number }>("select count(*)::int as n from t where id >= 10").then((rows) => {
      order.push("outside");
      return rows[0]!.n;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await transaction;
    // The statement outside waited for the commit, and saw its row: 10, 11 and 13, never 12.
    expect(await outside).toBe(3);
    expect(order).toEqual(["inside", "commit", "outside"]);
  });

  it("keeps two databases of one process apart", async () => {
    await two.query("insert into t (id, name) values ($1, $2)", [1, "only in two"]);
    expect(await one.query("select name from t where id = 1")).toEqual([{ name: "taken" }]);
    expect(await two.query("select name from t where id = 1")).toEqual([{ name: "only in two" }]);
  });

  it("returns text byte for byte, a leading U+FEFF included, with and without parameters", async () => {
    const names = ["\uFEFF", "\uFEFFmark", "ünïcødé 🚀", "a\u200Bb"];
    for (const [i, name] of names.entries()) await two.query("insert into t (id, name) values ($1, $2)", [100 + i, name]);
    const rows = await two.query<{ name: string }>("select name from t where id >= 100 order by id");
    expect(rows.map((r) => r.name)).toEqual(names);
  });

  it("keeps a data directory's rows across a close and a reopen", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cc-pglite-worker-"));
    try {
      const first = await openPgliteDatabase(dir);
      await first.query("create table kept (v text)");
      await first.query("insert into kept (v) values ($1)", ["still here"]);
      await first.close();
      const again = await openPgliteDatabase(dir);
      expect(await again.query("select v from kept")).toEqual([{ v: "still here" }]);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs a database opened in a worker of its own apart from the shared one, and ends that worker when it closes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cc-pglite-own-"));
    try {
      const own = await openPgliteDatabase(dir, undefined, "own");
      await own.query("create table built (v text)");
      await own.query("insert into built (v) values ($1)", ["made apart"]);
      await own.close();
      // Its worker is gone: nothing answers for it any more (a closed database on the shared worker would still have a thread to ask).
      await expect(own.transaction(async () => undefined)).rejects.toThrow(/PGlite worker exited/);
      // The shared worker's databases were never touched, and the files are whole.
      expect(await one.query("select count(*)::int as n from t")).toEqual([{ n: expect.any(Number) }]);
      const again = await openPgliteDatabase(dir);
      expect(await again.query("select v from built")).toEqual([{ v: "made apart" }]);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("limits V8's WASM compile threads with a flag this Node's V8 still has (pgliteBinaries sets it at run time, where a V8 without it would ignore it)", () => {
    const options = spawnSync(process.execPath, ["--v8-options"], { encoding: "utf8" });
    expect(options.stdout).toMatch(/--wasm-num-compilation-tasks \(/);
    const run = spawnSync(process.execPath, [`--wasm-num-compilation-tasks=${WASM_COMPILATION_TASKS}`, "-e", "0"], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("does not keep a process alive once it has nothing to do (a script that forgets close() still ends)", () => {
    const script = [
      'import { openPgliteDatabase } from "./src/server/db/pgliteDatabase.ts";',
      "const db = await openPgliteDatabase();",
      'const [row] = await db.query("select $1::text as v", ["answered"]);',
      "console.log(row.v);",
    ].join("\n");
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: REPO_ROOT, encoding: "utf8", timeout: 30_000 });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("answered");
    expect(run.status, "exited by itself, not killed by the 30 s timeout").toBe(0);
  });
});
