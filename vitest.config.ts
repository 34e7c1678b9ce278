import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/freshBuild.ts", "test/support/globalDatabase.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Vitest's default leaves one core free, so on the two-core CI machine the files ran one at a
    // time (462 s, the files' own times summing to 422 s). Most of a file's time is waiting on a
    // server, PostgreSQL or a child process, so two at a time there: 331 s and 336 s, all green.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ["default"],
  },
});
