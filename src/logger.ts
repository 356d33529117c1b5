/** Levels in increasing severity. */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

export interface Logger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/**
 * One JSON line per event on stderr. Secrets given in `redact` (the bot token) are replaced
 * wherever they appear, including inside error messages and stacks.
 */
export function createLogger(
  level: LogLevel,
  options: { redact?: readonly (string | undefined)[]; write?: (line: string) => void } = {},
): Logger {
  const secrets = (options.redact ?? []).filter((secret): secret is string => Boolean(secret && secret.length >= 8));
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const scrub = (text: string) => secrets.reduce((result, secret) => result.split(secret).join("[redacted]"), text);
  const log = (at: LogLevel, message: string, context: Record<string, unknown> = {}) => {
    if (LEVELS[at] < LEVELS[level]) return;
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(context)) {
      fields[key] =
        value instanceof Error
          ? { name: value.name, message: value.message, ...(at === "error" ? { stack: value.stack } : {}) }
          : value;
    }
    write(scrub(JSON.stringify({ time: new Date().toISOString(), level: at, message, ...fields })));
  };
  return {
    debug: (message, context) => log("debug", message, context),
    info: (message, context) => log("info", message, context),
    warn: (message, context) => log("warn", message, context),
    error: (message, context) => log("error", message, context),
  };
}
