import { randomBytes } from "node:crypto";

/**
 * A secret the run looks for in every answer: a planted canary (where it went in, and the value)
 * or a credential the run itself sends. `core` is the part whose fragments are searched for, at
 * least `fragment` characters long; `masks` says whether a masked form of it is judged too.
 */
export type Canary = { value: string; core: string; plantedIn: string; fragment: number; masks: boolean };

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** The shortest fragment of a canary reported as a leak: 8 random base-36 characters (36^8 ≈ 2.8·10^12) are never chance. */
const CANARY_FRAGMENT = 8;
/** Keys are not all random (a fixed prefix such as "sk_live_" is common), so a longer run of them is required. */
const KEY_FRAGMENT = 12;

const random = (n: number) => [...randomBytes(n)].map((b) => ALPHABET[b % ALPHABET.length]).join("");

/**
 * Unique canary values for secret-marked fields. A canary is random all through (no fixed
 * prefix, so every fragment of 8 or more characters is unique to the run), and carries "+" and
 * "/", which URL- and base64-encoding change: an encoded echo is told apart from a verbatim one.
 */
export class CanaryRegistry {
  readonly planted: Canary[] = [];

  create(plantedIn: string): string {
    const value = `${random(12)}+${random(11)}/${random(11)}`;
    this.planted.push({ value, core: value, plantedIn, fragment: CANARY_FRAGMENT, masks: true });
    return value;
  }

  /** A credential the run sends (a key, a --header value): it must never come back in an answer either. */
  watch(value: string | undefined, sentAs: string): void {
    if (!value || value.length < KEY_FRAGMENT) return;
    this.planted.push({ value, core: value, plantedIn: sentAs, fragment: KEY_FRAGMENT, masks: false });
  }
}
