import autocannon, { type Result } from "autocannon";
import type { Route, RouteName } from "./routes.js";

export type LoadSettings = Readonly<{ durationSec: number; warmupSec: number; connections: number }>;

/** What one route did on one target under the same load. */
export type RouteFigures = {
  route: RouteName;
  /** autocannon's mean of its per-second samples (its "Req/Sec Avg"). */
  requestsPerSec: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  completed: number;
  /** Socket errors and timeouts. */
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  durationSec: number;
  /** The server process's CPU time (user + system) per completed request, in ms; null when unknown. */
  cpuMsPerRequest: number | null;
  /** When the route ran in rounds: every round's req/s (these figures are the median round's). */
  roundsRequestsPerSec?: number[];
  /** When the load was offered at a fixed rate (openLoop.ts) instead of as fast as answered: that rate, in requests per second. */
  offeredPerSec?: number;
};

/**
 * Loads one route of one target: a warm-up (the JIT, the database's caches, the connections)
 * whose figures are thrown away, then the measured run, with the same settings on every target.
 * Latencies are autocannon's, whole milliseconds, of 2xx answers only.
 */
export async function loadRoute(apiBaseUrl: string, route: Route, settings: LoadSettings, cpuTimeMs: () => number | undefined): Promise<RouteFigures> {
  const request = {
    url: `${apiBaseUrl}${route.path}`,
    method: route.method,
    headers: { ...route.headers },
    ...(route.body === undefined ? {} : { body: route.body }),
    connections: settings.connections,
    pipelining: 1,
    timeout: 10,
  };
  if (settings.warmupSec > 0) await autocannon({ ...request, duration: settings.warmupSec });
  const { value: result, cpuMs } = await withCpuTime(cpuTimeMs, () => autocannon({ ...request, duration: settings.durationSec }));
  return figuresOf(route.name, result, cpuMs);
}

/** Runs `measured`, and tells how much CPU time the server spent meanwhile (undefined when unknown). */
export async function withCpuTime<T>(cpuTimeMs: () => number | undefined, measured: () => Promise<T>): Promise<{ value: T; cpuMs: number | undefined }> {
  const before = cpuTimeMs();
  const value = await measured();
  const after = cpuTimeMs();
  return { value, cpuMs: before === undefined || after === undefined ? undefined : after - before };
}

/** The server's CPU time per answered request, in ms to three places; null when unknown. */
export function cpuMsPerRequest(cpuMs: number | undefined, answered: number): number | null {
  return cpuMs === undefined || answered === 0 ? null : Math.round((cpuMs / answered) * 1000) / 1000;
}

function figuresOf(route: RouteName, result: Result, cpuMs: number | undefined): RouteFigures {
  return {
    route,
    requestsPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    completed: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stat]) => [code, stat.count])),
    durationSec: result.duration,
    cpuMsPerRequest: cpuMsPerRequest(cpuMs, result.requests.total),
  };
}
