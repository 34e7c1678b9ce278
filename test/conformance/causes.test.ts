import { describe, expect, it } from "vitest";
import { causeKey } from "../../src/conformance/reporters/summary.js";
import type { Finding } from "../../src/conformance/types.js";

/** Issue 15: one server error is one cause, however many checks and operations saw it. */
const finding = (check: string, operationId: string, what: string, status: number): Finding => ({
  id: `${check}/${operationId}/${what}`,
  check,
  severity: "error",
  basis: "documented",
  operationId,
  title: `${operationId} answered ${status}`,
  expected: "a documented answer",
  received: String(status),
  source: "test",
  exchange: {
    seq: 1,
    sentBy: check,
    operationId,
    request: { method: "POST", url: "http://127.0.0.1/x", headers: {} },
    response: { status, headers: {}, body: "", durationMs: 1 },
  },
});

describe("causeKey", () => {
  it("gives a 500 seen by the status, negative-input and schema checks on two operations one cause", () => {
    const keys = new Set([
      causeKey(finding("status_code_conformance", "createToolPack", "undocumented-500", 500)),
      causeKey(finding("negative_data_rejection", "createToolPack", "wrong-type-name", 500)),
      causeKey(finding("response_schema_conformance", "updateToolPack", "body", 500)),
    ]);
    expect([...keys]).toEqual(["server-error/500"]);
  });

  it("keeps a 503 apart from a 500, and a refused-input deviation apart from both", () => {
    const keys = new Set([
      causeKey(finding("status_code_conformance", "createToolPack", "undocumented-500", 500)),
      causeKey(finding("status_code_conformance", "createToolPack", "undocumented-503", 503)),
      causeKey(finding("negative_data_rejection", "createToolPack", "wrong-type-name", 201)),
    ]);
    expect(keys.size).toBe(3);
  });
});
