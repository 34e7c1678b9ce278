import type { Logger } from "pino";
import type { ServerConfig } from "../config.js";
import type { Database } from "../db/database.js";
import type { Vault } from "../secrets/vault.js";
import type { Clock } from "../simulationClock.js";
import type { Fixtures } from "../fixtures.js";

/** What every API module is built from (the server is a factory: nothing here reads the environment). */
export type ApiDeps = {
  config: ServerConfig;
  database: Database;
  vault: Vault;
  logger: Logger;
  /** The port the server listens on, once it does (EvalStudio refuses agent calls back into it). */
  listeningPort?: () => number | undefined;
  /** The time of simulated work (runs, executions) and of the timestamps it writes. */
  clock: Clock;
  /** Seed data, keys and catalogs: fixtures/ or the user's seed folder. */
  fixtures: Fixtures;
};
