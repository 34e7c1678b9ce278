import { randomUUID } from "node:crypto";

/** What a fault rule does to a request it matches: answer with a status, wait first, or drop the connection. */
export type FaultRuleInput = {
  status?: number;
  delayMs?: number;
  drop?: boolean;
  api?: string;
  operationId?: string;
  /** Matched against the request's path (no query); `*` stands for any run of characters. */
  pathPattern?: string;
  /** Applies to this many matching calls, then the rule is gone. */
  times?: number;
  /** Applies to this share (0..1) of matching calls, drawn from a generator seeded with `seed`. */
  share?: number;
  seed?: number;
};

export type FaultRule = FaultRuleInput & { id: string; /** Calls it applied to so far. */ applied: number };

/** What the request path does for a matched rule. */
export type Fault = { status?: number; delayMs?: number; drop?: boolean };

export const MAX_FAULT_DELAY_MS = 30_000;

/** Why a rule cannot be added (the admin route's 400), or the rule as it will be kept. */
export function validFaultRule(input: unknown): FaultRuleInput | string {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return "A fault rule is a JSON object.";
  const rule = input as Record<string, unknown>;
  const known = ["status", "delayMs", "drop", "api", "operationId", "pathPattern", "times", "share", "seed"];
  const unknown = Object.keys(rule).filter((k) => !known.includes(k));
  if (unknown.length > 0) return `Unknown field(s) ${unknown.join(", ")}; a fault rule has ${known.join(", ")}.`;
  const isInt = (v: unknown, min: number, max: number) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
  if (rule.status !== undefined && !isInt(rule.status, 100, 599)) return "status must be an HTTP status code (100 to 599).";
  if (rule.delayMs !== undefined && !isInt(rule.delayMs, 0, MAX_FAULT_DELAY_MS)) return `delayMs must be a whole number from 0 to ${MAX_FAULT_DELAY_MS}.`;
  if (rule.drop !== undefined && typeof rule.drop !== "boolean") return "drop must be true or false.";
  if (rule.status === undefined && rule.delayMs === undefined && rule.drop !== true) return "A fault rule needs status, delayMs or drop: true.";
  if (rule.drop === true && rule.status !== undefined) return "A dropped connection has no status: give drop or status, not both.";
  for (const name of ["api", "operationId", "pathPattern"] as const) {
    if (rule[name] !== undefined && (typeof rule[name] !== "string" || rule[name] === "" || (rule[name] as string).length > 500)) return `${name} must be a non-empty string.`;
  }
  if (rule.operationId !== undefined && rule.pathPattern !== undefined) return "Give operationId or pathPattern, not both.";
  if (rule.times !== undefined && !isInt(rule.times, 1, 1_000_000)) return "times must be a whole number from 1.";
  if (rule.share !== undefined && !(typeof rule.share === "number" && rule.share >= 0 && rule.share <= 1)) return "share must be a number from 0 to 1.";
  if (rule.times !== undefined && rule.share !== undefined) return "Give times or share, not both.";
  if (rule.seed !== undefined && !isInt(rule.seed, 0, 2 ** 32 - 1)) return "seed must be a whole number from 0 to 2^32-1.";
  return rule as FaultRuleInput;
}

/**
 * The persistent fault rules set through /__admin/faults (in the manner of WireMock's fault
 * stubs): the one place the request path asks whether a request gets a fault (`faultFor`). They
 * live in memory, per server: a test sets them up and tears them down.
 */
export class FaultRules {
  private rules: Array<FaultRule & { matchPath?: (path: string) => boolean; draw?: () => number }> = [];

  /** Whether any rule exists: the request path's only cost when there is none. */
  get active(): boolean {
    return this.rules.length > 0;
  }

  add(input: FaultRuleInput): FaultRule {
    const rule = { ...input, id: randomUUID(), applied: 0 };
    this.rules.push({
      ...rule,
      matchPath: input.pathPattern === undefined ? undefined : globMatcher(input.pathPattern),
      draw: input.share === undefined ? undefined : seededRandom(input.seed ?? 1),
    });
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map(({ matchPath: _m, draw: _d, ...rule }) => rule);
  }

  delete(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault for this request, counting it against the first rule that matches; undefined when none. */
  faultFor(api: string, operationId: string | undefined, path: string): Fault | undefined {
    for (const rule of this.rules) {
      if (rule.api !== undefined && rule.api !== api) continue;
      if (rule.operationId !== undefined && rule.operationId !== operationId) continue;
      if (rule.matchPath && !rule.matchPath(path)) continue;
      if (rule.draw && rule.draw() >= rule.share!) continue;
      rule.applied += 1;
      if (rule.times !== undefined && rule.applied >= rule.times) this.delete(rule.id);
      return { status: rule.status, delayMs: rule.delayMs, drop: rule.drop };
    }
    return undefined;
  }
}

/**
 * A matcher for a pattern whose `*` stands for any run of characters. Not a regular expression:
 * `^a.*b.*c$` backtracks polynomially in the number of stars on a long path, and the pattern comes
 * from a request. The parts between stars are found left to right, each at its first place after
 * the one before, which is enough when `*` is the only wildcard: the time is linear in the path.
 */
function globMatcher(pattern: string): (path: string) => boolean {
  const parts = pattern.split("*");
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (parts.length === 1) return (path) => path === pattern;
  const middle = parts.slice(1, -1).filter((part) => part !== "");
  return (path) => {
    if (path.length < first.length + last.length || !path.startsWith(first) || !path.endsWith(last)) return false;
    const end = path.length - last.length;
    let at = first.length;
    for (const part of middle) {
      const found = path.indexOf(part, at);
      if (found === -1 || found + part.length > end) return false;
      at = found + part.length;
    }
    return true;
  };
}

/** mulberry32: a small, well-known seeded generator, so a share of calls is the same share on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
