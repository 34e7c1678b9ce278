import { describe, expect, it } from "vitest";
import { contractProblems, type ContractSample } from "../../src/testing/contractProblems.js";

const PROJECT = { id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890", name: "my-product-evals" };

describe("contractProblems: the assertion a team runs on its own traffic", () => {
  it.each<[string, ContractSample]>([
    ["a documented answer with a valid body", { api: "evalstudio", operationId: "createProject", status: 201, body: PROJECT }],
    ["a documented bodiless answer without a body", { api: "evalstudio", operationId: "deleteProject", status: 204 }],
    ["a documented error answer in the API's error body", { api: "evalstudio", operationId: "listProjects", status: 400, body: { error: "bad" } }],
    ["a valid request body", { api: "evalstudio", operationId: "createProject", requestBody: { name: "evals" } }],
  ])("stays silent on %s", (_what, sample) => {
    expect(contractProblems(sample)).toEqual([]);
  });

  it.each<[string, ContractSample, RegExp]>([
    ["a body missing a required property", { api: "evalstudio", operationId: "createProject", status: 201, body: { name: "x" } }, /body: \(root\) must have required property 'id'/],
    ["a property of the wrong type", { api: "evalstudio", operationId: "createProject", status: 201, body: { ...PROJECT, name: 7 } }, /body: \/name must be string/],
    ["a status the operation does not document", { api: "evalstudio", operationId: "createProject", status: 500, body: {} }, /status 500 is not documented for createProject/],
    ["a JSON answer without its body", { api: "evalstudio", operationId: "createProject", status: 201 }, /documents a JSON body, and the answer has none/],
    ["a body on a bodiless status", { api: "evalstudio", operationId: "deleteProject", status: 204, body: { deleted: true } }, /documents no body/],
    ["a request body with a field the contract closes out", { api: "evalstudio", operationId: "createProject", requestBody: { name: "x", owner: "me" } }, /request body: \(root\) must NOT have additional properties/],
    ["a missing required request body", { api: "evalstudio", operationId: "createProject", requestBody: undefined }, /requires a request body/],
    ["an operation the contract does not have", { api: "evalstudio", operationId: "getProject", status: 200, body: {} }, /evalstudio has no operation "getProject"/],
    ["a contract that does not exist", { api: "acme" as never, operationId: "x", status: 200 }, /no contract named "acme"/],
  ])("fires on %s", (_what, sample, problem) => {
    expect(contractProblems(sample).join("\n")).toMatch(problem);
  });
});
