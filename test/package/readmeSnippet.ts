import { readFileSync } from "node:fs";

/**
 * The code block that follows `<!-- example: name -->` in README.md: the tests run the README's
 * examples as written, so the documentation cannot drift from what works.
 */
export function readmeSnippet(name: string): string {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const match = new RegExp(`<!-- example: ${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match) throw new Error(`README.md has no code block after <!-- example: ${name} -->`);
  return match[1]!;
}
