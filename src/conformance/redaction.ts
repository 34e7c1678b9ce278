/**
 * Keeps credentials and planted secrets out of everything the suite writes: reports, curl lines,
 * terminal output. Every known secret string is replaced by a placeholder naming what it was, and
 * so is any run of FRAGMENT or more of its characters: a check that cut an answer short before it
 * reached the report may have cut a secret in half, and half a key is still a secret.
 */
export class Redactor {
  private readonly secrets = new Map<string, string>();

  add(value: string | undefined, placeholder: string): void {
    if (value && value.length >= 4) this.secrets.set(value, placeholder);
  }

  /** The placeholder a secret is shown as, by placeholder (curl lines turn it into an environment variable). */
  get placeholders(): string[] {
    return [...new Set(this.secrets.values())];
  }

  redact(text: string): string {
    // Longest first, so a secret that contains another is replaced whole.
    const ordered = [...this.secrets].sort((a, b) => b[0].length - a[0].length);
    let out = text;
    for (const [value, placeholder] of ordered) out = out.split(value).join(placeholder);
    for (const [value, placeholder] of ordered) if (value.length > FRAGMENT) out = redactFragments(out, value, `${placeholder.replace(/>$/, "")} (part)>`);
    return out;
  }
}

/** The shortest run of a secret's characters treated as the secret: 8 random characters are never chance. */
const FRAGMENT = 8;

/** Replaces every maximal run of at least FRAGMENT characters that also occurs, in order, inside `secret`. */
function redactFragments(text: string, secret: string, placeholder: string): string {
  let out = text;
  for (let i = 0; i + FRAGMENT <= secret.length; i++) {
    const window = secret.slice(i, i + FRAGMENT);
    for (let at = out.indexOf(window); at !== -1; at = out.indexOf(window, at + placeholder.length)) {
      let end = at + FRAGMENT;
      while (end < out.length && i + (end - at) < secret.length && out[end] === secret[i + (end - at)]) end++;
      let start = at;
      while (start > 0 && i - (at - start) > 0 && out[start - 1] === secret[i - (at - start) - 1]) start--;
      out = out.slice(0, start) + placeholder + out.slice(end);
      at = start;
    }
  }
  return out;
}

/** Header names whose values are credentials, whatever they hold. */
export const CREDENTIAL_HEADERS = new Set(["authorization", "x-api-key", "cookie", "proxy-authorization"]);
