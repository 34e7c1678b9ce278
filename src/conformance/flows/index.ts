import type { ApiName } from "../../contracts/apiNames.js";
import type { ApiProfile } from "../profile.js";
import { evalstudioProfile } from "./evalstudio.js";
import { mergeProfile } from "./merge.js";
import { vernProfile } from "./vern.js";
import { wexaProfile } from "./wexa.js";

/** Each API's profile: how to make what the probes need, and its stateful flows. */
const PROFILES: Partial<Record<ApiName, ApiProfile>> = {
  evalstudio: evalstudioProfile,
  merge: mergeProfile,
  vern: vernProfile,
  wexa: wexaProfile,
};

export function profileFor(api: ApiName): ApiProfile {
  const profile = PROFILES[api];
  if (!profile) throw new Error(`No conformance profile for ${api}.`);
  return profile;
}
