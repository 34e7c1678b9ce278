#!/usr/bin/env node
// The CLI is the compiled JavaScript in dist/ (built by `tsc`, on `npm ci` by the prepare script).
try {
  await import("../dist/cli/main.js");
} catch (error) {
  // A CLI that cannot load must not exit 1, which means "findings" to CI.
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("/dist/cli/main.js")) {
    console.error("connector-contracts is not built: run `npm run build` (or `npm ci`, which builds it) in the repository.");
  } else {
    console.error(error);
  }
  process.exit(2);
}
