import type { Router } from "express";
import type { RequestJournal } from "./requestJournal.js";

/** /__admin/requests: what the app sent and what it got back, newest first (see requestJournal.ts). */
export function registerJournalRoutes(router: Router, deps: { journal: RequestJournal }) {
  router.get("/requests", function listRequests(req, res) {
    const text = (name: string) => (typeof req.query[name] === "string" && req.query[name] !== "" ? (req.query[name] as string) : undefined);
    const limitText = text("limit");
    const limit = limitText === undefined ? undefined : Number(limitText);
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) return void res.status(400).json({ error: "limit must be a whole number from 1." });
    res.json({ capacity: deps.journal.capacity, requests: deps.journal.list({ api: text("api"), operation: text("operation"), limit }) });
  });
  router.delete("/requests", function clearRequests(_req, res) {
    deps.journal.clear();
    res.status(204).end();
  });
}
