import { randomBytes } from "node:crypto";

/** A planted secret: where it went in, and the value (random, so any sighting is a leak). */
export type Canary = { value: string; core: string; plantedIn: string };

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * Unique canary values for secret-marked fields. The random core (24 characters of base 36,
 * about 124 bits) makes any fragment of 8 or more of its characters in an answer a leak, not chance.
 */
export class CanaryRegistry {
  readonly planted: Canary[] = [];

  create(plantedIn: string): string {
    const core = [...randomBytes(24)].map((b) => ALPHABET[b % ALPHABET.length]).join("");
    const value = `cc-canary-${core}`;
    this.planted.push({ value, core, plantedIn });
    return value;
  }
}
