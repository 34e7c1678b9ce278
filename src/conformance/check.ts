import type { CheckContext } from "./context.js";
import type { Finding } from "./types.js";

/**
 * A check (STYLE.md §1): a small named function over the run context that returns findings.
 * Flows make state (phase "flow"), probes send requests aimed at one property ("probe"), passive
 * checks read every exchange of the run afterwards ("passive").
 */
export type Check = {
  name: string;
  description: string;
  /** What it enforces: the spec section, RFC or vendor doc. */
  source: string;
  phase: "flow" | "probe" | "passive";
  /**
   * A probe that sends only requests a correct deployment refuses, creating and changing nothing,
   * and paces itself without counting what others send: it runs while the flows run.
   */
  besideFlows?: boolean;
  /** When set and it returns a reason, the check is skipped with that reason. */
  skipReason?: (ctx: CheckContext) => string | undefined;
  run: (ctx: CheckContext) => Promise<Finding[]>;
};

/** Thrown by a check that finds, once running, that it has nothing to test here; reported as skipped with the reason. */
export class CheckSkipped extends Error {}
