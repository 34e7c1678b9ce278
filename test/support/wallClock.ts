import { vi } from "vitest";

/**
 * Steps `Date.now` (the wall clock) `byMs` forward after `afterMs`, as NTP steps a freshly booted
 * machine's clock; `performance.now` (the monotonic clock) runs on untouched. `stepped()` tells
 * whether the step has happened; `restore()` puts the real `Date.now` back.
 */
export function stepWallClock(afterMs: number, byMs: number) {
  const wallClock = Date.now.bind(Date);
  let offset = 0;
  const now = vi.spyOn(Date, "now").mockImplementation(() => wallClock() + offset);
  const timer = setTimeout(() => (offset = byMs), afterMs);
  return {
    stepped: () => offset === byMs,
    restore: () => {
      clearTimeout(timer);
      now.mockRestore();
    },
  };
}
