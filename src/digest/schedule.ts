import { Cron } from "croner";

/** A server's daily digest time: "HH:MM" (24 h) in an IANA zone. */
export interface DailyTime {
  time: string;
  timezone: string;
}

/** A scheduled posting: the instant, and the local day (YYYY-MM-DD) it belongs to. */
export interface Slot {
  at: Date;
  day: string;
}

function cronFor(spec: DailyTime): Cron {
  const match = /^(\d{1,2}):(\d{2})$/.exec(spec.time);
  if (!match) throw new Error(`bad digest time "${spec.time}"`);
  // Paused: croner only computes instants here; the scheduler owns the timer.
  return new Cron(`${Number(match[2])} ${Number(match[1])} * * *`, { timezone: spec.timezone, paused: true });
}

/** The local calendar day of an instant in a zone. */
export function localDay(at: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(at);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/**
 * The latest scheduled instant at or before `now`, computed by croner in the server's zone, so
 * 09:00 Europe/Berlin is 08:00 UTC in winter and 07:00 UTC in summer. A time that does not exist
 * on a spring-forward day (02:30 in New York) runs at the first minute after the gap; a time that
 * happens twice on a fall-back day runs once.
 */
export function latestSlot(spec: DailyTime, now: Date): Slot | null {
  const cron = cronFor(spec);
  // previousRuns looks strictly before its reference: step a millisecond past now.
  const [at] = cron.previousRuns(1, new Date(now.getTime() + 1));
  return at ? { at, day: localDay(at, spec.timezone) } : null;
}

/**
 * The slot to post now, if any: the latest scheduled instant when it is at most `graceMs` old.
 * A bot that was down at the scheduled time thus posts once when it comes back within the grace
 * window, and skips the day after that.
 */
export function dueSlot(spec: DailyTime, now: Date, graceMs: number): Slot | null {
  const slot = latestSlot(spec, now);
  if (!slot) return null;
  return now.getTime() - slot.at.getTime() <= graceMs ? slot : null;
}

/** The next scheduled instant after `now` (for "next digest at ..." messages). */
export function nextSlot(spec: DailyTime, now: Date): Slot | null {
  const at = cronFor(spec).nextRun(now);
  return at ? { at, day: localDay(at, spec.timezone) } : null;
}
