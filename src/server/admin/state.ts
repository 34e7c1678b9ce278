import type { Router } from "express";
import { ApiError, badRequest, notFound } from "../http/apiError.js";
import { SnapshotMismatch, type MockSnapshots } from "../mockSnapshots.js";
import { bodyObject, jsonBody } from "./jsonInput.js";

const SNAPSHOT_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * GET/POST /__admin/snapshots and POST /__admin/snapshots/:name/restore: save the served APIs'
 * state under a name and put it back later (a test suite's known starting point, a demo's).
 */
export function registerStateRoutes(router: Router, deps: { snapshots: MockSnapshots; onStateReplaced: () => Promise<void> | void }): void {
  router.get("/snapshots", async function listSnapshots(_req, res) {
    res.json({ snapshots: await deps.snapshots.list() });
  });

  router.post("/snapshots", jsonBody, async function saveSnapshot(req, res) {
    const { name } = bodyObject(req);
    if (typeof name !== "string" || !SNAPSHOT_NAME.test(name)) throw badRequest('Send {"name": "…"}: 1 to 64 letters, digits, dots, dashes or underscores.');
    const { summary, replaced } = await deps.snapshots.save(name);
    res.status(replaced ? 200 : 201).json(summary);
  });

  router.post("/snapshots/:name/restore", jsonBody, async function restoreSnapshot(req, res) {
    const name = (req.params as Record<string, string>).name!;
    const summary = await deps.snapshots.restore(name).catch((error: unknown) => {
      throw error instanceof SnapshotMismatch ? new ApiError(409, error.message) : error;
    });
    if (!summary) throw notFound(`No snapshot named ${name}; GET /__admin/snapshots lists them.`);
    await deps.onStateReplaced();
    res.json({ restored: summary });
  });
}
