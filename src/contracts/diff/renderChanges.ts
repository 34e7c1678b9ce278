import type { BreakingChange } from "./breakingChanges.js";

/** One line per change, grouped under its operation, for a terminal or a CI log. */
export function renderChangesText(changes: readonly BreakingChange[]): string {
  if (changes.length === 0) return "No breaking changes.\n";
  const lines = [`${changes.length} breaking change${changes.length === 1 ? "" : "s"}:`];
  let operation = "";
  for (const change of changes) {
    if (change.operation !== operation) lines.push(`  ${(operation = change.operation)}`);
    lines.push(`    [${change.rule}] ${change.message}`);
  }
  return `${lines.join("\n")}\n`;
}

export function renderChangesJson(changes: readonly BreakingChange[]): string {
  return `${JSON.stringify({ breaking: changes.length > 0, changes }, null, 2)}\n`;
}
