/**
 * Readers for article records in JSON (an array of records, or one record) and JSON Lines (one
 * record per line). Field names vary between datasets and scrapers, so each metadata field accepts
 * a few common spellings; the benchmark corpora's rows (`{id, url, title, authors, published,
 * text}` and `{title, author, source, published_at, category, url, body}`) load as they are.
 */

import { fillMeta, type RawDocument } from "./document.js";
import { parseDate } from "./metadata.js";
import type { CorpusWarning } from "./types.js";

/** One record found in a file, with where it was found. */
export interface RecordEntry {
  /** 0-based position among the file's records (blank jsonl lines excluded, malformed ones counted). */
  row: number;
  /** 1-based line for jsonl records. */
  line?: number;
  record: Record<string, unknown>;
}

/** Records read from one file, and the problems met on the way. */
export interface RecordParse {
  entries: RecordEntry[];
  warnings: CorpusWarning[];
}

/** Fields that hold the article text, in order of preference. */
const TEXT_FIELDS = ["text", "body", "content", "article", "maintext"] as const;
/** Wrapper fields under which some exports nest their record arrays. */
const LIST_FIELDS = ["articles", "records", "documents", "docs", "items", "data", "results"] as const;

/**
 * Parses a `.json` file: an array of records, a single record object, or an object wrapping an
 * array under a common key (`articles`, `data`, ...). A file that is not valid JSON but whose lines
 * are JSON objects is read as JSON Lines, with a warning, since that is the usual mix-up.
 */
export function parseJsonRecords(text: string, file: string): RecordParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const firstLines = text.trimStart().split(/\r?\n/, 3);
    if (firstLines.length > 1 && firstLines.every((line) => line.trim().startsWith("{"))) {
      const parsed = parseJsonLines(text, file);
      parsed.warnings.unshift({ file, message: "not a JSON document; read as JSON Lines" });
      return parsed;
    }
    return { entries: [], warnings: [{ file, message: `malformed JSON: ${errorMessage(error)}` }] };
  }

  const warnings: CorpusWarning[] = [];
  let list: unknown[];
  if (Array.isArray(value)) {
    list = value;
  } else if (isObject(value) && !TEXT_FIELDS.some((field) => field in value)) {
    const wrapped = LIST_FIELDS.map((field) => value[field]).find(Array.isArray);
    if (!wrapped) {
      return {
        entries: [],
        warnings: [{ file, message: "JSON object has no article text field and no list of records" }],
      };
    }
    list = wrapped;
  } else {
    list = [value];
  }

  const entries: RecordEntry[] = [];
  list.forEach((item, row) => {
    if (isObject(item)) entries.push({ row, record: item });
    else warnings.push({ file, message: `record ${row} is not an object; skipped` });
  });
  return { entries, warnings };
}

/**
 * Parses a `.jsonl` file line by line. A malformed line costs a warning naming its 1-based line
 * number; the other lines still load.
 */
export function parseJsonLines(text: string, file: string): RecordParse {
  const entries: RecordEntry[] = [];
  const warnings: CorpusWarning[] = [];
  const lines = text.split("\n");
  let row = 0;
  for (let i = 0; i < lines.length; i += 1) {
    const line = (lines[i] ?? "").trim();
    if (!line) continue;
    const lineNumber = i + 1;
    const currentRow = row;
    row += 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      warnings.push({ file, line: lineNumber, message: `malformed JSON line: ${errorMessage(error)}` });
      continue;
    }
    if (!isObject(value)) {
      warnings.push({ file, line: lineNumber, message: "JSON line is not an object; skipped" });
      continue;
    }
    entries.push({ row: currentRow, line: lineNumber, record: value });
  }
  return { entries, warnings };
}

/** The key a record's docId is derived from: its `id` field, else its row number. */
export function recordKey(entry: RecordEntry): string {
  const id = entry.record.id ?? entry.record._id;
  if (typeof id === "string" && id.trim()) return id.trim();
  if (typeof id === "number" && Number.isFinite(id)) return String(id);
  return String(entry.row);
}

/**
 * Turns a record into a raw document.
 *
 * Fields: title; text | body | content; url | link; published | published_at | date (kept as
 * `YYYY-MM-DD`); source | outlet | site (a string, or an object with a `name`); authors (array) |
 * author (string).
 *
 * @returns null when the record has no text
 */
export function readRecord(record: Record<string, unknown>): RawDocument | null {
  let text = "";
  for (const field of TEXT_FIELDS) {
    const value = record[field];
    if (typeof value === "string" && value.trim()) {
      text = value;
      break;
    }
    if (Array.isArray(value) && value.every((part) => typeof part === "string") && value.length > 0) {
      text = value.join("\n\n");
      break;
    }
  }
  if (!text.trim()) return null;

  const meta = fillMeta(
    {},
    {
      title: firstString(record, ["title", "headline"]),
      url: firstString(record, ["url", "link", "canonical_url"]),
      source:
        firstString(record, ["source", "outlet", "site", "publisher", "source_name"]) ?? nestedName(record.source),
      author: authorsOf(record),
    },
  );
  const date = firstString(record, ["published", "published_at", "publishedAt", "date", "pubDate", "datePublished"]);
  if (date) fillMeta(meta, { published: parseDate(date) });
  return { lines: text.split(/\r\n|\r|\n/), meta };
}

function authorsOf(record: Record<string, unknown>): string | null {
  const authors = record.authors;
  if (Array.isArray(authors)) {
    const names = authors
      .map((author) => (typeof author === "string" ? author : nestedName(author)))
      .filter((name): name is string => Boolean(name?.trim()))
      .map((name) => name.trim());
    if (names.length > 0) return names.join(", ");
  }
  if (typeof authors === "string" && authors.trim()) return authors;
  return firstString(record, ["author", "byline"]) ?? nestedName(record.author);
}

function firstString(record: Record<string, unknown>, fields: readonly string[]): string | null {
  for (const field of fields) {
    const value = record[field];
    if (typeof value === "string" && value.trim()) return value.trim();
  }
  return null;
}

function nestedName(value: unknown): string | null {
  if (isObject(value) && typeof value.name === "string" && value.name.trim()) return value.name.trim();
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
