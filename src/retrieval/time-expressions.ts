/**
 * Time words in a question ("last week", "since June 3", "in 2024", "on Monday") become an
 * inclusive date filter on article publication dates, plus the question without those words for
 * retrieval.
 *
 * All arithmetic is done on whole days counted from 1970-01-01 (proleptic Gregorian, UTC), so
 * there is no `Date` and no local time zone anywhere. Dates come in and go out as `YYYY-MM-DD`.
 *
 * Matching is case-insensitive and word-bounded. Every rule below proposes candidates; among
 * overlapping candidates the longest wins ("the day before yesterday" over "yesterday", "since
 * June 3" over "June 3"), and among the rest the one that comes first in the question wins.
 * Candidates whose range starts after the reference date (future dates) are dropped: no article
 * can have been published then, so the words are better left in the question for retrieval.
 */

/** An inclusive date filter taken from a question. */
export interface TimeFilter {
  /** First day (inclusive, `YYYY-MM-DD`), or null when open-ended ("before June 3"). */
  from: string | null;
  /** Last day (inclusive, `YYYY-MM-DD`), or null when open-ended. */
  to: string | null;
  /** The matched words exactly as they appear in the question. */
  phrase: string;
  /** The question with the phrase removed and whitespace/punctuation tidied, for retrieval. */
  remainder: string;
}

export interface TimeExpressionOptions {
  /** First day of a week: 1 = Monday (ISO, the default), 0 = Sunday. */
  weekStartsOn?: 0 | 1;
}

// ---------------------------------------------------------------------------------------------
// Day arithmetic (days since 1970-01-01; algorithms from H. Hinnant's "chrono-Compatible
// Low-Level Date Algorithms").

type Day = number;

interface Civil {
  year: number;
  month: number;
  day: number;
}

