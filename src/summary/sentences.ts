import { type Citation, newCitation } from "../answer/types.js";
import type { IndexedArticle } from "../index/records.js";
import { splitSentences } from "../text/sentences.js";
import { contentTerms } from "../text/tokens.js";

/** A sentence of an article that can stand on its own in a summary. */
export interface SourceSentence {
  article: IndexedArticle;
  text: string;
  /** 0-based position in the article. */
  position: number;
  terms: Set<string>;
}

/** Lines of site furniture that can survive cleaning inside an article's text. */
const FURNITURE =
  /©|\b(subscribe|sign up|click here|read more|share this|follow us|newsletter|cookies?)\b|https?:\/\//i;

/**
 * The article's usable sentences: complete (closing punctuation), 6 to 60 words, not furniture.
 * The title counts as position -1 only for {@link articleSentences}' callers that want it; here
 * only body sentences are returned.
 */
export function articleSentences(article: IndexedArticle): SourceSentence[] {
  const sentences: SourceSentence[] = [];
  splitSentences(article.text).forEach((text, position) => {
    const words = text.split(/\s+/).length;
    // Complete sentences only: a closing "…" marks text the site cut short.
    if (words < 6 || words > 60 || !/[.!?]["'”’)\]]*$/.test(text) || FURNITURE.test(text)) return;
    if (!/^[\p{Lu}\p{N}"“‘'(]/u.test(text)) return;
    sentences.push({ article, text, position, terms: new Set(contentTerms(text)) });
  });
  return sentences;
}

/**
 * True when two sentences say the same thing: half their content words shared, or 30% when that
 * is at least ten words (two outlets' long lead sentences on one event rarely share more).
 */
export function restates(a: Set<string>, b: Set<string>): boolean {
  if (a.size === 0 || b.size === 0) return false;
  const left = roots(a);
  const right = roots(b);
  let shared = 0;
  for (const term of left) if (right.has(term)) shared += 1;
  const jaccard = shared / (left.size + right.size - shared);
  return jaccard >= 0.5 || (jaccard >= 0.3 && shared >= 10) || shared / Math.min(left.size, right.size) >= 0.8;
}

/** Terms cut to 7 characters, so outlets' spellings of one name meet ("Zelensky", "Zelenskyy"). */
function roots(terms: Set<string>): Set<string> {
  return new Set([...terms].map((term) => term.slice(0, 7)));
}

export function overlap(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const term of a) if (b.has(term)) shared += 1;
  return shared / (a.size + b.size - shared);
}

/** Numbers citations in order of first use, one per article. */
export class CitationList {
  readonly citations: Citation[] = [];

  cite(article: IndexedArticle, quote: string): number {
    let citation = this.citations.find((existing) => existing.docId === article.docId);
    if (!citation) {
      citation = newCitation(this.citations.length + 1, article, quote);
      this.citations.push(citation);
    }
    if (!citation.quotes.includes(quote)) citation.quotes.push(quote);
    return citation.n;
  }
}

/** How an article is named in prose: its outlet, else its title in quotes. */
export function nameOf(article: IndexedArticle): string {
  return article.source ?? `“${article.title.length > 60 ? `${article.title.slice(0, 57)}…` : article.title}”`;
}

/**
 * Writes chosen sentences with their markers. A sentence restated in another article (of the
 * pool) is said once, citing every article that says it, with "also reported by ...".
 */
export function writeCited(
  chosen: readonly SourceSentence[],
  pool: readonly SourceSentence[],
  citations: CitationList,
): string[] {
  return chosen.map((sentence) => {
    const markers = [citations.cite(sentence.article, sentence.text)];
    const others: IndexedArticle[] = [];
    for (const other of pool) {
      if (other.article.docId === sentence.article.docId) continue;
      if (others.some((article) => article.docId === other.article.docId)) continue;
      if (!restates(sentence.terms, other.terms)) continue;
      others.push(other.article);
      const n = citations.cite(other.article, other.text);
      if (!markers.includes(n)) markers.push(n);
    }
    const also = others.length > 0 ? ` (also reported by ${others.map(nameOf).join(", ")})` : "";
    return `${sentence.text} ${markers.map((n) => `[${n}]`).join("")}${also}`;
  });
}
