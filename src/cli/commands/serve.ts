import { Command } from "commander";
import { API_NAMES } from "../../contracts/apiNames.js";
import { EXIT, type ExitCode } from "../exitCodes.js";
import type { CliIo } from "../io.js";

/** The flags of `serve`: each one overrides the environment variable it names (src/server/config.ts reads both once). */
export type ServeFlags = { api?: string; port?: string; host?: string; pgliteDir?: string; seedDir?: string; logFormat?: string };

const EXIT_CODE_HELP = `
  DATABASE_URL=postgres://… connector-contracts serve     the same server on a real PostgreSQL
Every setting is also an environment variable (README, "Configuration").

Exit codes:
  0    stopped by Ctrl-C or SIGTERM after finishing in-flight requests
  1    could not start (a database or Redis that does not answer, a port in use)
  2    configuration error`;

/**
 * `connector-contracts serve` (and `npm start`): the reference server on an embedded PostgreSQL
 * (PGlite), all four APIs on one port; `--api <name>` serves one alone at the vendor's own paths.
 */
export function serveCommand(io: CliIo, setExit: (code: ExitCode) => void): Command {
  return new Command("serve")
    .description("run the stateful reference server of the Wexa, Merge, Vern and EvalStudio APIs")
    .option("--api <name>", `serve one API alone at its vendor base path (${API_NAMES.join(", ")})`)
    .option("--port <port>", "port to listen on (env PORT; default 4000; 0 = any free port)")
    .option("--host <host>", "address to listen on (env HOST; default 127.0.0.1)")
    .option("--pglite-dir <dir>", "PGlite data directory, or 'memory' (env PGLITE_DIR; default .data/pglite)")
    .option("--log-format <format>", "json (one JSON line per record) or pretty (one readable line per request) (env LOG_FORMAT; default pretty on a terminal, json otherwise)")
    .option("--seed-dir <dir>", "your own seed data, laid out as fixtures/ (<api>/<file>.json; env SEED_DIR)")
    .addHelpText("after", EXIT_CODE_HELP)
    .action(async (flags: ServeFlags) => setExit(await runServe(flags, io)));
}

async function runServe(flags: ServeFlags, io: CliIo): Promise<ExitCode> {
  // Loaded here, not at the top: `--help` and `check` do not pay for Express, PGlite and pino.
  const { ConfigError, isLoopbackHost, loadConfig } = await import("../../server/config.js");
  let server: RunningServer;
  let config: ReturnType<typeof loadConfig>;
  // Everything the server writes (PGlite's data files, templates, locks) is for this user alone.
  process.umask(0o077);
  try {
    config = loadConfig(serverEnv(flags, io));
    // PGlite boots in a thread of its own: it starts before the rest of the server is loaded, which
    // then happens meanwhile. (PostgreSQL is opened by startServer, with the logger it reports to.)
    const { databaseOptions, openDatabase } = await import("../../server/db/openDatabase.js");
    const openingDatabase = config.databaseUrl ? undefined : openDatabase(databaseOptions(config));
    // startServer takes it over (and closes it if the start fails); until then a failure must not go unhandled.
    openingDatabase?.catch(() => undefined);
    const { startServer } = await import("../../server/startServer.js");
    server = await startServer(config, { openingDatabase });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`Configuration error: ${error.message}\n`);
      return EXIT.usageOrConnection;
    }
    // A database or Redis that does not answer: one line that says so, not a stack trace.
    io.stderr(`Could not start the server: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.couldNotStart;
  }
  io.stdout(`${banner(server, config)}\n`);
  if (!isLoopbackHost(config.host)) {
    io.stderr(`warning: listening on ${config.host}, reachable from other machines: every API answers with the dev keys above, and /__admin needs the admin token\n`);
  }
  await new Promise<void>((stopped) => {
    const stopListening = io.onInterrupt(() => {
      stopListening();
      server.logger.info("shutting down: finishing in-flight requests");
      void server.close().then(stopped);
    });
  });
  return EXIT.clean;
}

/** The flags laid over the environment, as the variables config.ts reads. */
function serverEnv(flags: ServeFlags, { env, terminal }: Pick<CliIo, "env" | "terminal">): Record<string, string | undefined> {
  return {
    ...env,
    ...(flags.api ? { CC_API: flags.api } : {}),
    ...(flags.port ? { PORT: flags.port } : {}),
    ...(flags.host ? { HOST: flags.host } : {}),
    ...(flags.pgliteDir ? { PGLITE_DIR: flags.pgliteDir } : {}),
    ...(flags.seedDir ? { SEED_DIR: flags.seedDir } : {}),
    // A person at a terminal reads lines; a pipe or a file gets JSON for machines.
    ...(flags.logFormat ? { LOG_FORMAT: flags.logFormat } : !env.LOG_FORMAT && terminal ? { LOG_FORMAT: "pretty" } : {}),
  };
}

type RunningServer = Awaited<ReturnType<(typeof import("../../server/startServer.js"))["startServer"]>>;

type ServerConfig = ReturnType<(typeof import("../../server/config.js"))["loadConfig"]>;

function banner(server: RunningServer, config: ServerConfig): string {
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
  if (config.vaultKeyIsDevelopmentDefault) {
    lines.push("  vault: VAULT_KEY is not set: using the built-in development key (public; allowed for in-memory data, or PGlite on loopback)");
    lines.push("         for anything real: VAULT_KEY=$(openssl rand -hex 32), and keep it: later starts on this data need it");
  }
  return lines.join("\n");
}
