import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { BreakingChange } from "./breakingChanges.js";

/**
 * A breaking change made on purpose, with its reason (openapi/releases/accepted-changes.yaml).
 * `api` and `operation` may be `"*"`; `rule` and `where` must match exactly.
 */
export type AcceptedChange = { api: string; rule: string; operation: string; where: string; reason: string };

export function readAcceptedChanges(file: string): AcceptedChange[] {
  const parsed = parse(readFileSync(file, "utf8")) as { accepted?: AcceptedChange[] } | null;
  const accepted = parsed?.accepted ?? [];
  for (const entry of accepted) {
    for (const field of ["api", "rule", "operation", "where", "reason"] as const) {
      if (typeof entry[field] !== "string" || entry[field].length === 0) throw new Error(`${file}: every accepted change needs a non-empty ${field}`);
    }
  }
  return accepted;
}

/** The changes that no accepted entry covers. */
export function unaccepted(api: string, changes: readonly BreakingChange[], accepted: readonly AcceptedChange[]): BreakingChange[] {
  const matches = (a: AcceptedChange, c: BreakingChange) =>
    (a.api === "*" || a.api === api) && a.rule === c.rule && (a.operation === "*" || a.operation === c.operation) && a.where === c.where;
  return changes.filter((change) => !accepted.some((a) => matches(a, change)));
}
