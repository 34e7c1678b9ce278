import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_NAMES } from "../../src/contracts/apiNames.js";
import { loadSpec } from "../../src/contracts/loadSpec.js";
import { operationTable, type OperationSpec } from "../../src/contracts/operationTable.js";
import { SpecSchemaValidator, formatAjvErrors } from "../../src/contracts/schemaValidator.js";
import { documentedAnswers } from "../../src/server/http/documentedAnswers.js";
import { startTestServer, type TestServer } from "../support/testServer.js";

/** A path of the operation with every parameter filled (a forced answer is chosen before the request is validated). */
const concretePath = (operation: OperationSpec) => operation.path.replace(/\{[^}]+\}/g, "3fa85f64-5717-4562-b3fc-2c963f66afa6");

/** Every (api, operation, documented status) of the four contracts: what `Prefer: code=` may ask for. */
const cases = API_NAMES.flatMap((api) => {
  const spec = loadSpec(api);
  return operationTable(spec).flatMap((operation) => [...documentedAnswers(spec, operation).keys()].map((status) => ({ api, operation, status })));
});

describe("a forced body for a response the contract gives no example", () => {
  it.each(API_NAMES)("is built from the schema when the sampler can, and the contract accepts it (%s, every example removed)", (api) => {
    const spec = structuredClone(loadSpec(api));
    const responses = [
      ...(Object.values(spec.paths ?? {}) as Array<Record<string, any>>).flatMap((pathItem) => Object.values(pathItem).flatMap((operation) => Object.values((operation?.responses ?? {}) as Record<string, any>))),
      ...Object.values(((spec.components as Record<string, any> | undefined)?.responses ?? {}) as Record<string, any>),
    ];
    for (const response of responses) {
      for (const media of Object.values((response?.content ?? {}) as Record<string, any>)) {
        delete media.example;
        delete media.examples;
      }
    }
    const validator = new SpecSchemaValidator(spec);
    const wrong: string[] = [];
    const unbuilt: string[] = [];
    let built = 0;
    for (const operation of operationTable(spec)) {
      for (const answer of documentedAnswers(spec, operation).values()) {
        if (!answer.hasBody) continue;
        const [name, body] = answer.examples[0] ?? [];
        if (name === undefined) {
          // Nothing valid could be built (EvalStudio's masked header values have a pattern the sampler ignores): Prefer says so.
          unbuilt.push(`${operation.operationId} ${answer.status}`);
          continue;
        }
        expect(name).toBe("fromSchema");
        built++;
        const errors = validator.validate(operation.responses[String(answer.status)]!.schemaPointer!, body);
        if (errors.length > 0) wrong.push(`${operation.operationId} ${answer.status}: ${formatAjvErrors(errors)}`);
      }
    }
    expect(built).toBeGreaterThan(10);
    expect(unbuilt.length).toBeLessThan(built / 4);
    expect(wrong).toEqual([]);
  });
});

describe("forced answers: Prefer: code=, example=, delay= (as Prism reads them)", () => {
  let server: TestServer;
  // RESPONSE_VALIDATION=enforce: a forced body the contract refuses would come back as a 500.
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.stop());

  const send = (api: string, operation: OperationSpec, prefer: string, path = concretePath(operation)) =>
    fetch(`${server.apiUrls[api]}${path}`, {
      method: operation.method.toUpperCase(),
      headers: { prefer, ...(operation.requestBody ? { "content-type": "application/json" } : {}) },
      body: operation.requestBody ? "{}" : undefined,
    });

  it(`answers every documented status of every operation (${cases.length}) with a body the contract accepts`, async () => {
    expect(cases.length).toBeGreaterThan(150);
    const wrong: string[] = [];
    for (const { api, operation, status } of cases) {
      const answer = await send(api, operation, `code=${status}`);
      const text = await answer.text();
      const where = `${api} ${operation.operationId} code=${status}`;
      if (answer.status !== status) wrong.push(`${where}: got ${answer.status} ${text.slice(0, 200)}`);
      const documented = operation.responses[String(status)];
      if (documented?.schemaPointer) {
        const errors = new SpecSchemaValidator(loadSpec(api)).validate(documented.schemaPointer, JSON.parse(text));
        if (errors.length > 0) wrong.push(`${where}: ${formatAjvErrors(errors)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("answers a named example with Prefer: example=", async () => {
    const spec = loadSpec("merge");
    const named = operationTable(spec)
      .flatMap((operation) => [...documentedAnswers(spec, operation).values()].flatMap((a) => a.examples.filter(([name]) => name !== "example").map(([name, value]) => ({ operation, status: a.status, name, value }))))
      .at(0);
    expect(named, "merge has a named response example").toBeDefined();
    const answer = await send("merge", named!.operation, `code=${named!.status}, example=${named!.name}`);
    expect(answer.status).toBe(named!.status);
    expect(await answer.json()).toEqual(named!.value);
    expect(answer.headers.get("preference-applied")).toBe(`code=${named!.status}, example=${named!.name}`);
  });

  it("does not change state: a forced 201 creates nothing", async () => {
    const projects = async () => ((await (await fetch(`${server.apiUrls.evalstudio}/projects`)).json()) as unknown[]).length;
    const before = await projects();
    const forced = await fetch(`${server.apiUrls.evalstudio}/projects`, { method: "POST", headers: { prefer: "code=201", "content-type": "application/json" }, body: JSON.stringify({ name: "forced" }) });
    expect(forced.status).toBe(201);
    expect(await projects()).toBe(before);
    // The same request without Prefer does create one (the count above could move).
    await fetch(`${server.apiUrls.evalstudio}/projects`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "real" }) });
    expect(await projects()).toBe(before + 1);
  });

  it.each([
    ["an undocumented status", "code=418", /code=418 is not documented for this operation; it documents 200/],
    ["an unknown example", "example=no-such-example", /example=no-such-example is not an example/],
    ["a code that is not a status", "code=abc", /not an HTTP status code/],
    ["a delay past the bound", "delay=3600000", /whole number of milliseconds from 0 to 30000/],
  ])("answers %s with the API's own 400 that says why", async (_name, prefer, message) => {
    const answer = await fetch(`${server.apiUrls.evalstudio}/projects`, { headers: { prefer } });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toMatch(message);
  });

  it("waits at least the forced delay, then answers as usual", async () => {
    const started = performance.now();
    const answer = await fetch(`${server.apiUrls.evalstudio}/projects`, { headers: { prefer: "delay=300" } });
    expect(answer.status).toBe(200);
    expect(Array.isArray(await answer.json())).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
  });

  it("ignores preferences that are not the mock's (return=minimal)", async () => {
    const answer = await fetch(`${server.apiUrls.evalstudio}/projects`, { headers: { prefer: "return=minimal" } });
    expect(answer.status).toBe(200);
  });

  it("is not answered from the read cache: a forced 500 on a cached read", async () => {
    const key = server.modules.find((m) => m.api === "merge")!.devKeys[0]!.key;
    const url = `${server.apiUrls.merge}/tool-packs/`;
    for (let i = 0; i < 2; i++) expect((await fetch(url, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    const spec = loadSpec("merge");
    const list = operationTable(spec).find((o) => o.path === "/tool-packs/" && o.method === "get")!;
    const status = [...documentedAnswers(spec, list).keys()].find((s) => s >= 400)!;
    expect((await fetch(url, { headers: { authorization: `Bearer ${key}`, prefer: `code=${status}` } })).status).toBe(status);
  });
});
