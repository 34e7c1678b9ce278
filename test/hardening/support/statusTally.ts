/** How many answers had each status, lowest status first: "201×1 409×49" (for a test's printed figures). */
export function statusTally(statuses: readonly number[]): string {
  const counts = new Map<number, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(" ");
}
