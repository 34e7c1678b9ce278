import pg from "pg";
import { describeUrl, type Database } from "./database.js";

/** A real PostgreSQL server through a pg connection pool. */
export async function openPostgresDatabase(url: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its connection must not crash the process (pg's documented advice).
  pool.on("error", () => undefined);
  await pool.query("select 1");
  return {
    kind: "postgres",
    location: `PostgreSQL ${describeUrl(url)}`,
    async query(text, params) {
      const result = await pool.query(text, params as unknown[] | undefined);
      return result.rows;
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("begin");
        const value = await work({
          async query(text, params) {
            return (await client.query(text, params as unknown[] | undefined)).rows;
          },
        });
        await client.query("commit");
        return value;
      } catch (error) {
        await client.query("rollback").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
