import type { OperationSpec } from "../contracts/operationTable.js";
import type { Exchange } from "./types.js";
import { wireFor, type Wire, type WireResponse } from "./wire.js";

export type TransportOptions = {
  /** Sends through this fetch instead of Node's HTTP client (a library user's own, or a test's that plants faults). */
  fetch?: typeof fetch;
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

/** A request as a check builds it: header names in any case, the body as a string. */
export type OutgoingRequest = { method: string; url: URL; headers: Record<string, string>; body?: string };

/** The answer as recorded, with the exchange it was recorded as. */
export type Received = { status: number; headers: Record<string, string>; text: string; exchange: Exchange };

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
  private readonly wire: Wire;

  constructor(private readonly options: TransportOptions) {
    this.wire = wireFor(options.fetch);
  }

  get requestCount(): number {
    return this.sent;
  }

  /** Lets go of the connections kept open for the run. */
  close(): void {
    this.wire.close();
  }

  async send(request: OutgoingRequest, sentBy: string, retryOn429 = true): Promise<Received> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    for (const [name, value] of Object.entries(this.options.extraHeaders ?? {})) headers[name.toLowerCase()] = value;
    const outgoing = { ...request, headers };
    for (let attempt = 0; ; attempt++) {
      const received = await this.once(outgoing, sentBy);
      if (received.status !== 429 || !retryOn429 || attempt >= this.options.maxRetriesOn429) return received;
      await sleep(retryDelay(received.headers["retry-after"], attempt, this.options.backoffBaseMs));
    }
  }

  private async once(request: OutgoingRequest, sentBy: string): Promise<Received> {
    const interruptible = sentBy !== CLEANUP_SENDER && this.options.signal !== undefined;
    if (interruptible && this.options.signal!.aborted) throw new RunAborted("the run was interrupted");
    this.options.guard?.({ method: request.method, url: request.url, body: request.body });
    if (this.sent >= this.options.maxRequests) throw new BudgetExhausted(`request budget of ${this.options.maxRequests} reached`);
    this.sent++;
    await this.pace();
    const started = performance.now();
    let response: WireResponse;
    try {
      response = await this.wire.send({ ...request, timeoutMs: this.options.timeoutMs, signal: interruptible ? this.options.signal : undefined });
    } catch (error) {
      if (interruptible && this.options.signal!.aborted) throw new RunAborted("the run was interrupted");
      throw error;
    }
    const exchange: Exchange = {
      seq: this.exchanges.length + 1,
      sentBy,
      operationId: this.options.matchOperation(request.method, request.url.pathname)?.operationId,
      request: { method: request.method, url: request.url.href, headers: request.headers, body: request.body },
      response: { status: response.status, headers: response.headers, body: response.body, durationMs: Math.round(performance.now() - started) },
    };
    this.exchanges.push(exchange);
    this.options.onExchange?.(exchange);
    return { status: response.status, headers: response.headers, text: response.body, exchange };
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
function retryDelay(header: string | undefined, attempt: number, baseMs: number): number {
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
