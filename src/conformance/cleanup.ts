/** What the suite created, undone in reverse order at the end of a run, also after a failure or Ctrl-C. */
export class CleanupStack {
  private readonly steps: Array<{ label: string; undo: () => Promise<void> }> = [];
  readonly leftBehind: string[] = [];
  readonly problems: string[] = [];

  push(label: string, undo: () => Promise<void>): void {
    this.steps.push({ label, undo });
  }

  /** A resource the API gives no way to delete: named recognisably and listed in the report. */
  leave(label: string): void {
    this.leftBehind.push(label);
  }

  async run(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step.undo();
      } catch (error) {
        this.problems.push(`cleanup of ${step.label} failed: ${(error as Error).message}`);
      }
    }
  }
}
