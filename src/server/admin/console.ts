import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_FILES } from "../../packageFiles.js";
import type { Request, Router } from "express";

/** The console's static files (plain HTML, JS and CSS, no build step), read once when the router is built. */
const FILES = {
  "/": { type: "text/html; charset=utf-8", name: "index.html" },
  "/console.js": { type: "text/javascript; charset=utf-8", name: "console.js" },
  "/console.css": { type: "text/css; charset=utf-8", name: "console.css" },
} as const;

type ConsolePath = keyof typeof FILES;

/**
 * Whether a request asks for one of the console's files: GET /__admin/ (the trailing slash, and
 * HTML accepted: GET /__admin stays the JSON description) and its script and style sheet. They
 * hold no data, so the guard lets them through without the token; the page then sends the token
 * (from its URL fragment) with every call it makes.
 */
export function isConsoleRequest(req: Request): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  if (req.path !== "/") return req.path === "/console.js" || req.path === "/console.css";
  return req.originalUrl.split("?")[0]!.endsWith("/") && req.accepts(["application/json", "text/html"]) === "text/html";
}

/**
 * A page of the admin API's own origin that nothing else may frame or feed: scripts and styles
 * from this origin only, calls to this origin only (Content-Security-Policy, W3C CSP Level 3).
 */
const CONSOLE_HEADERS = {
  "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

/** GET /__admin/ → the web console (see console/index.html). */
export function registerConsoleRoutes(router: Router) {
  const contents = Object.fromEntries(
    Object.entries(FILES).map(([path, file]) => [path, readFileSync(join(PACKAGE_FILES.adminConsole, file.name))]),
  ) as Record<ConsolePath, Buffer>;
  router.get(["/", "/console.js", "/console.css"], function serveConsole(req, res, next) {
    if (!isConsoleRequest(req)) return next();
    const path = req.path as ConsolePath;
    res.set(CONSOLE_HEADERS).type(FILES[path].type).send(contents[path]);
  });
}
