#!/usr/bin/env node
// `connector-contracts` (bin/connector-contracts.mjs), `npm start`, `npm run mock`: the only place
// that touches the process — arguments, environment, streams, Ctrl-C/SIGTERM and the exit code.
import { EXIT } from "./exitCodes.js";
import { runCli } from "./program.js";

const interruptListeners = new Set<() => void>();
let interrupts = 0;
// SIGTERM (a process manager, CI cancelling a job, `kill`) stops as gently as Ctrl-C does.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    interrupts += 1;
    if (interrupts > 1 || interruptListeners.size === 0) {
      process.stderr.write("\nquitting at once: what the command was doing is left unfinished (a check run's resources start with cc-conformance-)\n");
      process.exit(EXIT.interrupted);
    }
    for (const listener of [...interruptListeners]) listener();
  });
}

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  terminal: Boolean(process.stdout.isTTY),
  onInterrupt: (listener) => {
    interruptListeners.add(listener);
    return () => interruptListeners.delete(listener);
  },
});
// Exit explicitly: keep-alive sockets to the deployment must not hold the process open.
process.stdout.write("", () => process.exit(code));
