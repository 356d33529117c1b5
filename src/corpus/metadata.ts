/**
 * Metadata shapes: which lines state an author, a date, an outlet or a URL, how to read dates,
 * which outlet a URL belongs to, and how to choose an article's title.
 *
 * Everything here recognises *shapes* ("a line that is only a date", "By + capitalised name")
 * rather than strings from particular sites, so it carries over to pages nobody has seen yet.
 */
import { splitSentences } from "../text/sentences.js";
import type { DocumentMeta } from "./document.js";

const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};
const MONTH =
  "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})(?!\d)/;
const SLASH_DATE = /\b(\d{4})\/(\d{1,2})\/(\d{1,2})\b/;
const MONTH_FIRST = new RegExp(`\\b${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, "i");
const DAY_FIRST = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH},?\\s+(\\d{4})\\b`, "i");

/**
 * Reads the first absolute calendar date in `text`: ISO (`2025-08-28`, also inside a datetime),
 * `2025/08/28`, `Aug. 28, 2025`, `August 28 2025`, `28 August 2025`.
 * Numeric `08/28/2025` is ignored because day and month order is ambiguous.
 *
 * @returns `YYYY-MM-DD`, or null when there is no valid date
 */
export function parseDate(text: string): string | null {
  const candidates: Array<{ index: number; date: string | null }> = [];
  const iso = ISO_DATE.exec(text);
  if (iso) candidates.push({ index: iso.index, date: toIso(iso[1], iso[2], iso[3]) });
  const slash = SLASH_DATE.exec(text);
  if (slash) candidates.push({ index: slash.index, date: toIso(slash[1], slash[2], slash[3]) });
  const monthFirst = MONTH_FIRST.exec(text);
  if (monthFirst) {
    candidates.push({ index: monthFirst.index, date: toIso(monthFirst[3], monthNumber(monthFirst[1]), monthFirst[2]) });
  }
  const dayFirst = DAY_FIRST.exec(text);
  if (dayFirst) {
    candidates.push({ index: dayFirst.index, date: toIso(dayFirst[3], monthNumber(dayFirst[2]), dayFirst[1]) });
  }
  candidates.sort((a, b) => a.index - b.index);
  return candidates.find((candidate) => candidate.date)?.date ?? null;
}

function monthNumber(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const month = MONTHS[name.toLowerCase().replace(/\.$/, "")];
  return month === undefined ? undefined : String(month);
}

function toIso(year?: string, month?: string, day?: string): string | null {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (!Number.isInteger(y) || y < 1900 || y > 2100 || !(m >= 1 && m <= 12) || !(d >= 1 && d <= 31)) return null;
  // Reject impossible days such as Feb 30 by letting Date normalise and comparing.
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCMonth() !== m - 1) return null;
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** Well-known news hosts whose display name is not simply the host name. */
const HOST_OUTLETS: Record<string, string> = {
  "usatoday.com": "USA TODAY",
  "cnn.com": "CNN",
  "edition.cnn.com": "CNN",
  "nytimes.com": "The New York Times",
  "washingtonpost.com": "The Washington Post",
  "wsj.com": "The Wall Street Journal",
  "theguardian.com": "The Guardian",
  "bbc.com": "BBC",
  "bbc.co.uk": "BBC",
  "reuters.com": "Reuters",
  "apnews.com": "AP News",
  "thehill.com": "The Hill",
  "yahoo.com": "Yahoo",
  "news.yahoo.com": "Yahoo",
  "foxnews.com": "Fox News",
  "nbcnews.com": "NBC News",
  "cbsnews.com": "CBS News",
  "abcnews.go.com": "ABC News",
  "npr.org": "NPR",
  "politico.com": "Politico",
  "politico.eu": "Politico",
  "bloomberg.com": "Bloomberg",
  "ft.com": "Financial Times",
  "economist.com": "The Economist",
  "theweek.co.uk": "The Week",
  "theweek.com": "The Week",
  "theverge.com": "The Verge",
  "techcrunch.com": "TechCrunch",
  "independent.co.uk": "The Independent",
  "aljazeera.com": "Al Jazeera",
  "pravda.com.ua": "Ukrainska Pravda",
  "kyivindependent.com": "The Kyiv Independent",
  "cnbc.com": "CNBC",
  "axios.com": "Axios",
  "latimes.com": "Los Angeles Times",
  "time.com": "Time",
  "newsweek.com": "Newsweek",
  "dw.com": "DW",
  "france24.com": "France 24",
  "sky.com": "Sky News",
  "news.sky.com": "Sky News",
  "euronews.com": "Euronews",
};

