/** The report formats: a summary for the terminal, JSON, JUnit XML for CI, and a self-contained HTML page. */
export { renderTerminal, type TerminalOptions } from "./terminal.js";
export { renderJson } from "./json.js";
export { renderJunit } from "./junit.js";
export { renderHtml } from "./html.js";
