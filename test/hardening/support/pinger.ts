/** What a background client saw while a test attacked the server: every answer's latency, and every failure. */
export type PingReport = { answered: number; failures: string[]; p50: number; p99: number; max: number };

/**
 * Sends `request` over and over (one at a time, `pauseMs` apart) until stopped: the "other
 * client" whose requests must keep being answered while a test ties the server up.
 */
export function startPinger(request: () => Promise<Response>, pauseMs = 50): { stop: () => Promise<PingReport> } {
  let running = true;
  const latencies: number[] = [];
  const failures: string[] = [];
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const answer = await request();
        await answer.arrayBuffer();
        if (answer.status !== 200) failures.push(`status ${answer.status}`);
      } catch (error) {
        failures.push((error as Error).message);
      }
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      const sorted = [...latencies].sort((a, b) => a - b);
      const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
      return { answered: latencies.length - failures.length, failures, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 };
    },
  };
}
