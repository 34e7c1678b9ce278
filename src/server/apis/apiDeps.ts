import type { Logger } from "pino";
import type { ServerConfig } from "../config.js";
import type { Database } from "../db/database.js";
import type { Vault } from "../secrets/vault.js";
import type { Clock } from "../simulationClock.js";

/** What every API module is built from (the server is a factory: nothing here reads the environment). */
export type ApiDeps = {
  config: ServerConfig;
  database: Database;
  vault: Vault;
  logger: Logger;
  /** The time of simulated work (runs, executions) and of the timestamps it writes. */
  clock: Clock;
};
