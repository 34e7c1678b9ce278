import type { Router } from "express";
import { badRequest } from "../http/apiError.js";
import type { Simulation } from "../simulation.js";
import { bodyObject, jsonBody } from "./jsonInput.js";

/** At most this many simulation steps per call, so one request cannot hold the simulation for long. */
const MAX_STEPS_PER_CALL = 1_000;

/**
 * GET/POST /__admin/clock: freeze the simulation clock (runs and executions stop moving), step it
 * by `advanceMs` (each step moves due work, as the timer would), or let it run again.
 */
export function registerClockRoutes(router: Router, deps: { simulation: Simulation; stepMs: number }): void {
  const { simulation, stepMs } = deps;
  const describe = () => ({ ...simulation.clock.state(), stepMs });

  router.get("/clock", function readClock(_req, res) {
    res.json(describe());
  });

  router.post("/clock", jsonBody, async function setClock(req, res) {
    const body = bodyObject(req);
    const { frozen, advanceMs } = body;
    const unknown = Object.keys(body).filter((k) => k !== "frozen" && k !== "advanceMs");
    if (unknown.length > 0) throw badRequest(`Unknown field ${unknown.join(", ")}: send {"frozen": true|false} and/or {"advanceMs": n}.`);
    if (frozen === undefined && advanceMs === undefined) throw badRequest('Send {"frozen": true|false} and/or {"advanceMs": n}.');
    if (frozen !== undefined && typeof frozen !== "boolean") throw badRequest("frozen must be true or false.");
    const maxMs = MAX_STEPS_PER_CALL * stepMs;
    if (advanceMs !== undefined && (!Number.isInteger(advanceMs) || (advanceMs as number) < 1 || (advanceMs as number) > maxMs)) {
      throw badRequest(`advanceMs must be an integer from 1 to ${maxMs} (${MAX_STEPS_PER_CALL} steps of ${stepMs} ms); call again to go further.`);
    }
    if (frozen === true) {
      simulation.clock.freeze();
      // A pass the timer began before the freeze finishes first: after the answer, nothing moves.
      await simulation.idle();
    }
    if (frozen === false) simulation.clock.unfreeze();
    if (typeof advanceMs === "number") await simulation.advanceBy(advanceMs);
    res.json(describe());
  });
}
