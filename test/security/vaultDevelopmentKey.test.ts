import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/server/config.js";
import { eventually, startTestServer } from "../support/testServer.js";
import { POSTGRES_URL } from "../support/testDatabases.js";
import { startChildServer } from "../hardening/support/childServer.js";
import { runServerExpectingExit } from "./support/serverProcess.js";

const KEY = "ab".repeat(32);

/** Starts that may use the public development key, and starts that must bring their own VAULT_KEY. */
const STARTS: Array<{ name: string; env: Record<string, string>; allowed: boolean }> = [
  { name: "PGlite on disk, loopback 127.0.0.1 (npm start's default)", env: { HOST: "127.0.0.1", PGLITE_DIR: ".data/x" }, allowed: true },
  { name: "PGlite on disk, loopback ::1", env: { HOST: "::1", PGLITE_DIR: ".data/x" }, allowed: true },
  { name: "PGlite on disk, localhost", env: { HOST: "localhost", PGLITE_DIR: ".data/x" }, allowed: true },
  { name: "PGlite in memory on 0.0.0.0", env: { HOST: "0.0.0.0", PGLITE_DIR: "memory" }, allowed: true },
  { name: "PGlite on disk on 0.0.0.0", env: { HOST: "0.0.0.0", PGLITE_DIR: ".data/x" }, allowed: false },
  { name: "PGlite on disk on a LAN address", env: { HOST: "192.168.1.20", PGLITE_DIR: ".data/x" }, allowed: false },
  { name: "PGlite on disk on a name that only looks local", env: { HOST: "127.0.0.1.nip.io", PGLITE_DIR: ".data/x" }, allowed: false },
  { name: "PostgreSQL on loopback", env: { HOST: "127.0.0.1", DATABASE_URL: "postgres://u@127.0.0.1/db" }, allowed: false },
  { name: "PostgreSQL with PGLITE_DIR=memory", env: { DATABASE_URL: "postgres://u@127.0.0.1/db", PGLITE_DIR: "memory" }, allowed: false },
];

describe("the vault's development key is used only for in-memory data, or PGlite data on loopback", () => {
  it.each(STARTS)("$name: development key allowed = $allowed", ({ env, allowed }) => {
    const load = () => loadConfig(env);
    if (allowed) {
      expect(load().vaultKeyIsDevelopmentDefault).toBe(true);
    } else {
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(/VAULT_KEY/);
      expect(load).toThrow(/openssl rand -hex 32/);
    }
    // With a key of its own every one of them starts, on that key.
    const config = loadConfig({ ...env, VAULT_KEY: KEY });
    expect(config.vaultKeyIsDevelopmentDefault).toBe(false);
    expect(config.vaultKey.toString("hex")).toBe(KEY);
  });

  it("says so in one JSON log line at start", async () => {
    const server = await startTestServer();
    try {
      const lines = server.logs.map((line) => JSON.parse(line) as { level: number; msg: string; vault?: { key: string; keyId: string } });
      const vaultLines = lines.filter((line) => line.vault?.key === "development");
      expect(vaultLines).toHaveLength(1);
      expect(vaultLines[0]!.level).toBe(40); // warn
      expect(vaultLines[0]!.msg).toMatch(/VAULT_KEY is not set/);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it("logs no such line when VAULT_KEY is set", async () => {
    const server = await startTestServer({ env: { VAULT_KEY: KEY } });
    try {
      expect(server.logs.filter((line) => line.includes('"development"'))).toEqual([]);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it("npm start in memory says so in the banner and in the JSON log", async () => {
    const server = await startChildServer({ PGLITE_DIR: "memory" });
    try {
      // The JSON log is written in batches: wait for the line rather than for a time.
      const output = await eventually(async () => server.output(), (text) => text.includes('"key":"development"'), 30_000);
      expect(output).toMatch(/vault: VAULT_KEY is not set: using the built-in development key/);
      expect(output.split("\n").filter((line) => line.startsWith("{") && line.includes('"key":"development"'))).toHaveLength(1);
    } finally {
      await server.kill("SIGTERM");
    }
  }, 90_000);

  it.skipIf(!POSTGRES_URL)("npm start on PostgreSQL without VAULT_KEY is refused with one message naming VAULT_KEY and how to make one", async () => {
    const refused = await runServerExpectingExit({ DATABASE_URL: POSTGRES_URL! });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(/VAULT_KEY is not set, and the data is on PostgreSQL/);
    expect(refused.stderr).toContain("openssl rand -hex 32");
  }, 90_000);

  it("npm start on 0.0.0.0 with data on disk without VAULT_KEY is refused before it listens", async () => {
    const refused = await runServerExpectingExit({ HOST: "0.0.0.0", PGLITE_DIR: ".data/never-created" });
    expect(refused.code).toBe(2);
    expect(refused.stdout).not.toMatch(/listening on/);
    expect(refused.stderr).toMatch(/VAULT_KEY is not set, and the server listens on 0\.0\.0\.0 \(not loopback\)/);
    expect(refused.stderr).toContain("openssl rand -hex 32");
  }, 90_000);
});
