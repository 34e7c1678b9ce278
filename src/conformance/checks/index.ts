import type { Check } from "../check.js";
import type { ApiProfile } from "../profile.js";
import { authRequired } from "./authRequired.js";
import { contentTypeConformance } from "./contentTypeConformance.js";
import { crossKeyIsolation } from "./crossKeyIsolation.js";
import { methodNotAllowed } from "./methodNotAllowed.js";
import { negativeDataRejection } from "./negativeDataRejection.js";
import { notFound } from "./notFound.js";
import { positiveDataAcceptance } from "./positiveDataAcceptance.js";
import { rateLimit } from "./rateLimit.js";
import { readOperations } from "./readOperations.js";
import { requiredResponseHeaders } from "./requiredResponseHeaders.js";
import { responseSchemaConformance } from "./responseSchemaConformance.js";
import { secretCanaryCoverage } from "./secretCanaryCoverage.js";
import { secretNonDisclosure } from "./secretNonDisclosure.js";
import { statusCodeConformance } from "./statusCodeConformance.js";
import { useAfterFree } from "./useAfterFree.js";

/** The generic probes, in the order they run (after the API's flows). */
export function probeChecks(profile: ApiProfile): Check[] {
  return [readOperations, authRequired, notFound, methodNotAllowed, negativeDataRejection(profile.requestLimit), positiveDataAcceptance, crossKeyIsolation, useAfterFree(profile.disposable)];
}

/** Runs last of the probes, after cleanup: it leaves the key rate-limited for a while. */
export const lastProbe: Check = rateLimit;

/** Checks that read every exchange of the run once it is over. */
export const passiveChecks: readonly Check[] = [statusCodeConformance, responseSchemaConformance, contentTypeConformance, requiredResponseHeaders, secretNonDisclosure, secretCanaryCoverage];
