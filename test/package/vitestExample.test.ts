import { expect, it } from "vitest";
import { assertConforms } from "@connector-contracts/cli";
import { conformanceMatchers } from "@connector-contracts/cli/vitest";

expect.extend(conformanceMatchers);

it("the answer our client recorded from EvalStudio conforms to the contract", () => {
  const recorded = { status: 201, body: { id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890", name: "my-product-evals" } };
  expect(recorded).toConformTo("evalstudio", "createProject");
});

it("the request our client sends conforms to the contract", () => {
  expect({ requestBody: { name: "my-product-evals" } }).toConformTo("evalstudio", "createProject");
});

it("an answer without the project's id does not", () => {
  const broken = { status: 201, body: { name: "my-product-evals" } };
  expect(broken).not.toConformTo("evalstudio", "createProject");
  // The same outside Vitest (any test runner): throws with what the answer breaks.
  expect(() => assertConforms({ api: "evalstudio", operationId: "createProject", ...broken })).toThrow("must have required property 'id'");
});
