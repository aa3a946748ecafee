/**
 * Runs `body`; if it throws, appends `context()` (typically a server's recent output) to the
 * error's message, so a failed assertion shows what the processes under test printed.
 */
export async function explainFailure<T>(context: () => string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const extra = `\n\n${context()}`;
    if (!(error instanceof Error)) throw new Error(`${String(error)}${extra}`, { cause: error });
    // Only the message: Jest prints it and the stack's frames, so it would show twice if the
    // stack's copy of the message were rewritten too.
    error.message += extra;
    throw error;
  }
}
