import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { readmeSnippet } from "./readmeSnippet.js";

it("the README's Vitest example is the test file that runs (vitestExample.test.ts), word for word", () => {
  expect(readmeSnippet("vitestExample.test.ts")).toBe(readFileSync(new URL("./vitestExample.test.ts", import.meta.url), "utf8"));
});
