import express, { type Router } from "express";
import type { Database } from "../db/database.js";
import { ApiError } from "../http/apiError.js";
import type { ApiModule } from "../http/apiModule.js";
import type { AccountKeys } from "../http/authentication.js";
import { loadIssuedKeys } from "../issuedKeys.js";
import { MockSnapshots } from "../mockSnapshots.js";
import { resetToSeed } from "../seeding.js";
import type { Simulation } from "../simulation.js";
import { ADMIN_PATH } from "./adminPath.js";
import { adminGuard, type AdminGuardOptions } from "./guard.js";
import { registerAccountRoutes } from "./accounts.js";
import { registerClockRoutes } from "./clock.js";
import { registerScenarioRoutes } from "./scenarios.js";
import { registerStateRoutes } from "./state.js";
import type { FaultRules } from "./faultRules.js";
import { registerFaultRoutes } from "./faults.js";
import type { RequestJournal } from "./requestJournal.js";
import { registerJournalRoutes } from "./journal.js";
import { registerConsoleRoutes } from "./console.js";

export type AdminOptions = {
  database: Database;
  modules: readonly ApiModule[];
  mountPaths: Readonly<Record<string, string>>;
  simulation: Simulation;
  stepMs: number;
  accountKeys: AccountKeys;
  /** Called after anything changes state behind the APIs' backs (cached reads must go). */
  onReset?: () => void;
  guard: AdminGuardOptions;
  faults: FaultRules;
  journal: RequestJournal;
};

/**
 * `/__admin`, in the manner of WireMock's: what is served where and with which dev keys, a reset
 * to the seed data, and health. These are development keys for the mock, listed on purpose, and
 * so only to this origin (see guard.ts): no CORS, no other Host, a token off loopback, no simple
 * requests that change state.
 */
export function createAdminRouter(options: AdminOptions): Router {
  const router = express.Router();
  const started = new Date();
  router.use(function exactAdminPath(req, _res, next) {
    // Express mounts case-insensitively; the admin API is /__admin exactly (see adminPath.ts).
    next(req.baseUrl === ADMIN_PATH ? undefined : "router");
  });
  router.use(adminGuard(options.guard));
  router.use(express.json({ limit: "64kb", strict: true }));
  const apis = options.modules.map((m) => m.api);
  /** The database changed as a whole (reset, restore): cached reads go, and the issued keys are read again. */
  const stateReplaced = async () => {
    options.onReset?.();
    options.accountKeys.replaceIssued(await loadIssuedKeys(options.database, apis));
  };
  registerConsoleRoutes(router);

  router.get("/", async function describeServer(req, res) {
    const origin = `${req.protocol}://${req.get("host")}`;
    const issued = await loadIssuedKeys(options.database, apis);
    res.json({
      database: options.database.kind,
      apis: Object.fromEntries(
        options.modules.map((m) => [
          m.api,
          {
            baseUrl: `${origin}${options.mountPaths[m.api]}`,
            keys: [
              ...m.devKeys.map(({ key, label }) => ({ key, label })),
              ...issued.filter((k) => k.api === m.api).map(({ key, label, accountId }) => ({ key, label, accountId })),
            ],
          },
        ]),
      ),
    });
  });

  router.post("/reset", async function resetState(_req, res) {
    await resetToSeed(options.database, options.modules);
    await stateReplaced();
    res.json({ reset: true, apis });
  });

  router.get("/health", async function health(_req, res) {
    try {
      await options.database.query("select 1");
      res.json({ status: "ok", database: options.database.kind, startedAt: started.toISOString() });
    } catch {
      res.status(503).json({ status: "unavailable", database: options.database.kind });
    }
  });

  registerScenarioRoutes(router, { modules: options.modules, onStateChanged: options.onReset });
  registerClockRoutes(router, { simulation: options.simulation, stepMs: options.stepMs });
  registerStateRoutes(router, { snapshots: new MockSnapshots(options.database, options.modules), onStateReplaced: stateReplaced });
  registerAccountRoutes(router, { database: options.database, modules: options.modules, mountPaths: options.mountPaths, accountKeys: options.accountKeys });
  registerFaultRoutes(router, { faults: options.faults });
  registerJournalRoutes(router, { journal: options.journal });

  router.use(function adminError(error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) {
    // A refusal says why; anything else is opaque (never the error's own text).
    if (error instanceof ApiError && error.status < 500) return void res.status(error.status).json({ error: error.message });
    // body-parser's refusals carry their 4xx; anything else is ours, and says nothing more.
    const status = (error as { status?: unknown } | null)?.status;
    if (status === 413) return void res.status(413).json({ error: "The body is too large." });
    if (typeof status === "number" && status >= 400 && status < 500) return void res.status(status).json({ error: "The request body could not be read as JSON." });
    res.status(500).json({ error: "Admin operation failed." });
  });
  return router;
}
