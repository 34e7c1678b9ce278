/**
 * Server-controlled text made safe for a terminal: control characters (ESC and the C1 set, which
 * start ANSI sequences a hostile server could use to rewrite or hide lines, set the window title or
 * plant hyperlinks) are shown escaped, e.g. "\x1b". Line breaks and tabs stay.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
