/** What one fuzzing property sent and got back, for the figures each test prints. */
export class FuzzFigures {
  readonly statuses = new Map<number, number>();
  readonly kinds = new Map<string, number>();
  private readonly latencies: number[] = [];
  requests = 0;
  largestErrorBody = 0;
  bodiesChecked = 0;
  bodiesValid = 0;

  record(kinds: readonly string[], status: number, ms: number, bodyLength: number) {
    this.requests++;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    for (const kind of kinds) this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    this.latencies.push(ms);
    if (status >= 400) this.largestErrorBody = Math.max(this.largestErrorBody, bodyLength);
  }

  count(predicate: (status: number) => boolean): number {
    let n = 0;
    for (const [status, count] of this.statuses) if (predicate(status)) n += count;
    return n;
  }

  percentile(p: number): number {
    if (this.latencies.length === 0) return 0;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  }

  summary(title: string): string {
    const statuses = [...this.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(" ");
    const kinds = [...this.kinds].sort(([, a], [, b]) => b - a).map(([k, n]) => `${k} ${n}`).join(", ");
    const lines = [
      `[fuzz] ${title}: ${this.requests} requests, 2xx ${this.count((s) => s < 300)}, 4xx ${this.count((s) => s >= 400 && s < 500)}, 5xx ${this.count((s) => s >= 500)}`,
      `       statuses ${statuses}`,
      `       latency p50 ${this.percentile(50).toFixed(1)} ms, p99 ${this.percentile(99).toFixed(1)} ms, max ${this.percentile(100).toFixed(1)} ms; largest error body ${this.largestErrorBody} bytes`,
    ];
    if (this.bodiesChecked > 0) lines.push(`       generated bodies valid per Ajv: ${this.bodiesValid}/${this.bodiesChecked}`);
    if (kinds) lines.push(`       ${kinds}`);
    return lines.join("\n");
  }
}
