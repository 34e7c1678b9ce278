import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The repository's own copy of the sources (openapi/sources/), read once. */
export type SourceLibrary = { seeds: string[]; sections: Set<string>; operations: Set<string>; openapiDir: string; repoDir: string };

export function sourceLibrary(repoDir: string): SourceLibrary {
  const openapiDir = join(repoDir, "openapi");
  const apis = readFileSync(join(openapiDir, "sources/apis.md"), "utf8");
  return {
    seeds: readdirSync(join(openapiDir, "sources/seeds")),
    sections: new Set([...apis.matchAll(/^## (\d+)\./gm)].map((m) => m[1]!)),
    // A row is one operation (`| W4 |`) or a range of them (`| E5–E12 |`).
    operations: new Set(
      [...apis.matchAll(/^\| ([WMVE])(\d{1,2})(?:–[WMVE](\d{1,2}))? \|/gm)].flatMap((m) => {
        const first = Number(m[2]);
        const last = Number(m[3] ?? m[2]);
        return Array.from({ length: last - first + 1 }, (_, i) => `${m[1]}${first + i}`);
      }),
    ),
    openapiDir,
    repoDir,
  };
}

/**
 * Every citation in `text` that names no file, section or operation of the repository's sources:
 * `seed 002` / `seeds 000, 001`, `apis.md §2`, `apis.md M8`, a `sources/…` path, a path into
 * `../shared/` (outside the repository), a `.spectral.yaml` that is not there.
 */
export function unresolvedCitations(text: string, library: SourceLibrary): string[] {
  const problems: string[] = [];
  for (const m of text.matchAll(/\bseeds? ((?:\d{3}(?:, | and | or |–|-)?)+)/gi)) {
    for (const number of m[1]!.match(/\d{3}/g) ?? []) {
      if (!library.seeds.some((file) => file.startsWith(`${number}_`))) problems.push(`seed ${number}: no openapi/sources/seeds/${number}_*.txt`);
    }
  }
  for (const m of text.matchAll(/apis\.md,? §(\d+)/g)) if (!library.sections.has(m[1]!)) problems.push(`apis.md §${m[1]}: no such section`);
  for (const m of text.matchAll(/apis\.md,? ([WMVE]\d{1,2})\b/g)) if (!library.operations.has(m[1]!)) problems.push(`apis.md ${m[1]}: no such operation row`);
  for (const m of text.matchAll(/\.\.\/shared\/[^\s`)'"]*/g)) problems.push(`${m[0]}: outside the repository`);
  for (const m of text.matchAll(/(?:openapi\/)?sources\/[\w./-]*\w/g)) {
    const path = m[0].startsWith("openapi/") ? join(library.repoDir, m[0]) : join(library.openapiDir, m[0]);
    if (!existsSync(path)) problems.push(`${m[0]}: no such file`);
  }
  if (/\.spectral\.yaml/.test(text) && !existsSync(join(library.repoDir, ".spectral.yaml"))) problems.push(".spectral.yaml: no such file");
  return problems;
}
