import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { API_NAMES } from "../../src/contracts/apiNames.js";
import { specFromText, specPath, writeParsedContracts } from "../../src/contracts/loadSpec.js";

// `npm run build` leaves each contract parsed into JSON (loadSpec.ts) so that a start need not parse YAML.
describe("contracts parsed into JSON at build time", () => {
  const dir = `${mkdtempSync(join(tmpdir(), "cc-parsed-"))}/`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeParsedContracts(API_NAMES, dir);

  it("writes one JSON file per contract, each the very document the YAML parses to", () => {
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(API_NAMES.length);
    for (const api of API_NAMES) {
      const yamlText = readFileSync(specPath(api), "utf8");
      const file = files.find((name) => name.startsWith(`${api}.`))!;
      expect(JSON.parse(readFileSync(join(dir, file), "utf8")), api).toEqual(parse(yamlText));
      expect(specFromText(api, yamlText, dir), api).toEqual(parse(yamlText));
    }
  });

  it("reads the JSON only for the YAML it was made from: an edited contract is parsed afresh", () => {
    const yamlText = readFileSync(specPath("wexa"), "utf8");
    const file = readdirSync(dir).find((name) => name.startsWith("wexa."))!;
    // A JSON that says something else, under the name of the current text: read, as proof that the JSON is what is used.
    const marked = { ...parse(yamlText), info: { title: "from the JSON", version: "0" } };
    writeFileSync(join(dir, file), JSON.stringify(marked));
    expect(specFromText("wexa", yamlText, dir).info.title).toBe("from the JSON");
    const edited = yamlText.replace(/^(\s*title:).*$/m, "$1 Edited after the build");
    expect(edited).not.toBe(yamlText);
    expect(specFromText("wexa", edited, dir).info.title).toBe("Edited after the build");
  });

  it("falls back to the YAML when there is no JSON (a checkout that was never built)", () => {
    const yamlText = readFileSync(specPath("vern"), "utf8");
    expect(specFromText("vern", yamlText, join(dir, "nothing-here/"))).toEqual(parse(yamlText));
  });
});
