/** The longest forced delay a request may ask for (`Prefer: delay=ms`), so a typo cannot hold a socket for hours. */
export const MAX_FORCED_DELAY_MS = 30_000;

/** What a request asked of the mock through `Prefer` (RFC 7240), as Prism reads it, plus a delay. */
export type MockPreferences = { code?: number; example?: string; delayMs?: number };

/**
 * Reads `Prefer: code=500, example=name, delay=250` (commas or semicolons between, values quoted
 * or not; several Prefer headers arrive joined by commas). Other preferences (return=minimal,
 * respond-async…) are not the mock's and are ignored, as RFC 7240 §2 lets a server do. A value the
 * mock cannot use is an error message, not a silent default: the caller asked for something.
 */
export function readMockPreferences(header: string): MockPreferences | { error: string } {
  const found: MockPreferences = {};
  for (const part of header.split(/[,;]/)) {
    const [rawName, ...rest] = part.split("=");
    const name = rawName!.trim().toLowerCase();
    const value = rest.join("=").trim().replace(/^"(.*)"$/, "$1");
    if (name === "code") {
      if (!/^[1-5]\d\d$/.test(value)) return { error: `Prefer: code=${value.slice(0, 20)} is not an HTTP status code.` };
      found.code = Number(value);
    } else if (name === "example") {
      if (value === "") return { error: "Prefer: example= needs the name of one of the operation's examples." };
      found.example = value;
    } else if (name === "delay") {
      const ms = Number(value);
      if (!/^\d+$/.test(value) || ms > MAX_FORCED_DELAY_MS) return { error: `Prefer: delay=${value.slice(0, 20)} must be a whole number of milliseconds from 0 to ${MAX_FORCED_DELAY_MS}.` };
      found.delayMs = ms;
    }
  }
  return found;
}
