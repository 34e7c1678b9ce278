import type { Router } from "express";
import { validFaultRule, type FaultRules } from "./faultRules.js";

/**
 * /__admin/faults: list, add, delete one, delete all (see faultRules.ts for what a rule is).
 * A rule applies to the API requests it matches until deleted, or for `times` calls.
 */
export function registerFaultRoutes(router: Router, deps: { faults: FaultRules }) {
  router.get("/faults", function listFaults(_req, res) {
    res.json({ faults: deps.faults.list() });
  });
  router.post("/faults", function addFault(req, res) {
    const rule = validFaultRule(req.body);
    if (typeof rule === "string") return void res.status(400).json({ error: rule });
    res.status(201).json(deps.faults.add(rule));
  });
  router.delete("/faults/:id", function deleteFault(req, res) {
    if (!deps.faults.delete(String(req.params.id))) return void res.status(404).json({ error: "No fault rule with this id." });
    res.status(204).end();
  });
  router.delete("/faults", function deleteAllFaults(_req, res) {
    deps.faults.clear();
    res.status(204).end();
  });
}
