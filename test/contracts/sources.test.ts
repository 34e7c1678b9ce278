import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { sourceLibrary, unresolvedCitations } from "./support/citations.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const library = sourceLibrary(REPO);

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(join(REPO, dir), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(suffix)).map((f) => join(dir, f));
}

/** Everything that cites a source: the README, the contracts and their conventions, the suite's findings. */
const CITING_FILES = ["README.md", "openapi/CONVENTIONS.md", "openapi/SOURCES.md", ...filesUnder("openapi", ".yaml").filter((f) => !f.includes("releases")), ...filesUnder("src/conformance", ".ts")];

describe("the repository stands alone: every cited source is a file in it", () => {
  it.each(CITING_FILES)("%s", (file) => {
    expect(unresolvedCitations(readFileSync(join(REPO, file), "utf8"), library)).toEqual([]);
  });

  it("the files cite something (the scan is not looking at nothing)", () => {
    const cited = CITING_FILES.filter((file) => /seed \d{3}|apis\.md/.test(readFileSync(join(REPO, file), "utf8")));
    expect(cited.length).toBeGreaterThan(10);
    expect(relative(REPO, join(library.openapiDir, "SOURCES.md"))).toBe("openapi/SOURCES.md");
  });

  it("catches a missing seed, section, operation row and file, a path outside the repository, a missing .spectral.yaml", () => {
    const text = "seed 009; seeds 000, 007; apis.md §7; apis.md W99; `sources/nowhere.md`; `../shared/seeds/`; see `.spectral.yaml`; fine: seed 002, apis.md §2, apis.md M8";
    expect(unresolvedCitations(text, library)).toEqual([
      "seed 009: no openapi/sources/seeds/009_*.txt",
      "seed 007: no openapi/sources/seeds/007_*.txt",
      "apis.md §7: no such section",
      "apis.md W99: no such operation row",
      "../shared/seeds/: outside the repository",
      "sources/nowhere.md: no such file",
      ".spectral.yaml: no such file",
    ]);
  });
});
