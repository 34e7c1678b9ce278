import type { ApiName } from "../contracts/apiNames.js";
import type { OpenApiDocument } from "../contracts/loadSpec.js";

/**
 * Where an API is mounted. With all four on one port each gets its own prefix (`/vern`); served
 * alone, it sits at the vendor's own base path (`/api/v1` for Vern, `/api` for EvalStudio, the root
 * for Wexa), so its paths match the vendor's exactly.
 */
export function mountPath(api: ApiName, spec: OpenApiDocument, alone: boolean): string {
  if (!alone) return `/${api}`;
  const servers = (spec.servers ?? []) as Array<{ url: string }>;
  const vendorUrl = servers[0]?.url ?? "/";
  const path = new URL(vendorUrl, "http://localhost").pathname.replace(/\/+$/, "");
  return path;
}
