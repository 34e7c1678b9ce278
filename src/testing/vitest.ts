// `@connector-contracts/cli/vitest`: assertions for a team's own Vitest tests. Register them once
// (in a test file or a setupFiles module):
//   import { expect } from "vitest";
//   import { conformanceMatchers } from "@connector-contracts/cli/vitest";
//   expect.extend(conformanceMatchers);
//   expect({ status: 200, body }).toConformTo("vern", "getRun");
//   expect({ requestBody }).toConformTo("vern", "createRun");
// Nothing is registered by importing this module, and it imports nothing of Vitest at run time.
import type {} from "vitest";
import type { ApiName } from "../contracts/apiNames.js";
import { contractProblems, describe, type ContractSample } from "./contractProblems.js";

export { assertConforms, contractProblems, type ContractSample } from "./contractProblems.js";

/** What `expect(x).toConformTo(api, operationId)` takes: an answer (status and parsed body) or a request body. */
export type TrafficSample = { status: number; body?: unknown } | { requestBody: unknown };

type MatcherResult = { pass: boolean; message: () => string };

export const conformanceMatchers = {
  /** Passes when `received` (an answer or a request body) conforms to the contract of `api`'s `operationId`. */
  toConformTo(received: TrafficSample, api: ApiName, operationId: string): MatcherResult {
    if (typeof received !== "object" || received === null || !("status" in received || "requestBody" in received)) {
      return { pass: false, message: () => "toConformTo expects { status, body } (an answer) or { requestBody } (a request)" };
    }
    const sample = { api, operationId, ...received } as ContractSample;
    const problems = contractProblems(sample);
    return {
      pass: problems.length === 0,
      message: () =>
        problems.length === 0
          ? `expected ${describe(sample)} not to conform to its contract, and it does`
          : `expected ${describe(sample)} to conform to its contract:\n  ${problems.join("\n  ")}`,
    };
  },
};

declare module "vitest" {
  interface Matchers<T = any> {
    /** The answer (`{ status, body }`) or request (`{ requestBody }`) conforms to the contract of `api`'s `operationId`. */
    toConformTo: (api: ApiName, operationId: string) => T;
  }
}
