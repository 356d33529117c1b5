/**
 * Assembles one Article from a segment of text and the metadata its sources stated: the last step
 * shared by every format, so that cleaning, title choice and outlet fallback behave identically for
 * text files, HTML pages and JSON records.
 */

import { cleanLines } from "./clean.js";
import { type DocumentMeta, fillMeta } from "./document.js";
import { makeDocId } from "./ids.js";
import { outletFromUrl, pickTitle } from "./metadata.js";
import type { Article } from "./types.js";

/** Inputs of {@link buildArticle}. */
export interface ArticleInput {
  /** Corpus-relative path with forward slashes. */
  file: string;
  /** Position in the file (part index, or record row). */
  part: number;
  /** Key the docId is derived from (part index, or record id / row). */
  key: string | number;
  /** The article's raw lines. */
  lines: readonly string[];
  /**
   * Stated metadata, most trusted first (e.g. the split header, then the format's own fields).
   * Lines of the text itself ("Author: ...", datelines) are consulted after all of these.
   */
  meta: readonly DocumentMeta[];
}

/**
 * Cleans the lines and fills the Article's fields:
 * - title: the first stated title, else the headline or shortened lead of the cleaned text;
 * - source: stated outlet, else one read from the text, else the URL's outlet, else null;
 * - author, published, url: stated, else read from the text, else null.
 *
 * @returns null when nothing of the text survives cleaning
 */
export function buildArticle(input: ArticleInput): Article | null {
  const stated: DocumentMeta = {};
  for (const layer of input.meta) fillMeta(stated, layer);

  const cleaned = cleanLines(input.lines, { title: stated.title ?? null });
  const found = fillMeta({ ...stated }, cleaned.meta);
  let paragraphs = cleaned.paragraphs;
  let title = stated.title ?? null;
  if (!title) {
    const picked = pickTitle(paragraphs);
    title = picked.title;
    paragraphs = picked.paragraphs;
  }
  const text = paragraphs.join("\n\n");
  if (!text || !title) return null;

  const url = found.url ?? null;
  return {
    docId: makeDocId(input.file, input.key),
    title,
    source: found.source ?? outletFromUrl(url),
    author: found.author ?? null,
    published: found.published ?? null,
    url,
    file: input.file,
    part: input.part,
    text,
  };
}