/**
 * Names the outlet behind a URL: a well-known host maps to its display name
 * (`www.usatoday.com` -> "USA TODAY"), any other host is returned without `www.`.
 *
 * @returns null when `url` is not an absolute http(s) URL
 */
export function outletFromUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  let host: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
    host = parsed.hostname.toLowerCase();
  } catch {
    return null;
  }
  host = host.replace(/^www\d?\./, "").replace(/^(amp|m|mobile)\./, "");
  const known = HOST_OUTLETS[host];
  if (known) return known;
  // Subdomains of a known outlet (uk.news.yahoo.com, college.usatoday.com) belong to it.
  for (const [knownHost, name] of Object.entries(HOST_OUTLETS)) {
    if (host.endsWith(`.${knownHost}`)) return name;
  }
  return host || null;
}

/** True for an absolute http(s) URL. */
export function isHttpUrl(text: string): boolean {
  return /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(text);
}

/** Words allowed in lower case inside a name or outlet ("Bank of America", "Ludwig van Beethoven"). */
const NAME_CONNECTORS = new Set([
  "of",
  "the",
  "and",
  "&",
  "de",
  "da",
  "del",
  "der",
  "van",
  "von",
  "la",
  "le",
  "du",
  "di",
  "bin",
  "al",
  "y",
  "on",
  "for",
]);

/**
 * True for a short proper-noun phrase such as an outlet or a person's name: 1-6 words, each
 * capitalised (or a connector like "of"), no sentence punctuation. "Ushakov in an interview with
 * ..." fails because of its lower-case words, which is how a "Source:" line naming a person's
 * remarks is told apart from one naming an outlet.
 */
