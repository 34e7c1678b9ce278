/** Forms a secret can take in an answer besides itself: encodings a server might apply on the way out. */
export function encodedForms(value: string): Array<{ form: string; text: string }> {
  const forms = [
    { form: "verbatim", text: value },
    { form: "URL-encoded", text: encodeURIComponent(value) },
    { form: "JSON \\u-escaped", text: [...value].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("") },
    { form: "hex", text: Buffer.from(value).toString("hex") },
  ];
  // How a JSON body carries a secret with a quote, backslash or control character in it.
  const jsonEscaped = JSON.stringify(value).slice(1, -1);
  if (jsonEscaped !== value) forms.push({ form: "JSON-escaped", text: jsonEscaped });
  for (const alphabet of ["base64", "base64url"] as const) {
    for (const text of base64Cores(value, alphabet)) forms.push({ form: alphabet, text });
  }
  return forms;
}

/**
 * The part of a base64 encoding that any text containing `value` shows, whatever its offset:
 * encode with 0, 1 and 2 bytes in front and keep the characters that do not depend on neighbours.
 */
function base64Cores(value: string, alphabet: "base64" | "base64url"): string[] {
  return [0, 1, 2].map((pad) => {
    const encoded = Buffer.from("\0".repeat(pad) + value).toString(alphabet).replace(/=+$/, "");
    const start = Math.ceil((pad * 4) / 3);
    return encoded.slice(start, encoded.length - 3);
  });
}

/** Every run of `length` characters of the secret's random core, for spotting partial disclosure. */
export function fragments(core: string, length: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + length <= core.length; i++) out.push(core.slice(i, i + length));
  return out;
}

/** The longest substring two strings share (small inputs: masked values against a canary). */
export function longestCommonSubstring(a: string, b: string): number {
  let best = 0;
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let previousDiagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const saved = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? previousDiagonal + 1 : 0;
      best = Math.max(best, row[j]!);
      previousDiagonal = saved;
    }
  }
  return best;
}
