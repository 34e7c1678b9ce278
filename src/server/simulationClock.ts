/** What simulated work reads the time from: the simulation clock, or anything else that tells the time. */
export type Clock = { now(): Date };

export type ClockState = { now: string; frozen: boolean; offsetMs: number };

/**
 * The time of the simulated work (Vern runs, Wexa executions): the wall clock, shifted by what
 * `/__admin/clock` stepped it, or held still while frozen. Rate limits, logs and Retry-After stay on
 * the wall clock; only the simulation and the timestamps it writes follow this one. It is per
 * process: a restart starts it again at the wall clock (rows then carry on from their due times).
 */
export class SimulationClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | undefined;

  constructor(private readonly wall: () => number = Date.now) {}

  now(): Date {
    return new Date(this.frozenAt ?? this.wall() + this.offsetMs);
  }

  get frozen(): boolean {
    return this.frozenAt !== undefined;
  }

  /** Holds the time where it is: nothing simulated moves until the clock is stepped or unfrozen. */
  freeze(): void {
    this.frozenAt ??= this.wall() + this.offsetMs;
  }

  /** Lets the time run again from the instant it was held at (no jump over the frozen interval). */
  unfreeze(): void {
    if (this.frozenAt === undefined) return;
    this.offsetMs = this.frozenAt - this.wall();
    this.frozenAt = undefined;
  }

  /** Moves the time forward by `ms`, frozen or not. */
  shift(ms: number): void {
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  state(): ClockState {
    const now = this.now();
    return { now: now.toISOString(), frozen: this.frozen, offsetMs: now.getTime() - this.wall() };
  }
}