function daysFromCivil(year: number, month: number, day: number): Day {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: Day): Civil {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isValidDate(year: number, month: number, day: number): boolean {
  return Number.isInteger(year) && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
function weekdayOf(days: Day): number {
  return (((days + 4) % 7) + 7) % 7;
}

/** Same day-of-month `months` later (negative: earlier), clamped to the target month's length. */
function addMonths(days: Day, months: number): Day {
  const { year, month, day } = civilFromDays(days);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return daysFromCivil(y, m, Math.min(day, daysInMonth(y, m)));
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function toIso(days: Day): string {
  const { year, month, day } = civilFromDays(days);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function parseIsoDate(text: string): Day | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return isValidDate(year, month, day) ? daysFromCivil(year, month, day) : null;
}

// ---------------------------------------------------------------------------------------------
// Context and ranges.

interface Range {
  from: Day | null;
  to: Day | null;
}

interface Context {
  ref: Day;
  refYear: number;
  refMonth: number;
  weekStartsOn: 0 | 1;
  text: string;
}

function single(day: Day): Range {
  return { from: day, to: day };
}

function monthRange(year: number, month: number): Range {
  return { from: daysFromCivil(year, month, 1), to: daysFromCivil(year, month, daysInMonth(year, month)) };
}

function yearRange(year: number): Range {
  return { from: daysFromCivil(year, 1, 1), to: daysFromCivil(year, 12, 31) };
}

function startOfWeek(ctx: Context, days: Day): Day {
  return days - ((weekdayOf(days) - ctx.weekStartsOn + 7) % 7);
}

/** The most recent `weekday` before the reference date (strict) or on/before it (inclusive). */
function recentWeekday(ctx: Context, weekday: number, inclusive: boolean): Day {
  const back = (weekdayOf(ctx.ref) - weekday + 7) % 7;
  return ctx.ref - (back === 0 && !inclusive ? 7 : back);
}

/** The last `n` units up to and including the reference date. */
function rolling(ctx: Context, n: number, unit: string): Range | null {
  if (!Number.isFinite(n) || n < 1 || n > 10_000) return null;
  const r = ctx.ref;
  switch (unit) {
    case "hour":
      return { from: r - Math.ceil(n / 24), to: r };
    case "day":
      return { from: r - (n - 1), to: r };
    case "week":
      return { from: r - (7 * n - 1), to: r };
    case "fortnight":
      return { from: r - (14 * n - 1), to: r };
    case "month":
      return { from: addMonths(r, -n) + 1, to: r };
    case "year":
      return { from: addMonths(r, -12 * n) + 1, to: r };
    default:
      return null;
  }
}

/** "this week/month/year": from the start of the current period to the reference date. */
function periodToDate(ctx: Context, unit: string): Range | null {
  switch (unit) {
    case "week":
      return { from: startOfWeek(ctx, ctx.ref), to: ctx.ref };
    case "month":
      return { from: daysFromCivil(ctx.refYear, ctx.refMonth, 1), to: ctx.ref };
    case "year":
      return { from: daysFromCivil(ctx.refYear, 1, 1), to: ctx.ref };
    default:
      return null;
  }
}

/** "last week/month/year": the whole previous calendar period. */
function previousPeriod(ctx: Context, unit: string): Range | null {
  switch (unit) {
    case "week": {
      const start = startOfWeek(ctx, ctx.ref) - 7;
      return { from: start, to: start + 6 };
    }
    case "month": {
      const { year, month } = civilFromDays(addMonths(daysFromCivil(ctx.refYear, ctx.refMonth, 1), -1));
      return monthRange(year, month);
    }
    case "year":
      return yearRange(ctx.refYear - 1);
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary.

/** Names of each month, January first, full name first. */
const MONTH_NAMES: readonly string[] = [
  "january jan",
  "february feb",
  "march mar",
  "april apr",
  "may",
  "june jun",
  "july jul",
  "august aug",
  "september sept sep",
  "october oct",
  "november nov",
  "december dec",
];
const MONTHS: ReadonlyMap<string, number> = new Map(
  MONTH_NAMES.flatMap((names, index) => names.split(" ").map((name) => [name, index + 1] as const)),
);

/** Month names that are also common English words; without a preposition they must be capitalised. */
const AMBIGUOUS_MONTHS: ReadonlySet<string> = new Set(["may", "march", "mar"]);

/** 0 = Sunday ... 6 = Saturday, as {@link weekdayOf}. */
const WEEKDAYS: ReadonlyMap<string, number> = new Map(
  ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"].map((name, index) => [name, index]),
);

const NUMBER_WORDS: ReadonlyMap<string, number> = new Map([
  ..."one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty"
    .split(" ")
    .map((word, index) => [word, index + 1] as const),
  ["thirty", 30],
  ["forty", 40],
  ["fifty", 50],
  ["sixty", 60],
  ["ninety", 90],
  ["hundred", 100],
]);

/** Words before a weekday that make it part of a name ("Black Friday", "Super Tuesday"). */
const WEEKDAY_NAME_PREFIX =
  /(?:^|[^\p{L}])(?:black|cyber|good|super|ash|bloody|holy|maundy|easter|palm|giving|manic|blue|small business|travel)\s+$/iu;
/** Words after a weekday that make it part of a name ("Sunday Times", "Monday Night Football"). */
const WEEKDAY_NAME_SUFFIX =
  /^\s+(?:times|telegraph|express|mirror|mail|post|herald|world|people|sport|independent|star|observer|business|school|night\s+football|night\s+live|morning\s+herald)(?![\p{L}])/iu;
/** Nouns after a four-digit number that make it a count, not a year ("in 2000 cases"). */
const COUNT_NOUN =
  /^\s+(?:people|persons|cases|deaths|dead|troops|soldiers|prisoners|hostages|civilians|homes|houses|buildings|jobs|dollars|euros|pounds|tons|tonnes|units|miles|km|kilometres|kilometers|metres|meters|feet|votes|workers|children|refugees|migrants|residents|members|employees|patients|times|points|rounds|shares|barrels|vehicles|drones|missiles|rockets)(?![\p{L}])/iu;

// ---------------------------------------------------------------------------------------------
// Pattern fragments. Sources are combined into case-insensitive, Unicode regular expressions.

const R = String.raw;

const MONTH = R`(?:january|february|march|april|may|june|july|august|september|october|november|december|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)(?!\p{L})\.?)(?!\p{L})`;
const WEEKDAY = R`(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?!\p{L})`;
/** A day of the month, not part of a larger number ("1,200") or word. */
const DAY_NUMBER = R`(?:[12]\d|3[01]|0?[1-9])`;
const DAY_END = R`(?:st|nd|rd|th)?(?![\p{L}\p{N}]|[.,]\d)`;
const YEAR_NUMBER = R`(?:1[89]\d\d|2[01]\d\d)`;
const NUMBER_END = R`(?![\p{L}\p{N}]|[.,]\d)`;
const NUM_WORD = [...NUMBER_WORDS.keys()].sort((a, b) => b.length - a.length).join("|");
const COUNT = R`(?:\d{1,4}${NUMBER_END}|(?:${NUM_WORD})(?!\p{L})|(?:a\s+)?few|(?:a\s+)?couple(?:\s+of)?)`;
const POSSESSIVE = R`(?:['’]s)?`;
const PREP = R`(?:in|over|during|within|for|throughout)`;

/** Kinds of single date references ("atoms") that rules combine with prepositions. */
type AtomKind = "iso" | "mdy" | "dmy" | "my" | "m" | "y" | "wd" | "rel" | "dayOnly";

function atomSource(p: string, kinds: readonly AtomKind[]): string {
  const parts: string[] = [];
  const weekdayLead = R`(?:${WEEKDAY},?\s+)?`;
  for (const kind of kinds) {
    switch (kind) {
      case "iso":
        parts.push(R`(?<${p}iso>(?<${p}isoY>\d{4})-(?<${p}isoM>\d{2})-(?<${p}isoD>\d{2})(?!\p{N}))`);
        break;
      case "mdy":
        parts.push(
          R`(?<${p}mdy>${weekdayLead}(?<${p}mdyM>${MONTH})\s+(?:the\s+)?(?<${p}mdyD>${DAY_NUMBER})${DAY_END}(?:,?\s+(?<${p}mdyY>${YEAR_NUMBER})${NUMBER_END})?)`,
        );
        break;
      case "dmy":
        parts.push(
          R`(?<${p}dmy>${weekdayLead}(?:the\s+)?(?<${p}dmyD>${DAY_NUMBER})${DAY_END}(?:\s+of)?\s+(?<${p}dmyM>${MONTH})(?:,?\s+(?<${p}dmyY>${YEAR_NUMBER})${NUMBER_END})?)`,
        );
        break;
      case "my":
        parts.push(R`(?<${p}my>(?<${p}myM>${MONTH}),?\s+(?:of\s+)?(?<${p}myY>${YEAR_NUMBER})${NUMBER_END})`);
        break;
      case "m":
        parts.push(R`(?<${p}m>${MONTH})`);
        break;
      case "y":
        parts.push(R`(?<${p}y>${YEAR_NUMBER})${NUMBER_END}`);
        break;
      case "wd":
        parts.push(R`(?:(?<${p}wdLast>last|this\s+past|past)\s+)?(?<${p}wd>${WEEKDAY})`);
        break;
      case "rel":
        parts.push(
          R`(?<${p}rel>the\s+day\s+before\s+yesterday|yesterday|today|tonight|this\s+(?:morning|afternoon|evening)|last\s+night)(?!\p{L})`,
        );
        break;
      case "dayOnly":
        parts.push(R`(?<${p}dayOnly>${DAY_NUMBER})${DAY_END}`);
        break;
    }
  }
  return `(?:${parts.join("|")})`;
}

/** A parsed but not yet resolved date reference. `year: null` means "the most recent one". */
type Spec =
  | { kind: "date"; year: number | null; month: number; day: number }
  | { kind: "month"; year: number | null; month: number }
  | { kind: "year"; year: number }
  | { kind: "weekday"; weekday: number; strict: boolean }
  | { kind: "relative"; back: number; to: number }
  | { kind: "dayOnly"; day: number };

function monthNumber(text: string): number | null {
  return MONTHS.get(text.toLowerCase().replace(/\.$/, "")) ?? null;
}

/** An ambiguous month word ("may", "march") written in lower case. */
function isLowercaseAmbiguousMonth(text: string): boolean {
  const word = text.replace(/\.$/, "");
  return AMBIGUOUS_MONTHS.has(word.toLowerCase()) && word[0] !== word[0]?.toUpperCase();
}

/**
 * Reads the atom whose groups start with `p`. With `bare` (no preposition before it), ambiguous
 * month words must be capitalised ("May 3", not "may 3").
 */
function readAtom(groups: Record<string, string | undefined>, p: string, bare: boolean): Spec | null {
  const g = (name: string): string | undefined => groups[`${p}${name}`];
  const num = (value: string | undefined): number | null => (value === undefined ? null : Number.parseInt(value, 10));
  const month = (text: string | undefined): number | null => {
    if (text === undefined) return null;
    if (bare && isLowercaseAmbiguousMonth(text)) return null;
    return monthNumber(text);
  };

  if (g("iso") !== undefined) {
    const year = num(g("isoY"));
    const m = num(g("isoM"));
    const day = num(g("isoD"));
    if (year === null || m === null || day === null) return null;
    return { kind: "date", year, month: m, day };
  }
  for (const kind of ["mdy", "dmy"] as const) {
    if (g(kind) === undefined) continue;
    const m = month(g(`${kind}M`));
    const day = num(g(`${kind}D`));
    if (m === null || day === null) return null;
    return { kind: "date", year: num(g(`${kind}Y`)), month: m, day };
  }
  if (g("my") !== undefined) {
    const m = month(g("myM"));
    const year = num(g("myY"));
    if (m === null || year === null) return null;
    return { kind: "month", year, month: m };
  }
  if (g("m") !== undefined) {
    const m = month(g("m"));
    return m === null ? null : { kind: "month", year: null, month: m };
  }
  if (g("y") !== undefined) {
    const year = num(g("y"));
    return year === null ? null : { kind: "year", year };
  }
  const weekday = g("wd");
  if (weekday !== undefined) {
    const value = WEEKDAYS.get(weekday.toLowerCase());
    return value === undefined ? null : { kind: "weekday", weekday: value, strict: g("wdLast") !== undefined };
  }
  const rel = g("rel");
  if (rel !== undefined) {
    const words = rel.toLowerCase().replace(/\s+/g, " ");
    if (words === "the day before yesterday") return { kind: "relative", back: 2, to: 2 };
    if (words === "yesterday") return { kind: "relative", back: 1, to: 1 };
    if (words === "last night") return { kind: "relative", back: 1, to: 0 };
    return { kind: "relative", back: 0, to: 0 };
  }
  const dayOnly = num(g("dayOnly"));
  if (dayOnly !== null) return { kind: "dayOnly", day: dayOnly };
  return null;
}

/**
 * Resolves a spec to days. Without a year, a month or date means the most recent one that is not
 * after the reference date. Weekdays are strictly before the reference date unless `inclusive`
 * (used by "since Monday") and the spec did not say "last".
 */
function resolveSpec(spec: Spec, ctx: Context, inclusiveWeekday: boolean): Range | null {
  switch (spec.kind) {
    case "date": {
      if (spec.year !== null) {
        return isValidDate(spec.year, spec.month, spec.day)
          ? single(daysFromCivil(spec.year, spec.month, spec.day))
          : null;
      }
      // Most recent valid occurrence on or before the reference date (Feb 29 may go back years).
      for (let year = ctx.refYear; year >= ctx.refYear - 8; year -= 1) {
        if (!isValidDate(year, spec.month, spec.day)) continue;
        const day = daysFromCivil(year, spec.month, spec.day);
        if (day <= ctx.ref) return single(day);
      }
      return null;
    }
    case "month": {
      const year = spec.year ?? (spec.month <= ctx.refMonth ? ctx.refYear : ctx.refYear - 1);
      return monthRange(year, spec.month);
    }
    case "year":
      return yearRange(spec.year);
    case "weekday":
      return single(recentWeekday(ctx, spec.weekday, inclusiveWeekday && !spec.strict));
    case "relative":
      return { from: ctx.ref - spec.back, to: ctx.ref - spec.to };
    case "dayOnly":
      return null;
  }
}

type CalendarSpec = Extract<Spec, { kind: "date" | "month" }>;

function isCalendar(spec: Spec): spec is CalendarSpec {
  return spec.kind === "date" || spec.kind === "month";
}

/** "between A and B" / "from A to B", inferring a missing year or month from the other end. */
function resolvePair(first: Spec, second: Spec, ctx: Context): Range | null {
  let a = first;
  let b = second;
  if (b.kind === "dayOnly") {
    if (a.kind !== "date") return null;
    b = { kind: "date", year: a.year, month: a.month, day: b.day };
  }
  if (a.kind === "dayOnly") {
    if (b.kind !== "date") return null;
    a = { kind: "date", year: b.year, month: b.month, day: a.day };
  }

  let ra: Range | null;
  let rb: Range | null;
  if (isCalendar(a) && isCalendar(b) && (a.year === null || b.year === null)) {
    if (a.year === null && b.year === null) {
      ra = resolveSpec(a, ctx, true);
      if (ra?.from == null) return null;
      const year = civilFromDays(ra.from).year;
      rb = resolveSpec({ ...b, year }, ctx, true);
      if (rb?.to != null && rb.to < ra.from) rb = resolveSpec({ ...b, year: year + 1 }, ctx, true);
    } else if (b.year !== null) {
      rb = resolveSpec(b, ctx, true);
      ra = resolveSpec({ ...a, year: b.year }, ctx, true);
      if (ra?.from != null && rb?.to != null && ra.from > rb.to) {
        ra = resolveSpec({ ...a, year: b.year - 1 }, ctx, true);
      }
    } else {
      const year = a.year ?? ctx.refYear;
      ra = resolveSpec(a, ctx, true);
      rb = resolveSpec({ ...b, year }, ctx, true);
      if (ra?.from != null && rb?.to != null && rb.to < ra.from) {
        rb = resolveSpec({ ...b, year: year + 1 }, ctx, true);
      }
    }
  } else {
    ra = resolveSpec(a, ctx, true);
    rb = resolveSpec(b, ctx, true);
    // "from Monday to Wednesday" seen on a Tuesday: the Monday of the week before.
    if (a.kind === "weekday" && b.kind === "weekday" && ra?.from != null && rb?.from != null && ra.from > rb.from) {
      ra = { from: ra.from - 7, to: ra.from - 7 };
    }
  }
  if (ra?.from == null || rb?.to == null || ra.from > rb.to) return null;
  return { from: ra.from, to: rb.to };
}

// ---------------------------------------------------------------------------------------------
// Rules.

interface Rule {
  name: string;
  pattern: RegExp;
  resolve(match: RegExpExecArray, ctx: Context): Range | null;
}

function pattern(source: string): RegExp {
  return new RegExp(R`(?<![\p{L}\p{N}_])(?:${source})(?![\p{L}\p{N}_])`, "giu");
}

function groupsOf(match: RegExpExecArray): Record<string, string | undefined> {
  return match.groups ?? {};
}

function before(ctx: Context, match: RegExpExecArray): string {
  return ctx.text.slice(0, match.index);
}

function after(ctx: Context, match: RegExpExecArray): string {
  return ctx.text.slice(match.index + match[0].length);
}

function countValue(text: string): number | null {
  const words = text.toLowerCase().replace(/\s+/g, " ").trim();
  if (/^\d+$/.test(words)) return Number.parseInt(words, 10);
  if (/^(?:a )?few$/.test(words)) return 3;
  if (/^(?:a )?couple(?: of)?$/.test(words)) return 2;
  return NUMBER_WORDS.get(words) ?? null;
}

function unitOf(text: string): string {
  return text.toLowerCase().replace(/s$/, "");
}

const ALL_ATOMS: readonly AtomKind[] = ["iso", "mdy", "dmy", "my", "m", "y", "wd", "rel"];
const PAIR_FIRST: readonly AtomKind[] = [...ALL_ATOMS, "dayOnly"];
const PAIR_SECOND: readonly AtomKind[] = [...ALL_ATOMS, "dayOnly"];

function pairRule(name: string, source: string): Rule {
  return {
    name,
    pattern: pattern(source),
    resolve(match, ctx) {
      const a = readAtom(groupsOf(match), "a_", false);
      const b = readAtom(groupsOf(match), "b_", false);
      if (!a || !b) return null;
      if (a.kind === "year" && b.kind !== "year" && b.kind !== "month" && b.kind !== "date") return null;
      return resolvePair(a, b, ctx);
    },
  };
}

function anchorRange(anchor: string, range: Range, ctx: Context): Range | null {
  if (range.from === null || range.to === null) return null;
  if (/^(?:ever\s+)?since$/.test(anchor)) return { from: range.from, to: ctx.ref };
  if (anchor === "after") return { from: range.to + 1, to: ctx.ref };
  if (anchor === "before" || /^prior\s+to$/.test(anchor)) return { from: null, to: range.from - 1 };
  return { from: null, to: range.to }; // until, till, up until
}

const RULES: readonly Rule[] = [
  pairRule("between", R`between\s+${atomSource("a_", PAIR_FIRST)}\s+and\s+${atomSource("b_", PAIR_SECOND)}`),
  pairRule(
    "from-to",
    R`from\s+${atomSource("a_", PAIR_FIRST)}\s*(?:to|until|till|through|thru|[-–—])\s*${atomSource("b_", PAIR_SECOND)}`,
  ),
  {
    // "June 3-5", "3-5 June 2025", "on June 3 to 5"
    name: "compact-range",
    pattern: pattern(
      R`(?:(?:on|in|during)\s+)?(?:(?<m1>${MONTH})\s+(?<d1>${DAY_NUMBER})${DAY_END}\s*(?:[-–—]|to|through|thru|until)\s*(?<d2>${DAY_NUMBER})${DAY_END}|(?<d3>${DAY_NUMBER})${DAY_END}\s*(?:[-–—]|to|through|thru|until)\s*(?<d4>${DAY_NUMBER})${DAY_END}\s+(?:of\s+)?(?<m2>${MONTH}))(?:,?\s+(?<y>${YEAR_NUMBER})${NUMBER_END})?`,
    ),
    resolve(match, ctx) {
      const g = groupsOf(match);
      const monthText = g.m1 ?? g.m2;
      if (monthText === undefined) return null;
      const bare = !/^(?:on|in|during)\s/i.test(match[0]);
      if (bare && isLowercaseAmbiguousMonth(monthText)) return null;
      const month = monthNumber(monthText);
      const d1 = Number.parseInt(g.d1 ?? g.d3 ?? "", 10);
      const d2 = Number.parseInt(g.d2 ?? g.d4 ?? "", 10);
      if (month === null || !(d1 < d2)) return null;
      const year = g.y === undefined ? null : Number.parseInt(g.y, 10);
      return resolvePair({ kind: "date", year, month, day: d1 }, { kind: "date", year, month, day: d2 }, ctx);
    },
  },
  {
    // "since June 3", "since Monday", "after 2024", "before yesterday", "until March 2025"
    name: "anchored",
    pattern: pattern(
      R`(?<anchor>(?:ever\s+)?since|after|before|prior\s+to|until|till|up\s+until)\s+${atomSource("x_", ALL_ATOMS)}`,
    ),
    resolve(match, ctx) {
      const g = groupsOf(match);
      const anchor = (g.anchor ?? "").toLowerCase().replace(/\s+/g, " ");
      const spec = readAtom(g, "x_", false);
      if (!spec) return null;
      if (spec.kind === "year" && COUNT_NOUN.test(after(ctx, match))) return null;
      const range = resolveSpec(spec, ctx, /since$/.test(anchor));
      return range ? anchorRange(anchor, range, ctx) : null;
    },
  },
  {
    // "since last week", "since the start of the month"
    name: "since-period",
    pattern: pattern(
      R`(?:ever\s+)?since\s+(?:(?<last>last|the\s+previous)\s+|(?:the\s+)?(?:start|beginning)\s+of\s+(?:the|this)\s+)(?<unit>week|month|year)`,
    ),
    resolve(match, ctx) {
      const g = groupsOf(match);
      const unit = unitOf(g.unit ?? "");
      const range = g.last === undefined ? periodToDate(ctx, unit) : previousPeriod(ctx, unit);
      return range?.from == null ? null : { from: range.from, to: ctx.ref };
    },
  },
  {
    // "in June", "during 2024", "on June 3", "in June 2025", "on 2025-06-03"
    name: "preposition",
    pattern: pattern(
      R`(?<prep>in|on|during|throughout)\s+(?:the\s+(?:month\s+of|year(?:\s+of)?)\s+)?${atomSource("x_", ["iso", "mdy", "dmy", "my", "m", "y"])}`,
    ),
    resolve(match, ctx) {
      const spec = readAtom(groupsOf(match), "x_", false);
      if (!spec) return null;
      if (spec.kind === "year" && COUNT_NOUN.test(after(ctx, match))) return null;
      return resolveSpec(spec, ctx, false);
    },
  },
  {
    // "early June", "in mid-March 2024", "late May"
    name: "part-of-month",
    pattern: pattern(
      R`(?:(?:in|during)\s+)?(?:the\s+)?(?<part>early|mid|late|end\s+of|beginning\s+of|start\s+of)(?:\s*-\s*|\s+)(?<month>${MONTH})(?:,?\s+(?<y>${YEAR_NUMBER})${NUMBER_END})?`,
    ),
    resolve(match, ctx) {
      const g = groupsOf(match);
      const month = monthNumber(g.month ?? "");
      if (month === null) return null;
      const year = g.y === undefined ? null : Number.parseInt(g.y, 10);
      const whole = resolveSpec({ kind: "month", year, month }, ctx, false);
      if (whole?.from == null || whole.to == null) return null;
      const part = (g.part ?? "").toLowerCase().replace(/\s+/g, " ");
      if (part === "early" || part === "beginning of" || part === "start of") {
        return { from: whole.from, to: whole.from + 9 };
      }
      if (part === "mid") return { from: whole.from + 10, to: whole.from + 19 };
      return { from: whole.from + 20, to: whole.to };
    },
  },
  {
    // "last June": the most recent June before the current month.
    name: "last-month-name",
    pattern: pattern(R`(?:(?:in|during)\s+)?last\s+(?<month>${MONTH})`),
    resolve(match, ctx) {
      if (/(?:^|[^\p{L}])the\s+$/iu.test(before(ctx, match))) return null; // "the last march"
      const monthText = groupsOf(match).month ?? "";
      if (isLowercaseAmbiguousMonth(monthText)) return null; // "will it last march..."
      const month = monthNumber(monthText);
      if (month === null) return null;
      return monthRange(month < ctx.refMonth ? ctx.refYear : ctx.refYear - 1, month);
    },
  },
  {
    // "June 3", "3 June 2025", "Friday, July 25", "June 2025", "2025-06-03"
    name: "bare-date",
    pattern: pattern(atomSource("x_", ["iso", "mdy", "dmy", "my"])),
    resolve(match, ctx) {
      const spec = readAtom(groupsOf(match), "x_", true);
      if (!spec) return null;
      // "the Jan. 6 committee", "the October 7 attacks": a named event, not a date filter.
      if (spec.kind === "date" && spec.year === null && /(?:^|[^\p{L}])the\s+$/iu.test(before(ctx, match))) {
        return null;
      }
      return resolveSpec(spec, ctx, false);
    },
  },
  {
    name: "relative-day",
    pattern: pattern(
      R`(?:(?:earlier|so\s+far)\s+)?(?<word>the\s+day\s+before\s+yesterday|yesterday|today|tonight|this\s+(?:morning|afternoon|evening)|last\s+night)(?:\s+(?:morning|afternoon|evening|night)(?!\p{L}))?${POSSESSIVE}`,
    ),
    resolve(match, ctx) {
      const word = (groupsOf(match).word ?? "").toLowerCase().replace(/\s+/g, " ");
      if ((word === "today" || word === "tonight") && /(?:^|[^\p{L}])usa\s+$/iu.test(before(ctx, match))) {
        return null; // "USA Today"
      }
      if (/^\s+(?:show|programme|program)(?!\p{L})/iu.test(after(ctx, match))) return null;
      if (word === "the day before yesterday") return single(ctx.ref - 2);
      if (word === "yesterday") return single(ctx.ref - 1);
      if (word === "last night") return { from: ctx.ref - 1, to: ctx.ref };
      return single(ctx.ref);
    },
  },
  {
    name: "days-ago",
    pattern: pattern(R`(?<n>\d{1,3}${NUMBER_END}|a|${NUM_WORD})\s+days?\s+ago`),
    resolve(match, ctx) {
      const text = (groupsOf(match).n ?? "").toLowerCase();
      const n = text === "a" ? 1 : countValue(text);
      return n === null || n < 1 ? null : single(ctx.ref - n);
    },
  },
  {
    // "on Monday", "last Friday", "this Tuesday", "Monday night", "Friday's speech"
    name: "weekday",
    pattern: pattern(
      R`(?:(?<on>on)\s+)?(?:(?<lead>this\s+past|past|last|this)\s+)?(?<wd>${WEEKDAY})(?:\s+(?<tod>morning|afternoon|evening|night)(?!\p{L}))?${POSSESSIVE}`,
    ),
    resolve(match, ctx) {
      const g = groupsOf(match);
      const weekday = WEEKDAYS.get((g.wd ?? "").toLowerCase());
      if (weekday === undefined) return null;
      const rest = after(ctx, match);
      const preceding = before(ctx, match);
      if (g.tod === undefined && WEEKDAY_NAME_SUFFIX.test(rest)) return null; // "Sunday Times"
      const lead = (g.lead ?? "").toLowerCase().replace(/\s+/g, " ");
      if (g.on === undefined && lead === "") {
        if (/^[-–]\p{L}/u.test(rest) || /\p{L}[-–]$/u.test(preceding)) return null; // "Monday-Friday"
        if (WEEKDAY_NAME_PREFIX.test(preceding)) return null; // "Black Friday"
        if (g.tod === undefined && /^\s+\p{Lu}/u.test(rest)) return null; // a name: "Sunday Herald Sun"
      }
      if (lead === "last" && (/(?:^|[^\p{L}])the\s+$/iu.test(preceding) || /^\s+of(?!\p{L})/iu.test(rest))) {
        return null; // "the last Friday of the month"
      }
      if (lead === "this") {
        const day = startOfWeek(ctx, ctx.ref) + ((weekday - ctx.weekStartsOn + 7) % 7);
        return day > ctx.ref ? null : single(day);
      }
      return single(recentWeekday(ctx, weekday, false));
    },
  },
  {
    name: "weekend",
    pattern: pattern(
      R`(?:(?:over|during|at|on|in|from|for)\s+)?(?<which>this\s+past|the|this|last|past)\s+weekend${POSSESSIVE}`,
    ),
    resolve(match, ctx) {
      const which = (groupsOf(match).which ?? "").toLowerCase().replace(/\s+/g, " ");
      const weekday = weekdayOf(ctx.ref);
      const onWeekend = weekday === 0 || weekday === 6;
      const saturday = ctx.ref - ((weekday + 1) % 7); // most recent Saturday on or before ref
      if (which === "this" && !onWeekend) return null; // the coming weekend
      const start = which === "last" && onWeekend ? saturday - 7 : saturday;
      return { from: start, to: Math.min(start + 1, ctx.ref) };
    },
  },
  {
    // "this week", "this month's", "so far this year", "earlier this week"
    name: "this-period",
    pattern: pattern(
      R`(?:(?:${PREP}|earlier|so\s+far)\s+)?this\s+(?<unit>week|month|year)${POSSESSIVE}(?:\s+so\s+far(?!\p{L}))?`,
    ),
    resolve(match, ctx) {
      return periodToDate(ctx, unitOf(groupsOf(match).unit ?? ""));
    },
  },
  {
    // "last week" (previous calendar week), "last month", "the previous year"
    name: "last-period",
    pattern: pattern(R`(?:(?:${PREP}|from)\s+)?(?:last|(?:the\s+)?previous)\s+(?<unit>week|month|year)${POSSESSIVE}`),
    resolve(match, ctx) {
      if (/^\s+of(?!\p{L})/iu.test(after(ctx, match))) return null; // "last week of June"
      return previousPeriod(ctx, unitOf(groupsOf(match).unit ?? ""));
    },
  },
  {
    // "in the past 7 days", "over the last two weeks", "the past few months", "past 24 hours"
    name: "rolling-n",
    pattern: pattern(
      R`(?:(?<prep>${PREP})\s+)?(?:(?<the>the|this)\s+)?(?<word>past|last|previous|preceding)\s+(?<n>${COUNT})\s+(?<unit>hours?|days?|weeks?|fortnights?|months?|years?)${POSSESSIVE}`,
    ),
    resolve(match, ctx) {
      if (/^\s+of(?!\p{L})/iu.test(after(ctx, match))) return null; // "the last 3 days of June"
      const g = groupsOf(match);
      // "Will it last 3 days?": a bare "last N days" is the verb; "past 7 days" is fine.
      if (g.prep === undefined && g.the === undefined && g.word?.toLowerCase() !== "past") return null;
      const n = countValue(g.n ?? "");
      return n === null ? null : rolling(ctx, n, unitOf(g.unit ?? ""));
    },
  },
  {
    // "past week" / "the last week" / "this past month": the last 7 days (a month, a year) to today
    name: "rolling-one",
    pattern: pattern(
      R`(?:${PREP}\s+)?(?:(?:the|this)\s+past|past|the\s+last)\s+(?<unit>day|week|fortnight|month|year)${POSSESSIVE}`,
    ),
    resolve(match, ctx) {
      if (/^\s+of(?!\p{L})/iu.test(after(ctx, match))) return null; // "the last week of June"
      return rolling(ctx, 1, unitOf(groupsOf(match).unit ?? ""));
    },
  },
  {
    name: "recently",
    pattern: pattern(
      R`(?:(?:most|more|very|just|only)\s+)?recently|lately|of\s+late|in\s+recent\s+(?<unit>days|weeks)`,
    ),
    resolve(match, ctx) {
      return rolling(ctx, groupsOf(match).unit?.toLowerCase() === "weeks" ? 28 : 14, "day");
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Public API.

interface Candidate {
  start: number;
  end: number;
  priority: number;
  range: Range;
}

function findCandidates(ctx: Context): Candidate[] {
  const candidates: Candidate[] = [];
  RULES.forEach((rule, priority) => {
    rule.pattern.lastIndex = 0;
    for (const match of ctx.text.matchAll(rule.pattern)) {
      const range = rule.resolve(match, ctx);
      if (!range || (range.from === null && range.to === null)) continue;
      if (range.from !== null && range.to !== null && range.from > range.to) continue;
      if (range.from !== null && range.from > ctx.ref) continue; // entirely in the future
      candidates.push({ start: match.index, end: match.index + match[0].length, priority, range });
    }
  });
  return candidates;
}

/** Longest candidates claim their span first; of the spans left, the earliest in the question wins. */
function pickCandidate(candidates: Candidate[]): Candidate | null {
  const byStrength = [...candidates].sort(
    (a, b) => b.end - b.start - (a.end - a.start) || a.priority - b.priority || a.start - b.start,
  );
  const chosen: Candidate[] = [];
  for (const candidate of byStrength) {
    if (chosen.every((c) => candidate.end <= c.start || candidate.start >= c.end)) chosen.push(candidate);
  }
  chosen.sort((a, b) => a.start - b.start);
  return chosen[0] ?? null;
}

/** Removes `[start, end)` from the question and tidies whitespace and orphaned punctuation. */
function removeSpan(text: string, start: number, end: number): string {
  let result = `${text.slice(0, start)} ${text.slice(end)}`
    .replace(/\s+/g, " ")
    .replace(/\s+([?.!,;:)])/g, "$1")
    .replace(/\(\s*\)/g, "")
    .replace(/[,;:]+(?=[?.!,;:]|$)/g, "")
    .replace(/^[\s,;:.!?]+/, "")
    .replace(/\s+/g, " ")
    .trim();
  if (/^[\p{P}\s]*$/u.test(result)) return "";
  const first = text.trimStart()[0];
  if (start <= text.length - text.trimStart().length && first !== undefined && first !== first.toLowerCase()) {
    result = result.charAt(0).toUpperCase() + result.slice(1);
  }
  return result;
}

/**
 * Finds the time expression in `question` and turns it into an inclusive date filter relative to
 * `referenceDate` ("today", `YYYY-MM-DD`). Returns null when the question has no time words.
 * Throws a RangeError when `referenceDate` is not a valid `YYYY-MM-DD` date.
 */
export function parseTimeExpression(
  question: string,
  referenceDate: string,
  options: TimeExpressionOptions = {},
): TimeFilter | null {
  const ref = parseIsoDate(referenceDate);
  if (ref === null) throw new RangeError(`referenceDate must be a valid YYYY-MM-DD date, got "${referenceDate}"`);
  const { year, month } = civilFromDays(ref);
  const ctx: Context = {
    ref,
    refYear: year,
    refMonth: month,
    weekStartsOn: options.weekStartsOn ?? 1,
    text: question,
  };
  const best = pickCandidate(findCandidates(ctx));
  if (!best) return null;
  return {
    from: best.range.from === null ? null : toIso(best.range.from),
    to: best.range.to === null ? null : toIso(best.range.to),
    phrase: question.slice(best.start, best.end),
    remainder: removeSpan(question, best.start, best.end),
  };
}

/** A short human description: "on 2025-06-03", "from 2025-06-01 to 2025-06-30", "since ...". */
export function describeTimeFilter(filter: Pick<TimeFilter, "from" | "to">): string {
  const { from, to } = filter;
  if (from !== null && to !== null) return from === to ? `on ${from}` : `from ${from} to ${to}`;
  if (from !== null) return `from ${from} onwards`;
  if (to !== null) return `up to ${to}`;
  return "at any time";
}
