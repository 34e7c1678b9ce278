import http from "node:http";
import { cpuMsPerRequest, withCpuTime, type LoadSettings, type RouteFigures } from "./load.js";
import type { Route } from "./routes.js";

/**
 * An open-loop load: requests are due at evenly spaced times (`ratePerSec`), whether or not
 * earlier ones were answered, over a keep-alive pool of exactly `connections` sockets; a request
 * due while all of them are busy waits for one. Each latency runs from the time the request was
 * due, so a server that falls behind is charged for the queue it causes (no coordinated omission,
 * as wrk2 measures it).
 *
 * Not autocannon: its `overallRate` is a per-second quota per connection (each sends back to back
 * until its quota, then waits for the next second), and its coordinated-omission correction takes
 * ceil(1 / rate) ms as the expected interval (autocannon 8, lib/httpClient.js and lib/run.js), so
 * its latencies at a fixed rate are those of bursts. Not loadtest: with `--rps` it ignores the
 * connection count and opens clients on demand.
 */
export async function loadRouteAtRate(
  apiBaseUrl: string,
  route: Route,
  settings: LoadSettings & { ratePerSec: number },
  cpuTimeMs: () => number | undefined,
): Promise<RouteFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: settings.connections });
  try {
    if (settings.warmupSec > 0) await offer(agent, apiBaseUrl, route, settings.ratePerSec, settings.warmupSec);
    const { value: outcome, cpuMs } = await withCpuTime(cpuTimeMs, () => offer(agent, apiBaseUrl, route, settings.ratePerSec, settings.durationSec));
    return figuresOf(route, settings.ratePerSec, outcome, cpuMs);
  } finally {
    agent.destroy();
  }
}

type Outcome = { latenciesMs: number[]; statusCodes: Record<string, number>; errors: number; elapsedSec: number };

/** Sends `ratePerSec × durationSec` requests, each at its due time, and waits for every answer. */
async function offer(agent: http.Agent, apiBaseUrl: string, route: Route, ratePerSec: number, durationSec: number): Promise<Outcome> {
  const url = new URL(`${apiBaseUrl}${route.path}`);
  const body = route.body === undefined ? undefined : Buffer.from(route.body);
  const headers = { ...route.headers, ...(body ? { "content-length": String(body.length) } : {}) };
  const total = Math.round(ratePerSec * durationSec);
  const outcome: Outcome = { latenciesMs: [], statusCodes: {}, errors: 0, elapsedSec: 0 };
  const answers: Promise<void>[] = [];
  const start = performance.now();

  const send = (dueAt: number) =>
    new Promise<void>((done) => {
      const request = http.request(url, { method: route.method, headers, agent, timeout: 10_000 }, (response) => {
        response.resume();
        response.on("end", () => {
          const status = String(response.statusCode);
          outcome.statusCodes[status] = (outcome.statusCodes[status] ?? 0) + 1;
          outcome.latenciesMs.push(performance.now() - dueAt);
          done();
        });
        response.on("error", () => done(void outcome.errors++));
      });
      request.on("timeout", () => request.destroy(new Error("timeout")));
      request.on("error", () => done(void outcome.errors++));
      request.end(body);
    });

  const dueAt = (n: number) => start + (n * 1000) / ratePerSec;
  let sent = 0;
  await new Promise<void>((allSent) => {
    const tick = () => {
      const now = performance.now();
      // Every request due by now goes out (a timer fires at best every millisecond).
      for (; sent < total && dueAt(sent) <= now; sent++) answers.push(send(dueAt(sent)));
      if (sent < total) setTimeout(tick, 1);
      else allSent();
    };
    tick();
  });
  await Promise.all(answers);
  outcome.elapsedSec = (performance.now() - start) / 1000;
  return outcome;
}

function figuresOf(route: Route, ratePerSec: number, outcome: Outcome, cpuMs: number | undefined): RouteFigures {
  const sorted = [...outcome.latenciesMs].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length === 0 ? 0 : round1(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!));
  const answered = sorted.length;
  const ok = Object.entries(outcome.statusCodes).reduce((n, [status, count]) => n + (status.startsWith("2") ? count : 0), 0);
  return {
    route: route.name,
    requestsPerSec: Math.round(answered / outcome.elapsedSec),
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    maxMs: at(1),
    completed: answered,
    errors: outcome.errors,
    non2xx: answered - ok,
    statusCodes: outcome.statusCodes,
    durationSec: round1(outcome.elapsedSec),
    cpuMsPerRequest: cpuMsPerRequest(cpuMs, answered),
    offeredPerSec: ratePerSec,
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
