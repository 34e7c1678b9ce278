#!/usr/bin/env node
// The CLI is TypeScript run in place: tsx compiles it on load (tsx is a runtime dependency).
import { register } from "tsx/esm/api";

register();
try {
  await import("../src/cli/main.ts");
} catch (error) {
  // A CLI that cannot load must not exit 1, which means "findings" to CI.
  console.error(error);
  process.exit(2);
}
