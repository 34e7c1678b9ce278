import fc from "fast-check";
import { getAt, setAt } from "./jsonPaths.js";
import { clip, NON_ASCII_SAMPLES, ofLength, textArbitrary, type TextField } from "./textFields.js";

/** A valid body with its free-text fields rewritten, and what the rewrite tries. */
export type ValidVariant = { what: string; body: unknown; fields: TextField[] };

const ALL_FAMILIES = NON_ASCII_SAMPLES.join(" ");
/** An astral character: one code point, two UTF-16 units, so a bound counted in units is caught at the boundary. */
const ASTRAL = "𝕌";
/** Long enough to pass any buffer a server might assume, for a field with no maxLength. */
const LONG_UNBOUNDED = 2_000;

/**
 * Valid bodies that try the edges of "any text" (JSON Schema 2020-12 §6.3: lengths count code
 * points): every family of non-ASCII text at once, each field at its maximum length in astral
 * characters, each at its minimum; then, for a deeper run, seeded random text. A field whose
 * valid value is a name the run made keeps that name as a prefix, so names stay unique and
 * recognisable for cleanup.
 */
export function validVariants(valid: unknown, fields: TextField[], freshName: () => string): { fixed: ValidVariant[]; random: fc.Arbitrary<ValidVariant> } {
  const named = (field: TextField, text: string) => {
    const current = getAt(valid, field.path);
    if (typeof current !== "string" || !current.startsWith("cc-conformance-")) return text;
    return clip(`${freshName()} ${text}`, field.maxLength ?? Number.POSITIVE_INFINITY);
  };
  const rewrite = (what: string, textFor: (field: TextField) => string | undefined): ValidVariant | undefined => {
    let body = valid;
    let changed = false;
    for (const field of fields) {
      const text = textFor(field);
      if (text === undefined) continue;
      body = setAt(body, field.path, text);
      changed = true;
    }
    return changed ? { what, body, fields } : undefined;
  };
  const fixed = [
    rewrite("non-ASCII text (emoji with joiners, combining marks, right-to-left, astral plane) in every free-text field", (f) => named(f, clip(ALL_FAMILIES, f.maxLength ?? ALL_FAMILIES.length))),
    rewrite("every free-text field at its maximum length, in astral-plane characters", (f) => named(f, ofLength(ASTRAL, f.maxLength ?? LONG_UNBOUNDED))),
    rewrite("every free-text field with a minimum length at exactly that length", (f) => (f.minLength > 0 ? ofLength("é", f.minLength) : undefined)),
  ].filter((v): v is ValidVariant => v !== undefined);
  const random = fc.tuple(...fields.map(textArbitrary)).map((texts) => {
    let body = valid;
    fields.forEach((field, i) => (body = setAt(body, field.path, named(field, texts[i]!))));
    return { what: "seeded random text in every free-text field", body, fields };
  });
  return { fixed, random };
}
