import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { Redis } from "ioredis";
import type { DestinationStream, Logger } from "pino";
import type { ServerConfig } from "./config.js";
import type { Database } from "./db/database.js";
import { databaseOptions, openDatabase } from "./db/openDatabase.js";
import type { ApiModule } from "./http/apiModule.js";
import { createRateLimiter, type RateLimiter } from "./http/rateLimiter.js";
import { ReadCache } from "./http/readCache.js";
import { createLogger } from "./logger.js";
import { createApp } from "./app.js";
import { createApiModules } from "./apis/index.js";
import { seedIfEmpty } from "./seeding.js";
import { createSimulation } from "./simulation.js";
import { SimulationClock } from "./simulationClock.js";
import { AccountKeys } from "./http/authentication.js";
import { loadIssuedKeys } from "./issuedKeys.js";
import { Fixtures } from "./fixtures.js";
import { Vault } from "./secrets/vault.js";
import { checkStoredKeyIds } from "./secrets/vaultKeyCheck.js";
import { connectRedis } from "./redisConnection.js";

export type RunningServer = {
  /** http://host:port, without a trailing slash. */
  url: string;
  port: number;
  /** Base URL of each API on this server. */
  apiUrls: Record<string, string>;
  modules: readonly ApiModule[];
  database: Database;
  logger: Logger;
  /** Stops accepting, lets in-flight requests finish, then closes the database and Redis. */
  close: () => Promise<void>;
};

export type StartOptions = {
  logDestination?: DestinationStream;
  /**
   * The database, already being opened by the entry point (`openDatabase(databaseOptions(config))`)
   * before it loaded this module: PGlite boots in a thread of its own, so the server's code loads
   * meanwhile. The server closes it, also when it fails to start.
   */
  openingDatabase?: Promise<Database>;
};

/** Opens the database, seeds it once, and listens (port 0 picks a free port, as tests do). */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, options.logDestination, config.logFormat);
  let fixtures: Fixtures;
  try {
    // A bad seed folder stops the start before anything is opened (or closes what the entry point opened), naming the file.
    fixtures = config.seedDir ? Fixtures.withSeedDir(config.seedDir) : Fixtures.builtIn();
  } catch (error) {
    await options.openingDatabase?.then((database) => database.close(), () => undefined);
    throw error;
  }
  const database = await (options.openingDatabase ?? openDatabase(databaseOptions(config, logger)));
  let redis: Redis | undefined;
  try {
    const vault = new Vault(config.vaultKey);
    await checkStoredKeyIds(database, config.vaultKey, config.vaultKeyIsDevelopmentDefault);
    if (config.vaultKeyIsDevelopmentDefault) {
      logger.warn(
        { vault: { key: "development", keyId: vault.keyId, database: database.location, host: config.host } },
        "vault: VAULT_KEY is not set, so secrets are encrypted with the built-in development key, which is public; allowed only for data in memory or PGlite on loopback",
      );
    }
    if (config.redisUrl) redis = await connectRedis(config.redisUrl, logger);
    const clock = new SimulationClock();
    let listeningPort: number | undefined;
    const modules = createApiModules({ config, database, vault, logger, clock, fixtures, listeningPort: () => listeningPort });
    await seedIfEmpty(database, modules, fixtures);
    const accountKeys = new AccountKeys(modules);
    accountKeys.replaceIssued(await loadIssuedKeys(database, modules.map((m) => m.api)));
    const rateLimiters: Record<string, RateLimiter> = {};
    for (const module of modules) {
      const limit = config.rateLimits[module.api];
      if (limit) rateLimiters[module.api] = createRateLimiter(module.api, limit, redis, config.redisKeyPrefix);
    }
    // Only a process that sees every change to its database may cache reads: PGlite, or a
    // PostgreSQL it is alone on, until another server joins (the caches are then off for good).
    const readCaches: Record<string, ReadCache> =
      config.readCache && database.presence.alone ? Object.fromEntries(modules.map((m) => [m.api, new ReadCache()])) : {};
    if (Object.keys(readCaches).length > 0) {
      database.presence.onJoined(() => {
        for (const cache of Object.values(readCaches)) cache.disable();
        logger.info("another server joined this database: reads now go to the database");
      });
    }
    const simulation = createSimulation(modules, { clock, stepMs: config.simulationStepMs, logger, onChange: (api) => readCaches[api]?.clear() });
    const { app, mountPaths } = createApp({ config, database, logger, modules, rateLimiters, readCaches, simulation, accountKeys });
    const server = app.listen(config.port, config.host);
    Object.assign(server, { connectionsCheckingInterval: 1_000 }); // Node checks the timeouts below only every 30 s by default; read on "listening".
    await once(server, "listening");
    // Slow or half-sent requests are cut off instead of holding a socket (RFC 9110 §15.5.9: 408).
    // An API request's body is timed by its API first (BODY_TIMEOUT_MS, jsonBody.ts), which answers
    // in the API's error body; Node's requestTimeout, whose 408 has no body, stays the backstop for
    // what no API reads (the admin API, a path no API has), and never cuts in before the API's own.
    server.requestTimeout = Math.max(15_000, config.bodyTimeoutMs + 5_000);
    server.headersTimeout = 10_000;
    server.keepAliveTimeout = 5_000;
    simulation.start();
    const port = (server.address() as AddressInfo).port;
    listeningPort = port;
    const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        simulation.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // A keep-alive connection turns idle once its in-flight answer is sent: close it then,
        // not after keepAliveTimeout. Anything still busy after 10 s is cut.
        const sweep = setInterval(() => server.closeIdleConnections(), 25);
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 10_000);
        await closed;
        clearInterval(sweep);
        clearTimeout(force);
        await simulation.idle();
        await redis?.quit().catch(() => undefined);
        await database.close();
      })());
    return {
      url,
      port,
      apiUrls: Object.fromEntries(Object.entries(mountPaths).map(([api, path]) => [api, `${url}${path}`])),
      modules,
      database,
      logger,
      close,
    };
  } catch (error) {
    redis?.disconnect();
    await database.close();
    throw error;
  }
}
