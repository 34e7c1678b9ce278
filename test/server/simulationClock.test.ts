import { describe, expect, it } from "vitest";
import { SimulationClock } from "../../src/server/simulationClock.js";

/** A wall clock the test moves by hand. */
function handWall(start = Date.parse("2026-01-01T00:00:00.000Z")) {
  let now = start;
  return { read: () => now, move: (ms: number) => void (now += ms) };
}

describe("SimulationClock", () => {
  it("follows the wall clock until it is stepped", () => {
    const wall = handWall();
    const clock = new SimulationClock(wall.read);
    wall.move(1_000);
    expect(clock.now().getTime()).toBe(wall.read());
    clock.shift(250);
    wall.move(10);
    expect(clock.now().getTime()).toBe(wall.read() + 250);
  });

  it("stands still while frozen, moves only by its steps, and runs on from where it was held", () => {
    const wall = handWall();
    const clock = new SimulationClock(wall.read);
    clock.freeze();
    const held = clock.now().getTime();
    wall.move(60_000);
    expect(clock.now().getTime()).toBe(held);
    clock.shift(250);
    expect(clock.now().getTime()).toBe(held + 250);
    clock.freeze(); // a second freeze keeps the stepped time
    expect(clock.now().getTime()).toBe(held + 250);
    clock.unfreeze();
    expect(clock.now().getTime()).toBe(held + 250);
    wall.move(100);
    expect(clock.now().getTime()).toBe(held + 350);
    expect(clock.state()).toEqual({ now: new Date(held + 350).toISOString(), frozen: false, offsetMs: 250 - 60_000 });
  });
});
