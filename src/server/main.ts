// `npm start`: the reference server on an embedded PostgreSQL (PGlite), all four APIs on one port.
//   npm start -- --api evalstudio --port 3000     one API alone, at the vendor's own paths
//   DATABASE_URL=postgres://… npm start           the same server on a real PostgreSQL
import { Command } from "commander";
import { API_NAMES } from "../contracts/apiNames.js";
import { ConfigError, isLoopbackHost, loadConfig, type ServerConfig } from "./config.js";
import { startServer } from "./startServer.js";

const flags = new Command("connector-contracts-server")
  .description("Stateful reference implementation of the Wexa, Merge, Vern and EvalStudio connector APIs")
  .option("--api <name>", `serve one API alone at its vendor base path (${API_NAMES.join(", ")})`)
  .option("--port <port>", "port to listen on (env PORT; default 4000; 0 = any free port)")
  .option("--host <host>", "address to listen on (env HOST; default 127.0.0.1)")
  .option("--pglite-dir <dir>", "PGlite data directory, or 'memory' (env PGLITE_DIR; default .data/pglite)")
  .option("--log-format <format>", "json (one JSON line per record) or pretty (one readable line per request) (env LOG_FORMAT; default pretty on a terminal, json otherwise)")
  .parse()
  .opts<{ api?: string; port?: string; host?: string; pgliteDir?: string; logFormat?: string }>();

const env = {
  ...process.env,
  ...(flags.api ? { CC_API: flags.api } : {}),
  ...(flags.port ? { PORT: flags.port } : {}),
  ...(flags.host ? { HOST: flags.host } : {}),
  ...(flags.pgliteDir ? { PGLITE_DIR: flags.pgliteDir } : {}),
  // A person at a terminal reads lines; a pipe or a file gets JSON for machines.
  ...(flags.logFormat ? { LOG_FORMAT: flags.logFormat } : !process.env.LOG_FORMAT && process.stdout.isTTY ? { LOG_FORMAT: "pretty" } : {}),
};

try {
  const config = loadConfig(env);
  const server = await startServer(config);
  printBanner(server, config);
  const shutdown = (signal: string) => {
    server.logger.info({ signal }, "shutting down: finishing in-flight requests");
    void server.close().then(() => process.exit(0));
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(2);
  }
  // A database or Redis that does not answer: one line that says so, not a stack trace.
  console.error(`Could not start the server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

function printBanner(server: Awaited<ReturnType<typeof startServer>>, config: ServerConfig) {
  const lines = [`connector-contracts reference server listening on ${server.url}`, `  database: ${server.database.location}`];
  for (const module of server.modules) {
    lines.push(`  ${module.api.padEnd(11)} ${server.apiUrls[module.api]}`);
    for (const key of module.devKeys) lines.push(`      key ${key.key}  (${key.label})`);
    if (module.devKeys.length === 0) lines.push("      no authentication (as the vendor's server)");
  }
  lines.push(`  admin       ${server.url}/__admin  (POST ${server.url}/__admin/reset restores the seed data)`);
  if (config.adminTokenRequired) {
    // The fragment never reaches the server: the console reads it and sends it as the bearer token.
    const shown = config.adminTokenFromEnvironment ? "(the value of ADMIN_TOKEN)" : config.adminToken;
    const consoleToken = config.adminTokenFromEnvironment ? "<token>" : config.adminToken;
    lines.push(`  admin token ${shown}  (send Authorization: Bearer <token>; console: ${server.url}/__admin/#token=${consoleToken})`);
  } else lines.push(`  console     ${server.url}/__admin/`);
  if (config.vaultKeyIsDevelopmentDefault) lines.push("  vault: using the built-in development key; set VAULT_KEY (32 bytes, hex or base64) for anything real");
  console.log(lines.join("\n"));
  if (!isLoopbackHost(config.host)) {
    console.warn(`warning: listening on ${config.host}, reachable from other machines: every API answers with the dev keys above, and /__admin needs the admin token`);
  }
}
