/**
 * Entry point of the corpus stage for one file: bytes in, articles and warnings out. Dispatches by
 * extension to the format readers, then splits multi-article pages and builds each article.
 */

import { buildArticle } from "./article.js";
import { decodeText } from "./decode.js";
import type { DocumentMeta, RawDocument } from "./document.js";
import { isSupportedFile } from "./files.js";
import { readHtml } from "./html.js";
import { parseJsonLines, parseJsonRecords, type RecordParse, readRecord, recordKey } from "./records.js";
import { splitArticles } from "./split.js";
import { readMarkdown, readPlainText } from "./text.js";
import type { Article, CorpusWarning, ParsedFile } from "./types.js";

/**
 * Parses one corpus file into articles.
 *
 * Synchronous and total: it never throws for bad input. Empty files, binary files, malformed JSON,
 * malformed JSON lines, records without text and unsupported extensions each produce a
 * {@link CorpusWarning} naming the file (and the 1-based line for jsonl), and whatever else the
 * file holds is still processed.
 *
 * @param file - path relative to the corpus dir, with forward slashes (it is part of every docId)
 * @param content - the file's bytes
 */
export function parseCorpusFile(file: string, content: Buffer): ParsedFile {
  const warnings: CorpusWarning[] = [];
  if (!isSupportedFile(file)) {
    return { articles: [], warnings: [{ file, message: "unsupported file type; skipped" }] };
  }
  const decoded = decodeText(content);
  if (!decoded.ok) return { articles: [], warnings: [{ file, message: decoded.reason }] };
  if (decoded.note) warnings.push({ file, message: decoded.note });

  const extension = file.slice(file.lastIndexOf(".")).toLowerCase();
  let articles: Article[] = [];
  try {
    switch (extension) {
      case ".json":
        articles = articlesFromRecords(file, parseJsonRecords(decoded.text, file), warnings);
        break;
      case ".jsonl":
        articles = articlesFromRecords(file, parseJsonLines(decoded.text, file), warnings);
        break;
      case ".html":
      case ".htm":
        articles = articlesFromPage(file, readHtml(decoded.text), warnings);
        break;
      case ".md":
      case ".markdown":
        articles = articlesFromPage(file, readMarkdown(decoded.text), warnings);
        break;
      default:
        articles = articlesFromPage(file, readPlainText(decoded.text), warnings);
    }
  } catch (error) {
    // A reader bug must not abort a whole ingestion run; report it against the file.
    warnings.push({ file, message: `could not parse: ${error instanceof Error ? error.message : String(error)}` });
  }
  if (articles.length === 0 && !warnings.some((warning) => warning.line === undefined)) {
    warnings.push({ file, message: "no article text found" });
  }
  return { articles, warnings };
}

/** A page (txt, md, html) may hold several articles; the page's own metadata belongs to the first. */
function articlesFromPage(file: string, doc: RawDocument, warnings: CorpusWarning[]): Article[] {
  const articles: Article[] = [];
  const segments = splitArticles(doc.lines);
  segments.forEach((segment, index) => {
    const header: DocumentMeta = {};
    if (segment.title) header.title = segment.title;
    if (segment.source) header.source = segment.source;
    const layers = index === 0 ? [header, doc.meta] : [header];
    const article = buildArticle({
      file,
      part: articles.length,
      key: articles.length,
      lines: segment.lines,
      meta: layers,
    });
    if (article) articles.push(article);
    else if (segments.length > 1)
      warnings.push({ file, message: `article ${index + 1} of the page has no text after cleaning` });
  });
  return articles;
}

function articlesFromRecords(file: string, parsed: RecordParse, fileWarnings: CorpusWarning[]): Article[] {
  const warnings = [...parsed.warnings];
  const articles: Article[] = [];
  const seenKeys = new Set<string>();
  for (const entry of parsed.entries) {
    const where = (message: string): CorpusWarning =>
      entry.line === undefined
        ? { file, message: `record ${entry.row}: ${message}` }
        : { file, line: entry.line, message };
    const doc = readRecord(entry.record);
    if (!doc) {
      warnings.push(where("record has no text (expected text, body or content); skipped"));
      continue;
    }
    let key = recordKey(entry);
    if (seenKeys.has(key)) {
      // Two records with one id would share a docId; keep both, told apart by row.
      warnings.push(where(`duplicate id "${key}"; its docId uses the row number too`));
      key = `${key}@${entry.row}`;
    }
    seenKeys.add(key);
    const article = buildArticle({ file, part: entry.row, key, lines: doc.lines, meta: [doc.meta] });
    if (article) articles.push(article);
    else warnings.push(where("record has no text after cleaning; skipped"));
  }
  // Report in file order: syntax problems and record problems interleave by line.
  fileWarnings.push(...warnings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  return articles;
}
