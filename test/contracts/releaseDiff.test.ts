import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { API_NAMES } from "../../src/contracts/apiNames.js";
import { readAcceptedChanges, unaccepted } from "../../src/contracts/diff/acceptedChanges.js";
import { breakingChanges } from "../../src/contracts/diff/breakingChanges.js";
import { loadSpec, loadSpecFile } from "../../src/contracts/loadSpec.js";

const RELEASES = fileURLToPath(new URL("../../openapi/releases/", import.meta.url));
const PREVIOUS = "0.1.0";

/**
 * The contracts against those of the previous release (recorded in openapi/releases/): a break
 * is allowed only when accepted-changes.yaml records it with its reason.
 */
describe(`no unrecorded breaking change since release ${PREVIOUS}`, () => {
  const accepted = readAcceptedChanges(`${RELEASES}accepted-changes.yaml`);
  it.each(API_NAMES)("%s", (api) => {
    const changes = breakingChanges(loadSpecFile(`${RELEASES}${PREVIOUS}/${api}.yaml`), loadSpec(api));
    expect(unaccepted(api, changes, accepted).map((c) => `${c.rule} ${c.operation} ${c.where}: ${c.message}`)).toEqual([]);
  });

  it("catches an unrecorded break (Vern's run status gains a value)", () => {
    const current = structuredClone(loadSpec("vern")) as any;
    current.components.schemas.RunStatus.enum.push("paused");
    const changes = unaccepted("vern", breakingChanges(loadSpecFile(`${RELEASES}${PREVIOUS}/vern.yaml`), current), accepted);
    expect(changes.map((c) => c.rule)).toContain("response-enum-widened");
  });
});
