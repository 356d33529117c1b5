import path from "node:path";
import type { Config } from "../config.js";
import { UserError } from "../errors.js";

/** `--date YYYY-MM-DD` checked, or undefined. */
export function dateOption(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new UserError(`--${name} must look like 2025-07-25, got "${value}".`);
  }
  return value;
}

/** The configuration with the shared --index and --date flags applied. */
export function withCommonOptions(
  config: Config,
  values: { index?: string | undefined; date?: string | undefined },
): Config {
  return Object.freeze({
    ...config,
    ...(values.index ? { indexDir: path.resolve(values.index) } : {}),
    ...(values.date ? { referenceDate: values.date } : {}),
  });
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `--since`: a duration back from `now` ("36h", "2d", "1w", "90m") or a date or date-time
 * ("2025-07-20", "2025-07-20T08:00:00Z"; a bare date means its start, UTC).
 */
export function parseSince(value: string, now: Date): Date {
  const duration = /^(\d+(?:\.\d+)?)\s*([mhdw])$/i.exec(value.trim());
  if (duration) {
    return new Date(now.getTime() - Number(duration[1]) * (UNITS[(duration[2] ?? "h").toLowerCase()] ?? 0));
  }
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const parsed = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(parsed)) {
    throw new UserError(
      `--since must be a duration such as 24h, 2d or 1w, or a date such as 2025-07-20; got "${value}".`,
    );
  }
  return new Date(parsed);
}
