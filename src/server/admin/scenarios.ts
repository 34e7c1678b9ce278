import type { Router } from "express";
import { badRequest, notFound } from "../http/apiError.js";
import type { ApiModule } from "../http/apiModule.js";
import { bodyObject, jsonBody } from "./jsonInput.js";

/**
 * POST /__admin/scenarios/:api/:resource/:id {"state": …}: puts a Vern run or a Wexa execution
 * into a state its contract documents (each module says which, see ApiModule.scenario); GET
 * /__admin/scenarios lists them. The answer is the resource as the API now answers it.
 */
export function registerScenarioRoutes(router: Router, deps: { modules: readonly ApiModule[]; onStateChanged?: () => void }): void {
  const controls = deps.modules.flatMap((m) => (m.scenario ? [{ api: m.api, control: m.scenario }] : []));

  router.get("/scenarios", function listScenarios(_req, res) {
    res.json({
      scenarios: controls.map(({ api, control }) => ({ api, path: `/__admin/scenarios/${api}/${control.resource}/{id}`, states: control.states })),
    });
  });

  router.post("/scenarios/:api/:resource/:id", jsonBody, async function forceState(req, res) {
    const { api, resource, id } = req.params as { api: string; resource: string; id: string };
    const found = controls.find((c) => c.api === api && c.control.resource === resource);
    if (!found) throw notFound(`No scenarios for ${api}/${resource}; GET /__admin/scenarios lists them.`);
    const body = bodyObject(req);
    if (typeof body.state !== "string") throw badRequest(`Send {"state": …}, one of ${found.control.states.join(", ")}.`);
    const answer = await found.control.force(id, { ...body, state: body.state });
    deps.onStateChanged?.();
    res.json(answer);
  });
}
