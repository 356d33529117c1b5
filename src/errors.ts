/**
 * An error whose message is safe and useful to show to a user as it is: one line that says what
 * went wrong and what to do next. Everything else is logged with context and shown as a short
 * generic line.
 */
export class UserError extends Error {
  override readonly name = "UserError";
}

/** The index has not been built yet (or was removed). */
export class IndexMissingError extends UserError {
  constructor(indexDir: string) {
    super(`No index found in ${indexDir}. Run \`npm run ingest\` first.`);
  }
}

/** Returns a one-line, user-safe description of any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof UserError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message.split("\n")[0]}`;
  return String(error);
}
