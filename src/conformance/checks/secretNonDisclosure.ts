import type { Check } from "../check.js";
import type { Canary } from "../canaries.js";
import type { Exchange, Finding } from "../types.js";
import type { CheckContext } from "../context.js";
import { encodedForms, fragments, longestCommonSubstring } from "../../secrets/secretEncodings.js";
import { parseBody } from "./exchangeHelpers.js";
import { masksSecrets } from "../../contracts/secretFields.js";

/** Where the contract masks a secret (`x-masked`), the mask may show at most four of its characters (CONVENTIONS.md, MaskedHeaders). */
const MASK_REVEALS_AT_MOST = 4;
/**
 * Where it does not (Vern: "never returned"), no part may show: a masked value whose visible rest
 * is a piece of the secret is a hint ("****k3x9") of it. Below three characters that could be chance.
 */
const HINT_AT_LEAST = 3;

/**
 * After the flows planted canaries in every secret-marked field, no answer of the run (any
 * operation, any status, body or headers) may contain one: verbatim, encoded, or in part.
 */
export const secretNonDisclosure: Check = {
  name: "secret_non_disclosure",
  description: "Planted secrets never come back, in any form, in any response",
  source: "x-secret/writeOnly markings of the contract; apis.md (Vern: \"never returned\"; EvalStudio/Wexa: [ours])",
  phase: "passive",
  skipReason: (ctx) => (ctx.canaries.planted.length === 0 ? "no secret was planted and no key was sent (read-only run without a key, or the API has no secret fields)" : undefined),
  async run(ctx) {
    const findings = new Map<string, Finding>();
    const add = (f: Finding) => findings.has(f.id) || findings.set(f.id, f);
    const masksAllowed = masksSecrets(ctx.spec);
    for (const canary of ctx.canaries.planted) {
      const forms = encodedForms(canary.value).map((f) => ({ ...f, lower: f.text.toLowerCase() }));
      const pieces = fragments(canary.core.toLowerCase(), canary.fragment);
      for (const exchange of ctx.transport.exchanges) {
        const text = `${exchange.response.body}\n${JSON.stringify(exchange.response.headers)}`.toLowerCase();
        const form = forms.find((f) => text.includes(f.lower));
        if (form) {
          add(leak(ctx, canary, exchange, `${form.form}`, `the secret ${form.form === "verbatim" ? "itself" : `${form.form}`}`));
          continue;
        }
        const piece = pieces.find((p) => text.includes(p));
        if (piece) {
          add(leak(ctx, canary, exchange, "fragment", `${canary.fragment}+ consecutive characters of the secret`));
          continue;
        }
        if (!canary.masks) continue;
        for (const masked of maskedStrings(exchange)) {
          const shared = longestCommonSubstring(masked, canary.core);
          if (shared > MASK_REVEALS_AT_MOST) add(leak(ctx, canary, exchange, "mask", `a masked value that shows ${shared} characters of the secret`));
          else if (!masksAllowed && masked.length >= HINT_AT_LEAST && canary.core.includes(masked)) {
            add(leak(ctx, canary, exchange, "mask", `a masked value that shows ${masked.length} characters of the secret, where the contract masks none`));
          }
        }
      }
    }
    return [...findings.values()];
  },
};

function leak(ctx: CheckContext, canary: Canary, exchange: Exchange, form: string, what: string): Finding {
  return ctx.finding({
    check: "secret_non_disclosure",
    operationId: exchange.operationId,
    what: `${canary.plantedIn}/${form}`,
    title: `${canary.masks ? `A secret planted in ${canary.plantedIn}` : `The ${canary.plantedIn}`} came back in ${exchange.request.method} ${new URL(exchange.request.url).pathname} (${exchange.response.status}): ${what}`,
    expected: "the secret never appears in any response (write-only, kept in a vault)",
    received: `${what}, in the response ${form === "mask" ? "body" : "body or headers"}`,
    source: "x-secret / writeOnly in the contract",
    exchange: { ...exchange, response: { ...exchange.response, body: ctx.redactor.redact(exchange.response.body) } },
  });
}

/** Mask characters: an asterisk, a bullet, an ellipsis. */
const MASK = /[*\u2022\u2026]/g;

/** String values of a JSON answer that look masked (contain a mask character), without those characters. */
function maskedStrings(exchange: Exchange): string[] {
  const parsed = parseBody(exchange);
  if (!parsed.ok) return [];
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (typeof node === "string") {
      if (new RegExp(MASK.source).test(node)) out.push(node.replace(MASK, ""));
    } else if (node && typeof node === "object") for (const v of Object.values(node)) walk(v);
  };
  walk(parsed.value);
  return out;
}
