import { describe, expect, it } from "vitest";
import { CONNECTION_REMOVED, NOTHING_TO_MAP, nextStep, pendingCheck, type MachineRun, type Observation, type Step } from "../../src/server/apis/vern/runMachine.js";

const question = { id: "q1", question: "How?", options: [], allowCustom: true };
const generate = (status: MachineRun["status"], stage: number, answered = false): MachineRun => ({ kind: "generate", status, stage, answered });

describe("Vern run state machine (pure)", () => {
  it.each<[string, MachineRun, Observation, Step]>([
    ["a queued run starts its first stage", generate("queued", 0), {}, { to: "running", stage: 0, message: "Extracting your data from the source" }],
    ["extraction without accepted credentials blocks for them", generate("running", 0), { connection: "needs-credentials" }, { to: "blocked", reason: "credentials" }],
    ["extraction from a removed connection fails", generate("running", 0), { connection: "missing" }, { to: "failed", error: CONNECTION_REMOVED }],
    ["extraction with credentials moves on to mapping", generate("running", 0), { connection: "ready" }, { to: "running", stage: 1, message: "Mapping your columns", extracted: true }],
    ["mapping with an open question blocks on it", generate("running", 1), { mapping: { sheetCount: 1, questions: [question] } }, { to: "blocked", reason: "question", questions: [question] }],
    ["mapping after an answer moves on", generate("running", 1, true), { mapping: { sheetCount: 1, questions: [question] } }, { to: "running", stage: 2, message: "Cleaning your data" }],
    ["mapping with no sheet fails", generate("running", 1), { mapping: { sheetCount: 0, questions: [] } }, { to: "failed", error: NOTHING_TO_MAP }],
    ["the last generate stage ends at a preview", generate("running", 2), {}, { to: "awaiting_approval" }],
    ["a clarify ends completed", { kind: "clarify", status: "running", stage: 0, answered: false }, {}, { to: "completed" }],
    ["an execute imports, then verifies", { kind: "execute", status: "running", stage: 0, answered: false }, {}, { to: "running", stage: 1, message: "Verifying the import" }],
  ])("%s", (_label, run, seen, expected) => {
    expect(nextStep(run, seen)).toEqual(expected);
  });

  it("asks for an observation only where a stage has a check", () => {
    expect(pendingCheck(generate("queued", 0))).toBeUndefined();
    expect(pendingCheck(generate("running", 0))).toBe("connection");
    expect(pendingCheck(generate("running", 1))).toBe("mapping");
    expect(pendingCheck(generate("running", 2))).toBeUndefined();
  });
});
