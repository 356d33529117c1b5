/**
 * Splits aggregator pages that carry several articles into one segment per article.
 *
 * Aggregators and "related articles" widgets print each article behind a header block: the
 * headline, the same headline again, the outlet and a relative time ("Yahooa day ago",
 * "time21 minutes ago", "• The Hill"), sometimes the headline a third time. A headline that is
 * repeated *and* followed by an outlet/time line is that block's signature; a subheading inside an
 * ordinary article is neither repeated nor followed by a time, so it never causes a split.
 */
import { normalizeLine } from "./clean.js";
import {
  isHeadlineLike,
  isProperNamePhrase,
  readMetadataLine,
  readRelativeTimeLine,
  stripBullet,
  titleKey,
} from "./metadata.js";

/** One article's share of a page. */
export interface Segment {
  /** Headline from the segment's header block, when it had one. */
  title?: string;
  /** Outlet from the header block ("Yahoo", "The Hill"), when it named one. */
  source?: string;
  /** The segment's body lines (header block excluded). */
  lines: string[];
}

/** How far after a headline (in non-empty lines) its repetition may appear. */
const REPEAT_WINDOW = 3;
/** Longest header block considered, in non-empty lines. */
const MAX_HEADER_LINES = 8;

interface Header {
  /** Index (into the original lines) of the headline. */
  start: number;
  /** Index of the first line after the header block. */
  end: number;
  title: string;
  source: string | null;
}

/**
 * Splits a page's lines into articles.
 *
 * Without header blocks the whole page is one segment. With them, every header starts a segment
 * titled with its headline and attributed to its outlet; text before the first header becomes a
 * segment of its own only if it contains prose (otherwise it is page chrome such as a logo).
 * Headers followed by no body (a bare list of related headlines) yield no segment.
 */
export function splitArticles(lines: readonly string[]): Segment[] {
  const headers = findHeaders(lines);
  if (headers.length === 0) return [{ lines: [...lines] }];

  const segments: Segment[] = [];
  const first = headers[0];
  if (first && first.start > 0) {
    const preamble = lines.slice(0, first.start);
    if (preamble.some((line) => isProseLine(line))) segments.push({ lines: preamble });
  }
  headers.forEach((header, index) => {
    const stop = headers[index + 1]?.start ?? lines.length;
    const body = lines.slice(header.end, stop);
    if (!body.some((line) => normalizeLine(line))) return;
    const segment: Segment = { title: header.title, lines: body };
    if (header.source) segment.source = header.source;
    segments.push(segment);
  });
  return segments.length > 0 ? segments : [{ lines: [...lines] }];
}

function isProseLine(line: string): boolean {
  const text = normalizeLine(line);
  const words = text ? text.split(/\s+/).length : 0;
  return words >= 15 || (words >= 5 && /[.!?…]["'”’)\]]*$/.test(text));
}

/** Finds header blocks: a headline repeated within a few lines and followed by an outlet/time line. */
function findHeaders(lines: readonly string[]): Header[] {
  const nonEmpty: Array<{ index: number; text: string }> = [];
  lines.forEach((line, index) => {
    const text = normalizeLine(line);
    if (text) nonEmpty.push({ index, text });
  });

  const headers: Header[] = [];
  let k = 0;
  while (k < nonEmpty.length) {
    const header = readHeaderAt(nonEmpty, k);
    if (header) {
      headers.push(header.header);
      k = header.next;
    } else {
      k += 1;
    }
  }
  return headers;
}

function readHeaderAt(
  nonEmpty: ReadonlyArray<{ index: number; text: string }>,
  k: number,
): { header: Header; next: number } | null {
  const headline = nonEmpty[k];
  if (!headline || !isHeadlineLike(headline.text)) return null;
  const key = titleKey(headline.text);

  let repeatedAt = -1;
  let hasTime = false;
  let bulletOutlet: string | null = null;
  let bareOutlet: string | null = null;
  let timeOutlet: string | null = null;
  let j = k + 1;
  for (; j < nonEmpty.length && j <= k + MAX_HEADER_LINES; j += 1) {
    const text = nonEmpty[j]?.text ?? "";
    if (titleKey(text) === key) {
      if (repeatedAt < 0) repeatedAt = j - k;
      continue;
    }
    const relative = readRelativeTimeLine(text);
    if (relative) {
      hasTime = true;
      timeOutlet ??= relative.outlet;
      continue;
    }
    const metadata = readMetadataLine(text);
    if (metadata?.kind === "date") {
      hasTime = true;
      continue;
    }
    const bare = stripBullet(text);
    if (text.split(/\s+/).length <= 4 && isProperNamePhrase(bare, 4) && !/[.!?]$/.test(bare)) {
      if (bare !== text) bulletOutlet ??= bare;
      else bareOutlet ??= bare;
      continue;
    }
    break;
  }
  if (repeatedAt < 1 || repeatedAt > REPEAT_WINDOW || !hasTime) return null;
  const end = nonEmpty[j]?.index ?? (nonEmpty[nonEmpty.length - 1]?.index ?? 0) + 1;
  return {
    header: {
      start: headline.index,
      end,
      title: headline.text,
      source: bulletOutlet ?? bareOutlet ?? timeOutlet,
    },
    next: j,
  };
}
