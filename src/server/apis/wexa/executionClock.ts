import type { Database } from "../../db/database.js";
import { catchUp, isDue } from "./executionLifecycle.js";
import type { ExecutionRow, ExecutionStore } from "./executionStore.js";

/** Rows advanced per transaction, so one tick never holds many locks for long. */
const BATCH_SIZE = 100;

/**
 * Moves every due execution forward to `now` (the simulation clock calls this every half step;
 * reads call it for one account so they are never stale). Returns how many rows changed.
 */
export async function advanceExecutions(database: Database, executions: ExecutionStore, now: Date, accountId?: string): Promise<number> {
  let changed = 0;
  for (;;) {
    const batch = await database.transaction(async (tx) => {
      const due = await executions.lockDue(tx, now, BATCH_SIZE, accountId);
      for (const row of due) await executions.save(tx, row.id, catchUp(row, now));
      return due.length;
    });
    changed += batch;
    if (batch < BATCH_SIZE) return changed;
  }
}

/** One execution as of `now`: a step that fell due since the last tick is run before it is shown. */
export async function readFresh(database: Database, executions: ExecutionStore, accountId: string, id: string, now: Date): Promise<ExecutionRow> {
  const row = await executions.get(database, accountId, id);
  if (!isDue(row, now)) return row;
  return database.transaction(async (tx) => {
    const locked = await executions.get(tx, accountId, id, { lock: true });
    const progress = catchUp(locked, now);
    if (progress !== locked) await executions.save(tx, id, progress);
    return { ...locked, ...progress };
  });
}
