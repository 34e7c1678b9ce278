import express, { type Router } from "express";
import type { Database } from "../db/database.js";
import type { ApiModule } from "../http/apiModule.js";
import { resetToSeed } from "../seeding.js";
import { ADMIN_PATH } from "./adminPath.js";
import { adminGuard, type AdminGuardOptions } from "./guard.js";
import type { FaultRules } from "./faultRules.js";
import { registerFaultRoutes } from "./faults.js";
import type { RequestJournal } from "./requestJournal.js";
import { registerJournalRoutes } from "./journal.js";
import { registerConsoleRoutes } from "./console.js";

export type AdminOptions = {
  database: Database;
  modules: readonly ApiModule[];
  mountPaths: Readonly<Record<string, string>>;
  /** Called after a reset (cached reads must go). */
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
  registerConsoleRoutes(router);

  router.get("/", function describeServer(req, res) {
    const origin = `${req.protocol}://${req.get("host")}`;
    res.json({
      database: options.database.kind,
      apis: Object.fromEntries(
        options.modules.map((m) => [
          m.api,
          { baseUrl: `${origin}${options.mountPaths[m.api]}`, keys: m.devKeys.map(({ key, label }) => ({ key, label })) },
        ]),
      ),
    });
  });

  router.post("/reset", async function resetState(_req, res) {
    await resetToSeed(options.database, options.modules);
    options.onReset?.();
    res.json({ reset: true, apis: options.modules.map((m) => m.api) });
  });

  router.get("/health", async function health(_req, res) {
    try {
      await options.database.query("select 1");
      res.json({ status: "ok", database: options.database.kind, startedAt: started.toISOString() });
    } catch {
      res.status(503).json({ status: "unavailable", database: options.database.kind });
    }
  });

  registerFaultRoutes(router, { faults: options.faults });
  registerJournalRoutes(router, { journal: options.journal });

  router.use(function adminError(error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) {
    // body-parser's refusals carry their 4xx; anything else is ours, and says nothing more.
    const status = (error as { status?: unknown } | null)?.status;
    if (typeof status === "number" && status >= 400 && status < 500) return void res.status(status).json({ error: "The request body could not be read as JSON." });
    res.status(500).json({ error: "Admin operation failed." });
  });
  return router;
}
