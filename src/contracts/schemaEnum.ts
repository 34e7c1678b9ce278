import type { ApiName } from "./apiNames.js";
import { loadSpec } from "./loadSpec.js";

/** The values of a string enum schema of a contract (`components.schemas.<name>.enum`): what the contract documents. */
export function schemaEnum(api: ApiName, schemaName: string): readonly string[] {
  const schema = loadSpec(api).components?.schemas?.[schemaName] as { enum?: unknown[] } | undefined;
  const values = schema?.enum;
  if (!values || !values.every((v): v is string => typeof v === "string")) throw new Error(`${api}: components.schemas.${schemaName} has no string enum`);
  return values;
}
