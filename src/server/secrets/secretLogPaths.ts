import { API_NAMES } from "../../contracts/apiNames.js";
import { loadSpec } from "../../contracts/loadSpec.js";
import { secretFields } from "../../contracts/secretFields.js";

/**
 * pino redaction paths for every request field a contract marks `x-secret`, wherever a log line
 * might carry it: under `body` or `req.body`, at the top of the line, or one level down. Derived
 * from the contracts, so a field newly marked secret is redacted without a second list to keep.
 */
export function secretLogPaths(): string[] {
  const paths = new Set<string>();
  for (const api of API_NAMES) {
    for (const field of secretFields(loadSpec(api))) {
      const path = field.path.map((segment) => (segment === "*" || segment === "[]" ? "*" : /^[A-Za-z_$][\w$]*$/.test(segment) ? segment : `["${segment}"]`)).join(".").replace(/\.\[/g, "[");
      for (const prefix of ["body.", "req.body.", "", "*."]) paths.add(`${prefix}${path}`);
    }
  }
  return [...paths];
}
