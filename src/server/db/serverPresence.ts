import pg from "pg";
import type { Logger } from "pino";

/**
 * Whether this process is the only server writing to its database. Only then may it keep answers
 * of reads in memory (src/server/http/readCache.ts): every change passes through it.
 */
export interface ServerPresence {
  readonly alone: boolean;
  /** Called once, at the moment `alone` turns false (before the other server writes anything). */
  onJoined(listener: () => void): void;
  close(): Promise<void>;
}

/** Embedded PGlite: its data directory belongs to this process. */
export const ALONE_FOR_GOOD: ServerPresence = { alone: true, onJoined: () => undefined, close: async () => undefined };

const CHANNEL = "connector_contracts_servers";
/** How long a joining server waits for the one already there to stop caching. */
const STEP_DOWN_TIMEOUT_MS = 15_000;

export class PresenceTimeoutError extends Error {}

/** SQLSTATE of a statement cancelled by statement_timeout. */
const QUERY_CANCELED = "57014";

/** application_name of the connection that holds the lock (as pg_stat_activity shows it). */
export const LOCK_CONNECTION_NAME = "connector-contracts read-cache lock";

/**
 * Servers on one PostgreSQL database (and schema) agree who may cache, with one advisory lock
 * held on a connection of its own. The first server takes it exclusively and caches. A server
 * that finds it taken announces itself (NOTIFY) and waits for a shared hold; the server holding
 * it exclusively hears the announcement, stops caching, and only then trades its exclusive hold
 * for a shared one, so no write of the newcomer can reach a cache. From then on every server
 * reads from PostgreSQL, until a server that finds nobody else holding the lock (all the others
 * have stopped) starts alone again. If the lock's connection is lost the server stops caching for
 * good and rejoins as a sharer, announcing itself again.
 */
/**
 * Announces this server and waits for a shared hold, announcing again every second: a server that
 * took the lock just after an announcement (the one before it left) hears the next one.
 */
async function waitForSharedHold(connection: pg.Client, key: string, schema: string): Promise<void> {
  const deadline = performance.now() + STEP_DOWN_TIMEOUT_MS;
  await connection.query("set statement_timeout = 1000");
  try {
    for (;;) {
      await connection.query("select pg_notify($1, $2)", [CHANNEL, schema]);
      try {
        await connection.query("select pg_advisory_lock_shared($1::bigint)", [key]);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== QUERY_CANCELED) throw error;
        if (performance.now() >= deadline) {
          throw new PresenceTimeoutError(
            `another server on this database (schema ${schema}) holds the read-cache lock and did not hand it over within ${STEP_DOWN_TIMEOUT_MS / 1000} s`,
          );
        }
      }
    }
  } finally {
    await connection.query("set statement_timeout = 0");
  }
}

export async function joinServers(url: string, logger?: Logger): Promise<ServerPresence> {
  const listeners: Array<() => void> = [];
  let alone = false;
  let closed = false;
  let client: pg.Client;

  const stopCaching = () => {
    if (!alone) return;
    alone = false;
    for (const listener of listeners.splice(0)) listener();
  };

  const connect = async (mayTakeAlone: boolean) => {
    const connection = new pg.Client({ connectionString: url, application_name: LOCK_CONNECTION_NAME });
    connection.on("error", () => undefined);
    await connection.connect();
    try {
      const [identity] = (await connection.query<{ key: string; schema: string }>(
        "select hashtext('connector-contracts ' || current_schema())::bigint::text as key, current_schema() as schema",
      )).rows;
      const { key, schema } = identity!;
      connection.on("notification", (message) => {
        if (message.channel !== CHANNEL || message.payload !== schema || !alone) return;
        stopCaching();
        void connection
          .query("select pg_advisory_lock_shared($1::bigint)", [key])
          .then(() => connection.query("select pg_advisory_unlock($1::bigint)", [key]))
          .catch((error: Error) => logger?.error({ err: error }, "could not hand over the read-cache lock"));
      });
      await connection.query(`listen ${CHANNEL}`);
      const takeAlone = async () =>
        (await connection.query<{ taken: boolean }>("select pg_try_advisory_lock($1::bigint) as taken", [key])).rows[0]!.taken;
      if (mayTakeAlone && (await takeAlone())) {
        alone = true;
      } else {
        await waitForSharedHold(connection, key, schema);
        // Nobody else holds it any more (the one there had just stopped, or died): alone after all.
        if (mayTakeAlone && (await takeAlone())) {
          await connection.query("select pg_advisory_unlock_shared($1::bigint)", [key]);
          alone = true;
        }
      }
    } catch (error) {
      await connection.end().catch(() => undefined);
      throw error;
    }
    connection.once("end", () => {
      if (closed) return;
      stopCaching();
      logger?.warn("lost the connection that holds the read-cache lock: reads now go to PostgreSQL; rejoining");
      void rejoin();
    });
    client = connection;
  };

  const rejoin = async () => {
    while (!closed) {
      try {
        await connect(false);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  };

  await connect(true);
  return {
    get alone() {
      return alone;
    },
    onJoined: (listener) => {
      if (alone) listeners.push(listener);
    },
    close: async () => {
      closed = true;
      await client.end().catch(() => undefined);
    },
  };
}
