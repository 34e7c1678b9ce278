import { describe, expect, it } from "vitest";
import { pollWaitMs } from "../../src/conformance/flows/flowAssertions.js";

/** The times of the polls of a state that never changes, up to `untilMs` (each read taken as instant). */
function pollTimes(untilMs: number): number[] {
  const times: number[] = [];
  for (let t = pollWaitMs(0); t <= untilMs; t += pollWaitMs(t)) times.push(t);
  return times;
}

describe("the schedule the flows poll on", () => {
  it("polls every 100 ms in the first second, so a step of a fraction of a second is seen within 100 ms", () => {
    expect(pollTimes(1_000)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000]);
  });

  it("backs off to one poll every 2 s after a few seconds, as Vern asks (\"poll about every 2 s, backing off\")", () => {
    const times = pollTimes(60_000);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.every((gap, i) => i === 0 || gap >= gaps[i - 1]!)).toBe(true);
    expect(Math.max(...gaps)).toBe(2_000);
    expect(times.filter((t) => t >= 6_000).every((t, i, later) => i === 0 || t - later[i - 1]! === 2_000)).toBe(true);
  });

  it("sends well under Vern's 100 requests a minute per operation while a run stays put for a minute", () => {
    expect(pollTimes(60_000).length).toBeLessThanOrEqual(45);
  });
});
