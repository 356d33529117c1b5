import type { RetrievedChunk } from "../retrieval/hybrid.js";

/** One cited source, numbered in order of first use in the answer text. */
export interface Citation {
  n: number;
  docId: string;
  title: string;
  source: string | null;
  published: string | null;
  url: string | null;
  /** Corpus file path relative to the corpus dir. */
  file: string;
  /** The first sentence of this source that the answer cites. */
  quote: string;
  /** Every sentence of this source that the answer cites, in answer order. */
  quotes: string[];
  /** The chunks the quotes came from. */
  chunkIds: string[];
}

/** The article fields a citation carries. */
export type CitedArticle = Pick<Citation, "docId" | "title" | "source" | "published" | "url" | "file">;

/** A new citation numbered `n` of an article, first quoting `quote`. */
export function newCitation(n: number, article: CitedArticle, quote: string, chunkIds: string[] = []): Citation {
  const { docId, title, source, published, url, file } = article;
  return { n, docId, title, source, published, url, file, quote, quotes: [], chunkIds };
}

/** A grounded answer: text with [n] markers and the sources those markers name. */
export interface Answer {
  question: string;
  /** False when the corpus does not hold the answer; then `citations` is empty. */
  answered: boolean;
  answer: string;
  citations: Citation[];
  /** A short remark for the reader, e.g. that a date filter found nothing and was widened. */
  note: string | null;
  /** The date range taken from time words in the question, if any. */
  timeFilter: { from: string | null; to: string | null; phrase: string } | null;
  /** The chunks retrieval returned, best first (for benchmarks and "show quotes"). */
  retrieved: RetrievedChunk[];
}

/** The plain refusal used whenever the corpus does not cover a question. */
export const NOT_COVERED = "The articles I have don't cover that.";

/** The JSON shape of an answer in the command-line contract (no internals). */
export function answerToJson(answer: Answer): {
  question: string;
  answered: boolean;
  answer: string;
  citations: Omit<Citation, "quotes" | "chunkIds">[];
  note: string | null;
} {
  return {
    question: answer.question,
    answered: answer.answered,
    answer: answer.answer,
    citations: answer.citations.map(({ n, docId, title, source, published, url, file, quote }) => ({
      n,
      docId,
      title,
      source,
      published,
      url,
      file,
      quote,
    })),
    note: answer.note,
  };
}
