// The PGlite worker's entry. A worker thread does not inherit the TypeScript loader of the thread
// that starts it (tsx's --import, the CLI's register(), vitest's transform), so it registers tsx
// itself (a runtime dependency) and then loads the worker; it is started with no execArgv.
import { register } from "tsx/esm/api";

register();
await import("./pgliteWorker.ts");
