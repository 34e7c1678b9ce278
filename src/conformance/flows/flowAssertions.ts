import type { CheckContext, Answer } from "../context.js";
import { allOrFirstError } from "../together.js";
import type { Finding } from "../types.js";

/**
 * The findings of one flow, collected step by step: each expectation that fails becomes a
 * finding naming the step, what the contract says and what came back.
 */
export class FlowFindings {
  readonly findings: Finding[] = [];

  constructor(private readonly ctx: CheckContext, private readonly check: string, private readonly source: string) {}

  /** The answer has the expected status; returns whether it did. */
  status(answer: Answer, expected: number | number[], step: string): boolean {
    const allowed = Array.isArray(expected) ? expected : [expected];
    if (allowed.includes(answer.status)) return true;
    this.fail(step, answer, `status ${allowed.join(" or ")}`, `${answer.status}: ${answer.text.slice(0, 300)}`, allowed[0]);
    return false;
  }

  /** A condition on an answer; returns it. */
  that(condition: boolean, step: string, answer: Answer | undefined, expected: string, received: string): boolean {
    if (!condition) this.fail(step, answer, expected, received);
    return condition;
  }

  fail(step: string, answer: Answer | undefined, expected: string, received: string, status?: number): void {
    const operationId = answer?.exchange.operationId;
    const operation = operationId ? this.ctx.operations.find((o) => o.operationId === operationId) : undefined;
    this.findings.push(this.ctx.finding({
      check: this.check,
      operationId,
      what: step.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
      title: `${step}: expected ${expected}`,
      expected,
      received,
      source: this.source,
      basis: this.ctx.basisOf(operation, status ?? answer?.status),
      exchange: answer?.exchange,
    }));
  }
}

/**
 * Marks the findings made inside `assert` as differing from behaviour this project inferred
 * (an [ours] rule of the contract) rather than breaking the vendor's documented contract.
 */
export function asInferred<T>(f: FlowFindings, assert: () => T): T {
  const before = f.findings.length;
  const mark = () => {
    for (const finding of f.findings.slice(before)) finding.basis = "inferred";
  };
  const result = assert();
  if (result instanceof Promise) return result.finally(mark) as T;
  mark();
  return result;
}

/**
 * Independent parts of a flow run side by side, each with findings of its own, returned in the
 * order of `parts` whatever answered first: the same run gives the same report. Every part is
 * awaited before the first error is thrown, so none sends requests after its check has ended.
 */
export async function sideBySide<T>(ctx: CheckContext, check: { name: string; source: string }, parts: ReadonlyArray<(f: FlowFindings) => Promise<T>>): Promise<{ findings: Finding[]; results: T[] }> {
  const collected = parts.map(() => new FlowFindings(ctx, check.name, check.source));
  const results = await allOrFirstError(parts.map((part, i) => part(collected[i]!)));
  return { findings: collected.flatMap((f) => f.findings), results };
}

/** A field of a JSON answer, read without trusting its shape. */
export function field<T = unknown>(answer: Answer, ...path: Array<string | number>): T | undefined {
  let node: unknown = answer.json;
  for (const key of path) node = node && typeof node === "object" ? (node as Record<string | number, unknown>)[key] : undefined;
  return node as T | undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls of the first second come this often: a state that moves in steps of a fraction of a second is seen within one. */
const QUICK_POLL_MS = 100;
const QUICK_FOR_MS = 1_000;
/** Then each wait is this share of the time waited so far, up to the cadence Vern asks for ("poll about every 2 s, backing off"). */
const BACK_OFF_SHARE = 0.5;
const SLOWEST_POLL_MS = 2_000;

/**
 * How long to wait before the next poll, `waitedMs` after polling began. A fixed cadence at first,
 * because a wait that grows from the start (×1.5 a poll) overshoots the change it waits for by up
 * to half the time already waited, on a server whose steps are that short; then backing off, so a
 * deployment whose runs take minutes is polled every 2 s, not ten times a second.
 */
export function pollWaitMs(waitedMs: number): number {
  if (waitedMs < QUICK_FOR_MS) return QUICK_POLL_MS;
  return Math.min(SLOWEST_POLL_MS, Math.max(QUICK_POLL_MS, waitedMs * BACK_OFF_SHARE));
}

/**
 * Polls `read` until `done` holds or the run's flow timeout passes; the state machines of the
 * APIs move on their own clock, on the schedule of pollWaitMs. The first read comes after the
 * first wait: the caller has just set the state moving, and a read at once shows what its answer said.
 * Returns the last answer either way.
 */
export async function pollUntil(ctx: CheckContext, read: () => Promise<Answer>, done: (answer: Answer) => boolean): Promise<Answer> {
  const started = performance.now();
  const deadline = started + ctx.options.flowTimeoutMs;
  for (;;) {
    await sleep(pollWaitMs(performance.now() - started));
    const answer = await read();
    if (done(answer) || performance.now() >= deadline) return answer;
  }
}
