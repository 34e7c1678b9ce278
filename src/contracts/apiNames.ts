/** The four vendor APIs. The same names are used in every folder of the project. */
export const API_NAMES = ["wexa", "merge", "vern", "evalstudio"] as const;
export type ApiName = (typeof API_NAMES)[number];

export function isApiName(value: string): value is ApiName {
  return (API_NAMES as readonly string[]).includes(value);
}
