/**
 * Clean-up that runs every step, each even when an earlier one failed, and reports all the
 * failures together at the end, so one broken step never leaves the rest behind.
 */
export function cleanUpSteps(): {
  attempt(step: () => Promise<unknown>): Promise<void>;
  /** Throws an AggregateError with `message` when any step failed. */
  finish(message: string): void;
} {
  const problems: unknown[] = [];
  return {
    async attempt(step) {
      try {
        await step();
      } catch (error) {
        problems.push(error);
      }
    },
    finish(message) {
      if (problems.length > 0) throw new AggregateError(problems, message);
    },
  };
}
