/**
 * Keeps credentials and planted secrets out of everything the suite writes: reports, curl lines,
 * terminal output. Every known secret string is replaced by a placeholder naming what it was.
 */
export class Redactor {
  private readonly secrets = new Map<string, string>();

  add(value: string | undefined, placeholder: string): void {
    if (value && value.length >= 4) this.secrets.set(value, placeholder);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const [value, placeholder] of [...this.secrets].sort((a, b) => b[0].length - a[0].length)) {
      out = out.split(value).join(placeholder);
    }
    return out;
  }
}

/** Header names whose values are credentials, whatever they hold. */
export const CREDENTIAL_HEADERS = new Set(["authorization", "x-api-key", "cookie", "proxy-authorization"]);