export function isProperNamePhrase(text: string, maxWords = 6): boolean {
  const trimmed = text.trim();
  if (!trimmed || /[.!?;:,]$/.test(trimmed) || /[,;|]/.test(trimmed)) return false;
  const words = trimmed.split(/\s+/);
  if (words.length > maxWords) return false;
  let capitalised = 0;
  for (const word of words) {
    if (/^[\p{Lu}\p{N}"'“‘(]/u.test(word)) {
      capitalised += 1;
      continue;
    }
    if (NAME_CONNECTORS.has(word.toLowerCase())) continue;
    return false;
  }
  return capitalised > 0;
}

const RELATIVE_TIME =
  /^(.*?)\s*(just now|(?:a|an|one|\d+)\s*(?:sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|weeks?|months?|years?)\s+ago)$/i;
/** Icon labels and field labels that scrapers glue to a relative time ("time21 minutes ago"). */
const TIME_LABELS = /^(?:time|clock|updated|posted|published|last\s+updated?|modified)\s*:?\s*$/i;

/**
 * Reads a relative-time line such as "2 days ago", "time21 minutes ago" or "Yahooa day ago"
 * (an outlet name glued to the time, as aggregator pages render them).
 *
 * @returns null when the line is not such a line; otherwise the outlet named before the time, if
 *   any (a proper-noun phrase, not a label such as "Last update:")
 */
export function readRelativeTimeLine(line: string): { outlet: string | null } | null {
  const text = stripBullet(line);
  if (text.split(/\s+/).length > 8) return null;
  const match = RELATIVE_TIME.exec(text);
  if (!match) return null;
  let prefix = (match[1] ?? "").trim().replace(/[\s•·|,–—-]+$/, "");
  if (!prefix || TIME_LABELS.test(prefix)) return { outlet: null };
  prefix = prefix.replace(/^(?:time|clock)(?=\p{Lu})/u, "");
  return { outlet: isProperNamePhrase(prefix, 5) ? prefix : null };
}

/** Removes a leading list bullet ("• ", "- ", "* ", "· "). */
export function stripBullet(line: string): string {
  return line.replace(/^\s*[•·▪◦‣●■*–-]\s+/, "").trim();
}

/** What a metadata line states; `kind` says which shape matched. */
export interface MetadataLine {
  kind: "author" | "source" | "url" | "date" | "relative-time" | "reading-time" | "counter";
  meta: DocumentMeta;
}

const AUTHOR_LINE = /^(?:author|authors|written by|words by|reporting by|by)\s*:?\s+(.+)$/i;
const SOURCE_LINE = /^(?:source|outlet|publisher|published by|publication)\s*:\s*(.+)$/i;
const URL_LINE = /^(?:(?:url|link|source|canonical|original(?: article)?)\s*:\s*)?<?(https?:\/\/\S+?)>?$/i;
const READING_TIME = /^\d+\s*(?:-\s*\d+\s*)?(?:min(?:ute)?s?|hrs?|hours?)\.?\s+(?:read|listen|watch)$/i;
const COUNTER = /^[\d.,]+\s*[kKmM]?\s+(?:views?|comments?|shares?|likes?|reads?|reactions?|replies)$/i;
/** Words that may surround a date on a dateline ("Updated Aug. 29, 2025, 4:47 p.m. ET"). */
const DATELINE_FILLER = new RegExp(
  [
    `${MONTH}`,
    "\\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday|sday)?\\.?",
    "\\b(?:updated|published|posted|last updated?|modified|first published|date|on|at|and|from|of)\\b:?",
    "\\b\\d{1,2}:\\d{2}(?::\\d{2})?\\s*(?:[ap]\\.?m\\.?)?",
    "\\b\\d{1,2}\\s*[ap]\\.?m\\.?",
    "\\b(?:[ECMP][SD]?T|GMT|UTC|BST|CET|CEST|EET|EEST|IST|AEST|AEDT)\\b",
    "\\d{4}-\\d{2}-\\d{2}(?:T[\\d:.]+(?:Z|[+-]\\d{2}:?\\d{2})?)?",
    "\\d{4}/\\d{1,2}/\\d{1,2}",
    "\\b\\d{1,4}(?:st|nd|rd|th)?\\b",
    "[\\s,.;|•·/()–—-]+",
  ].join("|"),
  "gi",
);

/** A calendar date or a clock time somewhere in the text: what makes a line a dateline. */
const DATE_OR_TIME = new RegExp(
  `${MONTH_FIRST.source}|${DAY_FIRST.source}|${ISO_DATE.source}|${SLASH_DATE.source}|\\b\\d{1,2}:\\d{2}\\b|\\b\\d{1,2}\\s*[ap]\\.?m\\b`,
  "i",
);

/** Calendar words that can follow "By" without being a byline ("By Monday, ..."). */
const CALENDAR_WORD = new RegExp(
  `^(?:${MONTH}|(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|tomorrow|yesterday|now|then|noon|midnight)$`,
  "i",
);

/**
 * Recognises a line that is metadata rather than article text, and reads what it states:
 * - `Author: Sophia Brooks`, `By Jane Doe and John Roe, CNN` (author, and outlet when named)
 * - `Source: Reuters` - only when the value is a short proper name; `Source: Ushakov in an
 *   interview ...` is article text and returns null
 * - a lone URL (`https://...`, `URL: https://...`)
 * - a dateline that is only dates and times (`Aug. 28, 2025 Updated Aug. 29, 2025, 4:47 p.m. ET`);
 *   the first date is the publication date
 * - relative times (`2 days ago`, `Last update: 2 days ago`), reading times (`4 min read`) and
 *   counters (`11 Views`), which state nothing absolute but are metadata all the same
 *
 * @returns null for ordinary text
 */
export function readMetadataLine(line: string): MetadataLine | null {
  const text = stripBullet(line);
  if (!text || text.length > 200) return null;

  const author = AUTHOR_LINE.exec(text);
  if (author?.[1]) {
    const parsed = readByline(author[1]);
    if (parsed) return { kind: "author", meta: parsed };
  }

  const source = SOURCE_LINE.exec(text);
  if (source?.[1]) {
    const value = source[1].trim();
    if (isHttpUrl(value)) return { kind: "url", meta: { url: value } };
    if (isProperNamePhrase(value, 5)) return { kind: "source", meta: { source: value } };
    return null;
  }

  const url = URL_LINE.exec(text);
  if (url?.[1] && isHttpUrl(url[1])) return { kind: "url", meta: { url: url[1] } };

  if (READING_TIME.test(text)) return { kind: "reading-time", meta: {} };
  if (COUNTER.test(text)) return { kind: "counter", meta: {} };

  const relative = readRelativeTimeLine(text);
  if (relative) {
    return { kind: "relative-time", meta: relative.outlet ? { source: relative.outlet } : {} };
  }

  if (text.length <= 90 && DATE_OR_TIME.test(text) && text.replace(DATELINE_FILLER, "") === "") {
    const date = parseDate(text);
    return { kind: "date", meta: date ? { published: date } : {} };
  }
  return null;
}

/**
 * Reads the name part of a byline ("Jane Doe and John Roe, CNN"): names must be capitalised so
 * that "By Monday, the agency ..." or "By holding calls ..." are not taken for bylines.
 */
function readByline(value: string): DocumentMeta | null {
  const [names = "", ...rest] = value.split(/\s*(?:[,|]|\s[–—-]\s)\s*/);
  const cleaned = names.replace(/^(?:by\s+)/i, "").trim();
  if (!cleaned || cleaned.split(/\s+/).length > 10) return null;
  const people = cleaned.split(/\s+(?:and|&)\s+/i);
  if (!people.every((person) => isProperNamePhrase(person, 4) && !CALENDAR_WORD.test(person))) return null;
  const outlet = rest.join(", ").trim();
  // A byline's tail is an outlet or a role ("USA TODAY", "staff writer"), never a clause.
  if (outlet.split(/\s+/).length > 5 || /[.!?]$/.test(outlet)) return null;
  const meta: DocumentMeta = { author: cleaned };
  if (outlet && isProperNamePhrase(outlet, 5)) meta.source = outlet;
  return meta;
}

/** Longest title made from a lead sentence, in characters, before the ellipsis. */
export const MAX_LEAD_TITLE = 90;

/**
 * True for a line shaped like a headline: 2-25 words, at most 200 characters, starting with a
 * capital, digit or quote, and not ending like a sentence (a period, colon, comma or semicolon).
 * Sentence punctuation inside is fine ("Putin didn't budge in Ukraine peace talks. Now Donald
 * Trump may be forced to act"), as are question and exclamation marks, which headlines use.
 */
export function isHeadlineLike(line: string): boolean {
  const text = line.trim();
  if (!text || text.length > 200) return false;
  const words = text.split(/\s+/).length;
  if (words < 2 || words > 25) return false;
  if (!/^[\p{Lu}\p{N}"'“‘]/u.test(text)) return false;
  if (!/\p{Ll}/u.test(text)) return false;
  return !/[.,:;…]["'”’)\]]*$/.test(text);
}

/**
 * Shortens a lead sentence into a title: the whole sentence when it fits in
 * {@link MAX_LEAD_TITLE} characters, otherwise cut at a word boundary with "…".
 */
export function shortenToTitle(sentence: string): string {
  const text = sentence.trim().replace(/\s+/g, " ");
  if (text.length <= MAX_LEAD_TITLE) return text;
  const cut = text.slice(0, MAX_LEAD_TITLE);
  const boundary = cut.lastIndexOf(" ");
  const head = (boundary > 30 ? cut.slice(0, boundary) : cut).replace(/[\s,;:–—-]+$/, "");
  return `${head}…`;
}

/** Folds a line for equality tests between a title and its repetitions in the body. */
export function titleKey(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

/**
 * Chooses the title when the source stated none, and removes it from the body:
 * - the first paragraph when it is headline-shaped ({@link isHeadlineLike}) or repeated within the
 *   next three paragraphs (pages often print the headline twice);
 * - otherwise a shortened first sentence ({@link shortenToTitle}); the lead stays in the body.
 *
 * @returns the title and the paragraphs without the title's repetitions; null title when there is
 *   no text at all
 */
export function pickTitle(paragraphs: readonly string[]): { title: string | null; paragraphs: string[] } {
  const first = paragraphs[0];
  if (first === undefined) return { title: null, paragraphs: [] };
  const key = titleKey(first);
  const repeated = paragraphs.slice(1, 4).some((paragraph) => titleKey(paragraph) === key);
  if ((repeated && first.length <= 250) || (isHeadlineLike(first) && paragraphs.length > 1)) {
    return { title: first.trim(), paragraphs: paragraphs.filter((paragraph) => titleKey(paragraph) !== key) };
  }
  const lead = splitSentences(first)[0] ?? first;
  return { title: shortenToTitle(lead), paragraphs: [...paragraphs] };
}
