import { randomBytes, randomUUID } from "node:crypto";
import type { CheckContext } from "../context.js";

/**
 * A value for a path parameter that is well-formed by its schema yet names nothing: a fresh UUID,
 * a fresh ObjectId, or a recognisable slug. Undefined when no candidate fits the schema.
 */
export function unknownIdFor(ctx: CheckContext, schemaPointer: string): string | undefined {
  const candidates = [randomUUID(), randomBytes(12).toString("hex"), `cc-missing-${randomBytes(4).toString("hex")}`, `ccmissing${randomBytes(4).toString("hex")}`];
  return candidates.find((value) => ctx.validator.validate(schemaPointer, value).length === 0);
}
