/** One article as the corpus stage hands it to indexing: cleaned text plus metadata. */
export interface Article {
  /** Stable id: derived from the corpus file and the article's place in it (not its content). */
  docId: string;
  /** Headline, or a shortened lead sentence when the page has no headline. */
  title: string;
  /** Outlet ("The Hill", "Yahoo"), or null when nothing states it. */
  source: string | null;
  author: string | null;
  /** ISO date `YYYY-MM-DD` when the text or record states one, else null. */
  published: string | null;
  url: string | null;
  /** Corpus file path relative to the corpus dir, with forward slashes. */
  file: string;
  /** Position of this article inside its file (0 for single-article files, row order for jsonl). */
  part: number;
  /** Cleaned body text: paragraphs separated by a blank line. Does not repeat the title. */
  text: string;
}

/** A problem with one input that was skipped rather than aborting the run. */
export interface CorpusWarning {
  file: string;
  /** 1-based line number for line-oriented inputs (jsonl). */
  line?: number;
  message: string;
}

/** What parsing one corpus file yields. */
export interface ParsedFile {
  articles: Article[];
  warnings: CorpusWarning[];
}
