import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FaultRules } from "../../src/server/admin/faultRules.js";

/** A fault rule's `pathPattern`, where `*` stands for any run of characters (slashes included). */
describe("fault rule path patterns", () => {
  const matches = (pattern: string, path: string) => {
    const rules = new FaultRules();
    rules.add({ pathPattern: pattern, status: 500 });
    return rules.faultFor("wexa", undefined, path) !== undefined;
  };
  /** The obvious reading of the pattern, as a regular expression: right, but slow on hostile input. */
  const oracle = (pattern: string, path: string) =>
    new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "s").test(path);

  it("matches exactly what the regular-expression reading of the pattern matches", () => {
    // A small alphabet so that parts overlap and repeat, where a greedy matcher would go wrong.
    const text = fc.string({ unit: fc.constantFrom("a", "b", "/", "."), maxLength: 12 });
    const pattern = fc.string({ unit: fc.constantFrom("a", "b", "/", ".", "*"), maxLength: 8 });
    fc.assert(fc.property(pattern, text, (p, path) => matches(p, path) === oracle(p, path)), { numRuns: 5000, seed: 7 });
  });

  it("reads the examples the README gives", () => {
    expect(matches("/evalstudio/projects*", "/evalstudio/projects/1/connectors")).toBe(true);
    expect(matches("/evalstudio/projects*", "/wexa/projects")).toBe(false);
    expect(matches("/vern/*/runs/*", "/vern/migrations/m1/runs/r1")).toBe(true);
    expect(matches("/vern/*/runs/*", "/vern/migrations/m1/source")).toBe(false);
  });

  it("answers a many-star pattern against a long path without backtracking", () => {
    // As a regular expression this pattern takes polynomial time of degree 12 on this path: hours.
    expect(matches(`${"*a".repeat(12)}*b`, "a".repeat(20_000))).toBe(false);
  });
});
