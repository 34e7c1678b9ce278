import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import type { CliIo } from "../../src/cli/io.js";
import { breakingChanges, RULE_NAMES } from "../../src/contracts/diff/breakingChanges.js";
import type { OpenApiDocument } from "../../src/contracts/loadSpec.js";

/** A one-operation contract: POST /things with a request body and a 200 answer. */
function tiny(edit: (parts: { request: any; response: any; operation: any; spec: any }) => void = () => {}): OpenApiDocument {
  const request = { type: "object", required: ["name"], properties: { name: { type: "string" }, kind: { type: "string", enum: ["a", "b"] }, size: { type: ["integer", "string"] } } };
  const response = { type: "object", required: ["id", "status"], properties: { id: { type: "string" }, status: { type: "string", enum: ["ready", "done"] } } };
  const operation: any = {
    operationId: "createThing",
    parameters: [{ name: "dry_run", in: "query", required: false, schema: { type: "boolean" } }],
    requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/ThingInput" } } } },
    responses: {
      "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
      "400": { description: "bad", content: { "application/json": { schema: { type: "object" } } } },
    },
  };
  const spec: any = { openapi: "3.1.0", info: { title: "t", version: "1", "x-api-name": "wexa" }, paths: { "/things": { post: operation, get: { responses: { "200": { description: "ok" } } } } }, components: { schemas: { ThingInput: request, Thing: response } } };
  edit({ request, response, operation, spec });
  return structuredClone(spec);
}

/** Each rule, fired by the smallest change that breaks a client, and the change that does not. */
const CASES: Array<[rule: string, breaking: Parameters<typeof tiny>[0], harmless: Parameters<typeof tiny>[0]]> = [
  ["operation-removed", ({ spec }) => delete spec.paths["/things"].get, ({ spec }) => (spec.paths["/others"] = { get: { responses: { "200": { description: "ok" } } } })],
  ["status-removed", ({ operation }) => delete operation.responses["400"], ({ operation }) => (operation.responses["400"].description = "reworded")],
  ["status-added", ({ operation }) => (operation.responses["409"] = { description: "conflict" }), ({ operation }) => (operation.responses["200"].description = "reworded")],
  ["parameter-required-added", ({ operation }) => (operation.parameters[0].required = true), ({ operation }) => operation.parameters.push({ name: "trace", in: "query", required: false, schema: { type: "string" } })],
  ["request-property-required", ({ request }) => request.required.push("kind"), ({ request }) => (request.required = [])],
  ["request-narrowed", ({ request }) => (request.properties.kind.enum = ["a"]), ({ request }) => request.properties.kind.enum.push("c")],
  ["request-narrowed", ({ request }) => (request.properties.size.type = "integer"), ({ request }) => (request.properties.size.type = ["integer", "string", "null"])],
  ["response-enum-widened", ({ response }) => response.properties.status.enum.push("failed"), ({ response }) => (response.properties.status.enum = ["ready"])],
  ["response-required-dropped", ({ response }) => (response.required = ["id"]), ({ response }) => response.required.push("extra")],
];

describe("diff: each rule fires on a breaking change and stays silent on a compatible one", () => {
  it.each(CASES)("%s", (rule, breaking, harmless) => {
    const found = breakingChanges(tiny(), tiny(breaking));
    expect(found.map((c) => c.rule)).toEqual([rule]);
    expect(breakingChanges(tiny(), tiny(harmless))).toEqual([]);
  });

  it("every rule has a case", () => {
    expect(new Set(CASES.map(([rule]) => rule))).toEqual(new Set(RULE_NAMES));
  });

  it("a contract diffed against itself has no breaking change", () => {
    expect(breakingChanges(tiny(), tiny())).toEqual([]);
  });
});

function bufferIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { env: {}, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), color: false, onInterrupt: () => () => {}, out, err };
}

function write(spec: OpenApiDocument): string {
  const file = join(mkdtempSync(join(tmpdir(), "cc-diff-")), "spec.yaml");
  writeFileSync(file, stringify(spec));
  return file;
}

describe("connector-contracts diff OLD NEW", () => {
  it("exits 1 and names the change, as text and as JSON", async () => {
    const [oldFile, newFile] = [write(tiny()), write(tiny(({ response }) => response.properties.status.enum.push("failed")))];
    const text = bufferIo();
    expect(await runCli(["diff", oldFile, newFile], text)).toBe(1);
    expect(text.out.join("")).toMatch(/1 breaking change:\n {2}POST \/things\n {4}\[response-enum-widened\] response value "failed" of 200 body.status is new/);
    const json = bufferIo();
    expect(await runCli(["diff", oldFile, newFile, "--json"], json)).toBe(1);
    expect(JSON.parse(json.out.join(""))).toMatchObject({ breaking: true, changes: [{ rule: "response-enum-widened", operation: "POST /things", where: "response 200 body.status" }] });
  });

  it("exits 0 when nothing breaks, and when every break is accepted with a reason", async () => {
    const io = bufferIo();
    expect(await runCli(["diff", write(tiny()), write(tiny())], io)).toBe(0);
    expect(io.out.join("")).toBe("No breaking changes.\n");
    const accepted = join(mkdtempSync(join(tmpdir(), "cc-accepted-")), "accepted.yaml");
    writeFileSync(accepted, stringify({ accepted: [{ api: "*", rule: "status-added", operation: "POST /things", where: "response 409", reason: "documented a conflict" }] }));
    const newer = write(tiny(({ operation }) => (operation.responses["409"] = { description: "conflict" })));
    expect(await runCli(["diff", write(tiny()), newer, "--accepted", accepted], bufferIo())).toBe(0);
    expect(await runCli(["diff", write(tiny()), newer], bufferIo())).toBe(1);
  });

  it("exits 2 on a usage error", async () => {
    const io = bufferIo();
    expect(await runCli(["diff", "/nonexistent/old.yaml", write(tiny())], io)).toBe(2);
    expect(io.err.join("")).toMatch(/no such file/);
    expect(await runCli(["diff", write(tiny())], bufferIo())).toBe(2);
  });
});
