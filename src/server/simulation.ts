import type { Logger } from "pino";
import type { ApiModule } from "./http/apiModule.js";

/**
 * The clock of the simulated work: Vern runs and Wexa executions are rows with a due time; every
 * half step this moves the due ones forward. State lives in the database, so a restarted server
 * (or a second process on the same PostgreSQL) carries on where the last one stopped.
 */
export function startSimulation(modules: readonly ApiModule[], stepMs: number, logger: Logger, onChange: (api: string) => void = () => undefined) {
  const advancers = modules.flatMap((m) => (m.advance ? [{ api: m.api, advance: m.advance }] : []));
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = (async () => {
      for (const { api, advance } of advancers) {
        try {
          if ((await advance(new Date())) > 0) onChange(api);
        } catch (error) {
          logger.error({ err: error, api }, "simulation step failed");
        }
      }
    })().finally(() => {
      busy = false;
    });
  }, Math.max(5, Math.floor(stepMs / 2)));
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    idle: () => running,
  };
}
