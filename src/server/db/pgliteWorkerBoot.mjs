// The PGlite worker's entry when the server runs from its TypeScript sources (vitest, tsx): a
// worker thread does not inherit the TypeScript loader of the thread that starts it, so it
// registers tsx (a devDependency) itself and then loads the worker. Compiled code (dist/) starts
// dist/server/db/pgliteWorker.js directly and never loads this file.
import { register } from "tsx/esm/api";

register();
await import("./pgliteWorker.ts");
