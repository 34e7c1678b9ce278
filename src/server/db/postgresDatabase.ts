import pg from "pg";
import type { Logger } from "pino";
import { describeUrl, statementName, type Database } from "./database.js";
import { joinServers } from "./serverPresence.js";

/**
 * A real PostgreSQL server through a pg connection pool. Other servers may share it: the process
 * joins them (serverPresence.ts) before it changes anything, migrations included.
 */
export async function openPostgresDatabase(url: string, logger?: Logger, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its connection must not crash the process (pg's documented advice).
  pool.on("error", () => undefined);
  let presence;
  try {
    await pool.query("select 1").catch((error: Error) => {
      throw new Error(`PostgreSQL at ${describeUrl(url)} did not answer (${error.message})`, { cause: error });
    });
    presence = await joinServers(url, logger);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    kind: "postgres",
    location: `PostgreSQL ${describeUrl(url)}`,
    presence,
    async query(text, params) {
      const result = await pool.query(prepared(text, params));
      return result.rows;
    },
    async transaction(work) {
      const client = await pool.connect();
      // A checked-out client has no listener of the pool's: a connection lost mid-transaction
      // (PostgreSQL restarted, pg_terminate_backend) emitted an unhandled 'error' and ended the process.
      let lost: Error | undefined;
      const onError = (error: Error) => void (lost ??= error);
      client.on("error", onError);
      try {
        await client.query("begin");
        const value = await work({
          async query(text, params) {
            return (await client.query(prepared(text, params))).rows;
          },
        });
        await client.query("commit");
        return value;
      } catch (error) {
        await client.query("rollback").catch((rollbackError: Error) => void (lost ??= rollbackError));
        throw error;
      } finally {
        client.off("error", onError);
        // A client whose connection failed is destroyed, not handed to the next request.
        client.release(lost);
      }
    },
    close: async () => {
      await pool.end();
      await presence.close();
    },
  };
}

/**
 * Every query as a named prepared statement: PostgreSQL parses and plans each distinct text once
 * per connection instead of on every request (it shares this machine's cores with the server).
 * Statements without parameters (begin, commit, DDL) are sent as they are.
 */
function prepared(text: string, params: readonly unknown[] | undefined): pg.QueryConfig {
  if (!params || params.length === 0) return { text };
  return { name: statementName(text), text, values: params as unknown[] };
}
