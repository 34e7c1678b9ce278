import type { Logger } from "pino";
import type { ApiModule } from "./http/apiModule.js";
import type { SimulationClock } from "./simulationClock.js";

export type Simulation = {
  clock: SimulationClock;
  /** Starts the timer that moves due work every half step (not while the clock is frozen). */
  start: () => void;
  stop: () => void;
  /** Resolves when the step in progress (if any) has finished. */
  idle: () => Promise<void>;
  /** Moves every due row once, at the clock's time; passes never overlap. */
  tick: () => Promise<void>;
  /**
   * Steps the clock by `ms` in increments of one simulation step, moving the due work after each,
   * so N steps move a run N transitions whether the clock is frozen or running.
   */
  advanceBy: (ms: number) => Promise<void>;
};

/**
 * The simulated work: Vern runs and Wexa executions are rows with a due time; each module's
 * `advance(now)` moves the due ones forward at the simulation clock's time. State lives in the
 * database, so a restarted server (or a second process on the same PostgreSQL) carries on where
 * the last one stopped.
 */
export function createSimulation(
  modules: readonly ApiModule[],
  options: { clock: SimulationClock; stepMs: number; logger: Logger; onChange?: (api: string) => void },
): Simulation {
  const { clock, stepMs, logger } = options;
  const advancers = modules.flatMap((m) => (m.advance ? [{ api: m.api, advance: m.advance }] : []));
  let running: Promise<void> = Promise.resolve();
  let queued = 0;
  let timer: NodeJS.Timeout | undefined;

  async function pass() {
    for (const { api, advance } of advancers) {
      try {
        if ((await advance(clock.now())) > 0) options.onChange?.(api);
      } catch (error) {
        logger.error({ err: error, api }, "simulation step failed");
      }
    }
  }

  // Passes run one after the other: a step from /__admin waits for the timer's pass in progress.
  const tick = () => {
    queued++;
    running = running.then(pass).finally(() => void queued--);
    return running;
  };

  return {
    clock,
    start() {
      timer ??= setInterval(() => {
        if (clock.frozen || queued > 0) return;
        void tick();
      }, Math.max(5, Math.floor(stepMs / 2)));
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
    idle: () => running,
    tick,
    async advanceBy(ms) {
      for (let left = ms; left > 0; left -= stepMs) {
        clock.shift(Math.min(stepMs, left));
        await tick();
      }
    },
  };
}
