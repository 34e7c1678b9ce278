import type { OperationSpec } from "../contracts/operationTable.js";
import type { Exchange } from "./types.js";

export type TransportOptions = {
  fetch: typeof fetch;
  /** Stop after this many requests (a safety cap for real deployments). */
  maxRequests: number;
  /** Pace: at most this many requests a second. */
  requestsPerSecond: number;
  /** How often a 429 is retried (with backoff) before it is kept as the answer. */
  maxRetriesOn429: number;
  /** Base of the exponential backoff when a 429 has no Retry-After. */
  backoffBaseMs: number;
  timeoutMs: number;
  matchOperation: (method: string, pathname: string) => OperationSpec | undefined;
  /** Every header of every request (e.g. --header for an auth proxy in front of the deployment). */
  extraHeaders?: Readonly<Record<string, string>>;
  /** Throws to refuse a request before it is sent (a write to something the run did not create). */
  guard?: (request: { method: string; url: URL; body?: string }) => void;
  /** Sees every exchange as it is recorded (the run tracks what its requests created). */
  onExchange?: (exchange: Exchange) => void;
  /** Ctrl-C: no new request starts and the one in flight is cut, except the cleanup's. */
  signal?: AbortSignal;
};

export class BudgetExhausted extends Error {}

/** The run was interrupted (Ctrl-C): the check in progress stops at once. */
export class RunAborted extends Error {}

/** The sender whose requests still go out after Ctrl-C: removing what the run created. */
export const CLEANUP_SENDER = "cleanup";

/**
 * Every request of a run goes through here: paced, capped, retried with backoff on 429, and
 * recorded (raw, in memory) so the passive checks and the secret scan can read every answer.
 */
export class Transport {
  readonly exchanges: Exchange[] = [];
  private sent = 0;
  private nextSlot = 0;

  constructor(private readonly options: TransportOptions) {}

  get requestCount(): number {
    return this.sent;
  }

  /** A fetch for one sender (a check or flow): typed clients take it as their transport. */
  fetchFor(sentBy: string, retryOn429 = true): typeof fetch {
    return (input, init) => this.send(new Request(input, init), sentBy, retryOn429);
  }

  private async send(request: Request, sentBy: string, retryOn429: boolean): Promise<Response> {
    const body = request.body ? await request.text() : undefined;
    for (let attempt = 0; ; attempt++) {
      const response = await this.once(request, body, sentBy);
      if (response.status !== 429 || !retryOn429 || attempt >= this.options.maxRetriesOn429) return response;
      await sleep(retryDelay(response, attempt, this.options.backoffBaseMs));
    }
  }

  private async once(request: Request, body: string | undefined, sentBy: string): Promise<Response> {
    const interruptible = sentBy !== CLEANUP_SENDER && this.options.signal !== undefined;
    if (interruptible && this.options.signal!.aborted) throw new RunAborted("the run was interrupted");
    this.options.guard?.({ method: request.method, url: new URL(request.url), body });
    if (this.sent >= this.options.maxRequests) throw new BudgetExhausted(`request budget of ${this.options.maxRequests} reached`);
    this.sent++;
    await this.pace();
    for (const [name, value] of Object.entries(this.options.extraHeaders ?? {})) request.headers.set(name, value);
    const started = performance.now();
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let response: Response;
    try {
      response = await this.options.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body,
        signal: interruptible ? AbortSignal.any([timeout, this.options.signal!]) : timeout,
        redirect: "manual",
      });
    } catch (error) {
      if (interruptible && this.options.signal!.aborted) throw new RunAborted("the run was interrupted");
      throw error;
    }
    const text = await response.text();
    const url = new URL(request.url);
    const exchange: Exchange = {
      seq: this.exchanges.length + 1,
      sentBy,
      operationId: this.options.matchOperation(request.method, url.pathname)?.operationId,
      request: { method: request.method, url: request.url, headers: Object.fromEntries(request.headers), body },
      response: { status: response.status, headers: Object.fromEntries(response.headers), body: text, durationMs: Math.round(performance.now() - started) },
    };
    this.exchanges.push(exchange);
    this.options.onExchange?.(exchange);
    const answer = new Response(response.status === 204 || response.status === 304 ? null : text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    exchangeOfResponse.set(answer, exchange);
    return answer;
  }

  private async pace(): Promise<void> {
    const interval = 1000 / this.options.requestsPerSecond;
    const now = performance.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + interval;
    if (slot > now) await sleep(slot - now);
  }
}

/** RFC 9110 §10.2.3: Retry-After in seconds (or a date); otherwise exponential backoff. */
function retryDelay(response: Response, attempt: number, baseMs: number): number {
  const header = response.headers.get("retry-after");
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return Math.min(seconds * 1000, 60_000);
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.min(Math.max(date - Date.now(), 0), 60_000);
  }
  return Math.min(baseMs * 2 ** attempt, 30_000);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The exchange each answer the transport returned was recorded as. Requests may be in flight
 * together (generated cases are sent a few at a time), so "the last exchange recorded" can be
 * another request's.
 */
const exchangeOfResponse = new WeakMap<Response, Exchange>();

export function exchangeOf(response: Response): Exchange | undefined {
  return exchangeOfResponse.get(response);
}
