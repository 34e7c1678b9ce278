import { describe, expect, it } from "vitest";
import { batchedWrites } from "../../src/server/db/batchedWrites.js";

/** A write to a recording "database": it answers each item doubled, after `gate` opens, and keeps every batch it was given. */
function recordingWrite(refuse: (items: readonly number[]) => Error | undefined = () => undefined) {
  const batches: number[][] = [];
  let open: () => void = () => undefined;
  let gate = Promise.resolve();
  return {
    batches,
    /** Holds every write until release() (as a busy database would). */
    hold: () => void (gate = new Promise<void>((resolve) => (open = resolve))),
    release: () => open(),
    writeAll: async (items: readonly number[]) => {
      batches.push([...items]);
      await gate;
      const refusal = refuse(items);
      if (refusal) throw refusal;
      return items.map((n) => n * 2);
    },
  };
}

const sqlError = (code: string) => Object.assign(new Error(`refused (${code})`), { code });

describe("batchedWrites (group commit)", () => {
  it("writes a lone call at once, as a batch of one", async () => {
    const db = recordingWrite();
    const write = batchedWrites(db.writeAll, { maxBatch: 10, maxInFlight: 1 });
    expect(await write(21)).toBe(42);
    expect(db.batches).toEqual([[21]]);
  });

  it("sends the calls of one turn together, and those that come during a write as the next batch, each answered with its own result", async () => {
    const db = recordingWrite();
    const write = batchedWrites(db.writeAll, { maxBatch: 10, maxInFlight: 1 });
    db.hold();
    const first = [write(1), write(2), write(3)];
    await new Promise((resolve) => setImmediate(resolve));
    const second = [write(4), write(5)];
    db.release();
    expect(await Promise.all([...first, ...second])).toEqual([2, 4, 6, 8, 10]);
    expect(db.batches).toEqual([[1, 2, 3], [4, 5]]);
  });

  it("never puts more than maxBatch items in one write, nor has more than maxInFlight writes out", async () => {
    let out = 0;
    let mostOut = 0;
    const sizes: number[] = [];
    const write = batchedWrites(
      async (items: readonly number[]) => {
        sizes.push(items.length);
        mostOut = Math.max(mostOut, ++out);
        await new Promise((resolve) => setTimeout(resolve, 2));
        out--;
        return items;
      },
      { maxBatch: 4, maxInFlight: 2 },
    );
    const items = Array.from({ length: 30 }, (_, i) => i);
    expect(await Promise.all(items.map(write))).toEqual(items);
    expect(Math.max(...sizes)).toBe(4);
    expect(mostOut).toBe(2);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(30);
  });

  it("writes each item alone when the database refuses a batch for its data: the others succeed, the culprit gets its own error", async () => {
    const db = recordingWrite((items) => (items.includes(13) ? sqlError("23514") : undefined));
    const write = batchedWrites(db.writeAll, { maxBatch: 10, maxInFlight: 1 });
    const outcomes = await Promise.allSettled([write(12), write(13), write(14)]);
    expect(outcomes.map((o) => (o.status === "fulfilled" ? o.value : (o.reason as { code: string }).code))).toEqual([24, "23514", 28]);
    expect(db.batches).toEqual([[12, 13, 14], [12], [13], [14]]);
  });

  it("does not retry a batch that failed for another reason (it may have committed): every item gets that error", async () => {
    const lost = sqlError("08006");
    const db = recordingWrite(() => lost);
    const write = batchedWrites(db.writeAll, { maxBatch: 10, maxInFlight: 1 });
    const outcomes = await Promise.allSettled([write(1), write(2)]);
    expect(outcomes).toEqual([{ status: "rejected", reason: lost }, { status: "rejected", reason: lost }]);
    expect(db.batches).toEqual([[1, 2]]);
  });

  it("rejects every item of a batch whose write answers the wrong number of results, and goes on with the next", async () => {
    let calls = 0;
    const write = batchedWrites(async (items: readonly number[]) => (calls++ === 0 ? items.slice(1) : items), { maxBatch: 10, maxInFlight: 1 });
    const outcomes = await Promise.allSettled([write(1), write(2)]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toContain("1 results for 2 items");
    expect(await write(3)).toBe(3);
  });
});
