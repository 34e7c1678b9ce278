import express, { type Express } from "express";
import type { Logger } from "pino";
import { parse as parseQuery } from "node:querystring";
import { loadSpec } from "../contracts/loadSpec.js";
import type { ServerConfig } from "./config.js";
import type { Database } from "./db/database.js";
import type { ApiModule } from "./http/apiModule.js";
import { corsForBrowserApps } from "./http/cors.js";
import { requestLogging } from "./http/requestLogging.js";
import { createApiHandler } from "./http/operationRouter.js";
import type { RateLimiter } from "./http/rateLimiter.js";
import type { ReadCache } from "./http/readCache.js";
import { cachedReadsOf } from "./http/cachedReads.js";
import { apiEntrance } from "./http/apiEntrance.js";
import { createAdminRouter } from "./admin/router.js";
import { ADMIN_PATH, isAdminPath } from "./admin/adminPath.js";
import { mountPath } from "./mountPaths.js";
import type { Simulation } from "./simulation.js";
import type { AccountKeys } from "./http/authentication.js";
import { FaultRules } from "./admin/faultRules.js";
import { RequestJournal } from "./admin/requestJournal.js";

export type AppDeps = {
  config: ServerConfig;
  database: Database;
  logger: Logger;
  modules: readonly ApiModule[];
  rateLimiters: Partial<Record<string, RateLimiter>>;
  /** Per API, the read cache (only when this process sees every change to its database). */
  readCaches?: Partial<Record<string, ReadCache>>;
  /** The simulated work and its clock (/__admin/clock and scenarios drive it). */
  simulation: Simulation;
  /** Every key the APIs accept: dev keys and those of accounts made through /__admin. */
  accountKeys: AccountKeys;
  /** The fault rules of /__admin/faults; a fresh, empty set when not given. */
  faults?: FaultRules;
};

/** Builds the Express app: no listening, no timers, no environment (see startServer). */
export function createApp(deps: AppDeps): { app: Express; mountPaths: Record<string, string> } {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  // node:querystring stops at 1,000 keys and drops the rest silently, so a bad value past them
  // went unchecked; Node's 16 KB header limit already bounds a query's size.
  app.set("query parser", (text: string) => parseQuery(text, "&", "=", { maxKeys: 0 }));
  // Logging and CORS are one layer: each layer of Express's router costs every request.
  // The admin API gets no CORS at all: it answers its own origin only (admin/guard.ts).
  const logRequest = requestLogging(deps.logger);
  app.use(function receiveRequest(req, res, next) {
    logRequest(req, res);
    if (isAdminPath(req.url)) return next();
    corsForBrowserApps(req, res, next);
  });

  const faults = deps.faults ?? new FaultRules();
  const journal = new RequestJournal(deps.config.journalSize, deps.modules.map((m) => [m.api, loadSpec(m.api)] as const));
  const alone = deps.config.onlyApi !== undefined;
  const mountPaths: Record<string, string> = Object.fromEntries(
    deps.modules.map((m) => [m.api, mountPath(m.api, loadSpec(m.api), alone)]),
  );
  const cachedReads = Object.fromEntries(
    deps.modules.flatMap((m) => {
      const cache = deps.readCaches?.[m.api];
      return cache ? [[m.api, cachedReadsOf(loadSpec(m.api), cache)] as const] : [];
    }),
  );
  // Admin's router comes after the entrance, which never takes an /__admin path.
  const forgetCachedReads = () => Object.values(deps.readCaches ?? {}).forEach((cache) => cache?.clear());
  const apis = deps.modules.map((module) => {
    const spec = loadSpec(module.api);
    const reads = cachedReads[module.api];
    const serve = createApiHandler({
      module,
      spec,
      config: deps.config,
      logger: deps.logger,
      rateLimiter: deps.rateLimiters[module.api],
      cachedReads: reads,
      keys: deps.accountKeys.forApi(module.api),
      faults,
    });
    // Cached answers go out before authentication; not for an API with a rate limit, where each request counts.
    return { api: module.api, mountPath: mountPaths[module.api]!, serve, lane: deps.rateLimiters[module.api] ? undefined : reads };
  });
  app.use(apiEntrance(apis, faults, journal));
  const guard = { bindHost: deps.config.host, token: deps.config.adminTokenRequired ? deps.config.adminToken : undefined };
  app.use(
    ADMIN_PATH,
    createAdminRouter({
      database: deps.database,
      modules: deps.modules,
      mountPaths,
      simulation: deps.simulation,
      stepMs: deps.config.simulationStepMs,
      accountKeys: deps.accountKeys,
      onReset: forgetCachedReads,
      guard,
      faults,
      journal,
    }),
  );
  app.use(function noApiHere(_req, res) {
    res.status(404).json({ error: "No API is mounted at this path; GET /__admin lists them." });
  });
  return { app, mountPaths };
}
