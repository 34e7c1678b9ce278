import type { Database } from "../../db/database.js";
import type { Clock } from "../../simulationClock.js";
import type { VernCatalog } from "./catalog.js";
import type { ConnectionStore } from "./connectionStore.js";
import type { MigrationStore } from "./migrationStore.js";
import type { RunStore } from "./runStore.js";

/** What Vern's handlers work with: the database, the in-memory catalog and the three stores. */
export type VernContext = {
  database: Database;
  catalog: VernCatalog;
  migrations: MigrationStore;
  connections: ConnectionStore;
  runs: RunStore;
  /** One simulation step (SIM_STEP_MS): a new or resumed run's next transition is due this long after now. */
  stepMs: number;
  /** The simulation clock: runs move, and their timestamps are written, on its time. */
  clock: Clock;
};
