import express, { type Router } from "express";
import type { Database } from "../db/database.js";
import type { ApiModule } from "../http/apiModule.js";
import { resetToSeed } from "../seeding.js";

export type AdminOptions = {
  database: Database;
  modules: readonly ApiModule[];
  mountPaths: Readonly<Record<string, string>>;
  /** Called after a reset (cached reads must go). */
  onReset?: () => void;
};

/**
 * `/__admin`, in the manner of WireMock's: what is served where and with which dev keys, a reset
 * to the seed data, and health. These are development keys for the mock, listed on purpose.
 */
export function createAdminRouter(options: AdminOptions): Router {
  const router = express.Router();
  const started = new Date();

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

  router.use(function adminError(_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) {
    res.status(500).json({ error: "Admin operation failed." });
  });
  return router;
}
