/**
 * Readers for plain text and Markdown files. Both may start with YAML-style front matter; Markdown
 * syntax is stripped lightly (headings, emphasis, links, images, code fences) because the index and
 * the answer citations want the words, not the markup.
 */
import { type DocumentMeta, fillMeta, type RawDocument } from "./document.js";
import { parseDate } from "./metadata.js";

/** Front matter keys read, by the metadata field they fill. */
const FRONT_MATTER_KEYS: Record<string, keyof DocumentMeta> = {
  title: "title",
  headline: "title",
  date: "published",
  published: "published",
  published_at: "published",
  author: "author",
  authors: "author",
  source: "source",
  outlet: "source",
  site: "source",
  url: "url",
  link: "url",
  canonical: "url",
};

/**
 * Splits leading front matter (`---` ... `---` with `key: value` lines) from the body.
 * Only flat scalar keys (and one-line `[a, b]` lists for authors) are read: a full YAML parser
 * would be a dependency for five fields.
 */
export function parseFrontMatter(text: string): { meta: DocumentMeta; body: string } {
  const match = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) return { meta: {}, body: text };
  const block = match[1] ?? "";
  const entries = block.split(/\r?\n/).filter((line) => line.trim() && !line.trim().startsWith("#"));
  // Not front matter unless every line is `key: value` (or a list item under one).
  if (!entries.every((line) => /^[A-Za-z_][\w-]*\s*:/.test(line) || /^\s+-\s/.test(line) || /^\s/.test(line))) {
    return { meta: {}, body: text };
  }
  const meta: DocumentMeta = {};
  for (const line of entries) {
    const kv = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!kv) continue;
    const field = FRONT_MATTER_KEYS[(kv[1] ?? "").toLowerCase()];
    if (!field) continue;
    let value = unquote((kv[2] ?? "").trim());
    if (value.startsWith("[") && value.endsWith("]")) {
      value = value
        .slice(1, -1)
        .split(",")
        .map((part) => unquote(part.trim()))
        .filter(Boolean)
        .join(", ");
    }
    if (field === "published") value = parseDate(value) ?? "";
    fillMeta(meta, { [field]: value });
  }
  return { meta, body: text.slice(match[0].length) };
}

function unquote(value: string): string {
  const match = /^(["'])(.*)\1$/.exec(value);
  return match ? (match[2] ?? "") : value;
}

/** Reads a plain-text article: optional front matter, then lines (hard-wrapped prose is rejoined). */
export function readPlainText(text: string): RawDocument {
  const { meta, body } = parseFrontMatter(text);
  return { lines: unwrapHardWrapped(body.split(/\r\n|\r|\n/)), meta };
}

/**
 * Reads a Markdown article: front matter, then a leading `# Title` as the title, then the body with
 * Markdown syntax stripped (see {@link stripMarkdownLine}).
 */
export function readMarkdown(text: string): RawDocument {
  const { meta, body } = parseFrontMatter(text);
  const out: string[] = [];
  let inFence = false;
  let seenText = false;
  const raw = body.split(/\r\n|\r|\n/);
  for (let i = 0; i < raw.length; i += 1) {
    const line = raw[i] ?? "";
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      out.push("");
      continue;
    }
    if (inFence) {
      out.push(line);
      continue;
    }
    // Setext heading underline ("Title\n=====") and thematic breaks are layout, not words.
    if (/^\s*(=+|-+|\*{3,}|_{3,}|(\* ?){3,}|(- ?){3,})\s*$/.test(line)) {
      out.push("");
      continue;
    }
    if (/^\s*\[[^\]]+\]:\s*\S+/.test(line)) continue; // reference-style link definition
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const headingText = stripMarkdownLine(heading[2] ?? "");
      if (!seenText && heading[1] === "#" && !meta.title) {
        fillMeta(meta, { title: headingText });
      } else {
        out.push("", headingText, "");
      }
      seenText = true;
      continue;
    }
    const stripped = stripMarkdownLine(line);
    if (stripped.trim()) seenText = true;
    out.push(stripped);
  }
  return { lines: unwrapHardWrapped(out), meta };
}

/**
 * Strips inline Markdown from one line: images, links (`[text](url)` -> text), emphasis, inline
 * code, strikethrough, blockquote and list markers, and a few inline HTML tags.
 */
export function stripMarkdownLine(line: string): string {
  return line
    .replace(/^\s{0,3}>\s?/, "")
    .replace(/^\s*(?:[-*+]|\d{1,3}[.)])\s+(?=\S)/, (marker) => (/\d/.test(marker) ? marker.trimStart() : ""))
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1")
    .replace(/<\/?(?:br|p|div|span|em|strong|b|i|u|a|img|sup|sub|small|mark)\b[^>]*>/gi, "")
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, "$2")
    .replace(/(^|[^\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])/g, "$1$2")
    .replace(/(^|[^\w])_(?=\S)([^_]+?)(?<=\S)_(?!\w)/g, "$1$2")
    .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, "$1")
    .replace(/`([^`]+)`/g, "$1");
}

/**
 * Rejoins prose that was hard-wrapped at a fixed width (e-mail and terminal exports), so that a
 * paragraph is one line like everywhere else. Applied only when the text looks wrapped: no line
 * longer than 120 characters, most lines 50-100 characters long, blank lines between paragraphs,
 * and many lines breaking mid-sentence. A line is joined to the previous one only when the previous
 * line ran close to the wrap width (a short line ends its paragraph) and is not a list item.
 */
export function unwrapHardWrapped(lines: string[]): string[] {
  const nonEmpty = lines.map((line) => line.trim()).filter(Boolean);
  if (nonEmpty.length < 6 || nonEmpty.some((line) => line.length > 120)) return lines;
  const atWidth = nonEmpty.filter((line) => line.length >= 50 && line.length <= 100).length;
  if (atWidth < nonEmpty.length / 2) return lines;
  let continued = 0;
  let blocksOfThree = 0;
  let run = 0;
  for (let i = 0; i < lines.length; i += 1) {
    const text = (lines[i] ?? "").trim();
    const next = (lines[i + 1] ?? "").trim();
    run = text ? run + 1 : 0;
    if (run === 3) blocksOfThree += 1;
    if (text && next && !/[.!?:"”’)]$/.test(text)) continued += 1;
  }
  if (blocksOfThree === 0 || continued < nonEmpty.length * 0.3) return lines;

  const out: string[] = [];
  let current = "";
  let lastLength = 0;
  for (const line of lines) {
    const text = line.trim();
    if (!text) {
      if (current) out.push(current);
      out.push("");
      current = "";
      continue;
    }
    if (current && lastLength >= 45 && !/^(?:[-*•]|\d{1,3}[.)])\s/.test(text)) {
      current = `${current} ${text}`;
    } else {
      if (current) out.push(current);
      current = text;
    }
    lastLength = text.length;
  }
  if (current) out.push(current);
  return out;
}
