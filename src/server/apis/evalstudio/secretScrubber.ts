import { encodedForms } from "../../../secrets/secretEncodings.js";
import { SECRET_MASK } from "../../secrets/mask.js";

/**
 * Shorter texts are not scrubbed: a header value of three characters is no secret anyone can keep
 * (it is guessed in a moment), and masking every "abc" or base64 sliver would garble real answers.
 */
const SHORTEST_SCRUBBED = 4;

// Hex digits and percent-escapes mean the same in either case; a secret's own letters do not.
const CASE_FREE_FORMS = new Set(["hex", "URL-encoded", "JSON \\u-escaped"]);

/**
 * Builds a function that replaces every stored secret value in a text with the mask, verbatim and
 * in each encoding the conformance suite looks for (one list: src/secrets/secretEncodings.ts), so
 * an agent server that echoes the headers it was sent cannot hand them back through this API.
 */
export function secretScrubber(secrets: readonly string[]): (text: string) => string {
  const forms = secrets
    .filter((s) => s.length >= SHORTEST_SCRUBBED)
    // An echo usually JSON-encodes what it got first: the encodings of that text are masked too.
    .flatMap((s) => [...encodedForms(s), ...encodedForms(JSON.stringify(s).slice(1, -1))])
    .filter((f) => f.text.length >= SHORTEST_SCRUBBED);
  const exact = alternation(forms.filter((f) => !CASE_FREE_FORMS.has(f.form)).map((f) => f.text), "g");
  const caseFree = alternation(forms.filter((f) => CASE_FREE_FORMS.has(f.form)).map((f) => f.text), "gi");
  return (text) => {
    const once = exact ? text.replace(exact, SECRET_MASK) : text;
    return caseFree ? once.replace(caseFree, SECRET_MASK) : once;
  };
}

/** One regular expression matching any of the texts, longest first so a form is masked whole. */
function alternation(texts: string[], flags: string): RegExp | undefined {
  if (texts.length === 0) return undefined;
  const unique = [...new Set(texts)].sort((a, b) => b.length - a.length);
  return new RegExp(unique.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), flags);
}
