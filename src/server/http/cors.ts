import cors from "cors";

/**
 * CORS for browser apps on another origin (a front-end dev server on localhost:5173, say): any
 * origin, the auth headers each API uses, and the Prefer header that Prism clients send.
 */
export const corsForBrowserApps = cors({
  origin: true,
  methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  allowedHeaders: ["Content-Type", "Authorization", "x-api-key", "Prefer"],
  maxAge: 600,
});
