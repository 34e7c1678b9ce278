import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorForLog } from "../../src/server/secrets/errorForLog.js";
import { DATABASE_TARGETS } from "../support/testDatabases.js";
import { startTestServer, type TestServer } from "../support/testServer.js";

/**
 * Database errors carry data: `detail` holds the failing row, and for data exceptions the message
 * itself quotes the value. The server's own logger, on each real engine, must write none of it.
 */
describe.each(DATABASE_TARGETS)("log lines on %s", (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database });
    await server.database.query("create table log_probe (id int primary key, token text unique, n int)");
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  const secret = () => `sklive${randomBytes(12).toString("hex")}`;
  /** Runs a statement that fails, logs its error as the server does (`{ err }`), and returns the log text written since. */
  async function logFailure(sql: string, params: unknown[]): Promise<{ logged: string; error: unknown }> {
    const before = server.logs.length;
    const error = await server.database.query(sql, params).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    server.logger.error({ err: error }, "request failed");
    server.logger.flush?.();
    return { logged: server.logs.slice(before).join("\n"), error };
  }

  it("a unique violation on a row holding a secret: the log keeps code and constraint, never the row (detail)", async () => {
    const value = secret();
    await server.database.query("insert into log_probe (id, token) values (1, $1)", [value]);
    const { logged, error } = await logFailure("insert into log_probe (id, token) values (2, $1)", [value]);
    // The hostile part is real: the error the engine raised does carry the secret.
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).toContain(value);
    expect(logged).not.toContain(value);
    const line = JSON.parse(logged) as { err: { code: string; message: string; detail?: string } };
    expect(line.err.code).toBe("23505");
    expect(line.err.message).toMatch(/duplicate key value violates unique constraint/);
    expect(line.err.detail).toBeUndefined();
  });

  it.each([
    ["a uuid", "select $1::uuid"],
    ["an integer", "select $1::int"],
    ["a json document", "select $1::jsonb"],
    ["a timestamp", "select $1::timestamptz"],
  ])("a secret that is not %s: the message's quoted value is not logged", async (_kind, sql) => {
    const value = secret();
    const { logged, error } = await logFailure(sql, [value]);
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message, stack: (error as Error).stack })).toContain(value.slice(0, 12));
    expect(logged).not.toContain(value.slice(0, 12));
    expect((JSON.parse(logged) as { err: { code: string } }).err.code).toMatch(/^22/);
  });

  it("a check violation (the failing row in detail) and a not-null violation", async () => {
    await server.database.query("alter table log_probe add constraint log_probe_n check (n is null or n > 0)");
    const value = secret();
    const check = await logFailure("insert into log_probe (id, token, n) values (3, $1, -1)", [value]);
    expect(check.logged).not.toContain(value);
    const notNull = await logFailure("insert into log_probe (id, token) values (null, $1)", [value]);
    expect(notNull.logged).not.toContain(value);
  });
});

describe("secret fields in any log line", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("every field a contract marks x-secret is redacted, in a body, a request body, at the top or one level down", () => {
    const value = `secret-${randomBytes(8).toString("hex")}`;
    const before = server.logs.length;
    server.logger.warn(
      {
        body: { headers: { "X-Api-Key": value }, data_loader_config: { auth: { password: value } }, credentials: { token: value } },
        req: { body: { headers: { Authorization: value }, credentials: value } },
        credentials: { api_key: value },
        connection: { credentials: value, data_loader_config: { auth: value } },
      },
      "carrying secrets",
    );
    server.logger.flush?.();
    const logged = server.logs.slice(before).join("\n");
    expect(logged).toContain("carrying secrets");
    expect(logged).not.toContain(value);
  });

  it("an error's own fields (body-parser's raw body, PGlite's query parameters) and its JSON text are not logged", () => {
    const value = `secret-${randomBytes(8).toString("hex")}`;
    const bodyParserError = Object.assign(new SyntaxError(`Unexpected token 'x', "{"password":"${value}"x" is not valid JSON`), {
      body: `{"password":"${value}"x`,
      type: "entity.parse.failed",
      status: 400,
    });
    const withCause = new Error("could not store the connector", { cause: Object.assign(new Error(`invalid input syntax for type uuid: "${value}"`), { code: "22P02", params: [value], detail: value }) });
    for (const err of [bodyParserError, withCause, value]) {
      expect(JSON.stringify(errorForLog(err))).not.toContain(value);
    }
    expect(errorForLog(bodyParserError)).toMatchObject({ type: "SyntaxError", status: 400 });
    expect(errorForLog(withCause).cause).toMatchObject({ type: "Error", code: "22P02", message: "invalid input syntax for type uuid: [value not logged]" });
  });
});
