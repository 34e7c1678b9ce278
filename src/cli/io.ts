/** What a command may touch of the outside world; main.ts wires it to the process, tests to buffers. */
export type CliIo = {
  /** The environment, read once here and nowhere else (credentials come only from it or a file). */
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal that takes colour (a TTY, and NO_COLOR unset). */
  color: boolean;
  /** Whether a person reads stdout (a TTY, colour or not); absent means a pipe or a file. */
  terminal?: boolean;
  /** Calls `listener` on Ctrl-C; returns the function that stops listening. */
  onInterrupt: (listener: () => void) => () => void;
};
