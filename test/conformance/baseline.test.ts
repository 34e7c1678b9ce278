import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BaselineError, causeOf, newFindings, readBaseline, writeBaseline } from "../../src/conformance/baseline.js";
import type { Finding, Report } from "../../src/conformance/types.js";
import { sampleReport } from "./sampleReport.js";

const withIds = (report: Report, ids: string[]): Report => ({ ...report, findings: ids.map((id, i) => ({ ...(report.findings[i % report.findings.length] as Finding), id })) });

describe("--baseline: today's findings by cause, so a later run fails only on new causes", () => {
  it("a cause leaves out what differs between runs (names the run made, UUIDs, long ids)", () => {
    const finding = (id: string) => ({ id }) as Finding;
    expect(causeOf(finding("echo/getPack/cc-conformance-1a2b3c4d-pack"))).toBe(causeOf(finding("echo/getPack/cc-conformance-9f8e7d6c-pack")));
    expect(causeOf(finding("x/op/3f2504e0-4f89-11d3-9a0c-0305e82c3301"))).toBe(causeOf(finding("x/op/6ba7b810-9dad-11d1-80b4-00c04fd430c8")));
    expect(causeOf(finding("negative_data_rejection/createToolPack/wrong-type-body-accepted"))).not.toBe(causeOf(finding("negative_data_rejection/createToolPack/null-body-accepted")));
  });

  it("records the causes of a run, and judges a later run only on causes it did not record", () => {
    const dir = mkdtempSync(join(tmpdir(), "cc-baseline-"));
    const path = join(dir, "nested", "merge.json");
    const { report } = sampleReport();
    const today = withIds(report, ["a/op/x", "b/op/cc-conformance-11111111-pack", "a/op/x"]);
    expect(readBaseline(path, "merge")).toBeUndefined();
    expect(writeBaseline(path, today).causes).toEqual(["a/op/x", "b/op/<run name>"]);
    const baseline = readBaseline(path, "merge")!;

    const sameCausesNextRun = withIds(report, ["b/op/cc-conformance-22222222-pack", "a/op/x"]);
    expect(newFindings(sameCausesNextRun, baseline)).toEqual([]);
    const oneNew = withIds(report, ["a/op/x", "c/op/y"]);
    expect(newFindings(oneNew, baseline).map((f) => f.id)).toEqual(["c/op/y"]);
  });

  it("refuses a file that is not a baseline, or one of another API, instead of treating everything as new", () => {
    const dir = mkdtempSync(join(tmpdir(), "cc-baseline-"));
    const garbage = join(dir, "garbage.json");
    writeFileSync(garbage, "{not json");
    expect(() => readBaseline(garbage, "merge")).toThrow(BaselineError);
    const vern = join(dir, "vern.json");
    writeBaseline(vern, { ...sampleReport().report, api: "vern" });
    expect(JSON.parse(readFileSync(vern, "utf8")).api).toBe("vern");
    expect(() => readBaseline(vern, "merge")).toThrow(/records vern, not merge/);
  });
});
