import { UserError } from "../errors.js";
import type { NewsIndex } from "../index/open.js";
import { type RetrievalFilter, type RetrievalOptions, type RetrievedChunk, retrieve } from "../retrieval/hybrid.js";
import { describeTimeFilter, parseTimeExpression, type TimeFilter } from "../retrieval/time-expressions.js";
import { DEFAULT_EXTRACTIVE, type ExtractiveOptions, extractiveAnswer } from "./extractive.js";
import { type Answer, NOT_COVERED } from "./types.js";

/** Longest question accepted, in characters (Discord's own message limit is 2000 too). */
export const MAX_QUESTION_LENGTH = 2000;

export interface AskOptions {
  /** Chunks retrieved for the answer. */
  topK: number;
  /** "Today" for time words such as "yesterday" or "last week" (YYYY-MM-DD). */
  referenceDate: string;
  extractive?: ExtractiveOptions;
  /** Extra narrowing chosen by the caller (an outlet, a date range), on top of time words. */
  filter?: RetrievalFilter;
  /** Retrieval tuning (fusion weight, candidates, per-article cap); the defaults are measured. */
  retrieval?: Pick<RetrievalOptions, "candidates" | "maxPerDocument" | "keywordWeight">;
  /** Turn time words into a date filter (default true). */
  timeWords?: boolean;
}

/** Trims a question and rejects empty or over-long ones with a message a user can act on. */
export function validateQuestion(question: string): string {
  const trimmed = question.replace(/\s+/g, " ").trim();
  if (!trimmed) throw new UserError("Please ask a question: the question was empty.");
  if (trimmed.length > MAX_QUESTION_LENGTH) {
    throw new UserError(
      `That question is ${trimmed.length} characters long; the limit is ${MAX_QUESTION_LENGTH}. Please shorten it.`,
    );
  }
  return trimmed;
}

/** What retrieval found for a question, before an answer is composed from it. */
export interface QuestionRetrieval {
  question: string;
  /** The question without its time words: what was searched for. */
  query: string;
  time: TimeFilter | null;
  retrieved: RetrievedChunk[];
  note: string | null;
}

/**
 * Time words in the question become a date preference; hybrid retrieval runs on the rest. When
 * no retrieved article is from that period (an undated corpus, a quiet week), the note says so.
 */
export async function retrieveForQuestion(
  index: NewsIndex,
  rawQuestion: string,
  options: Pick<AskOptions, "topK" | "referenceDate" | "filter" | "retrieval" | "timeWords">,
): Promise<QuestionRetrieval> {
  const question = validateQuestion(rawQuestion);
  const time = options.timeWords === false ? null : parseTimeExpression(question, options.referenceDate);
  const query = time?.remainder.trim() ? time.remainder : question;
  // Time words prefer rather than exclude: scraped news dates are often off by a day or two and
  // "this week" rarely means a calendar week. Measured on RealTime QA dev (bench:tune): hard
  // filtering cost 5 points of recall@5. Explicit filters (options.filter) stay hard.
  const retrieved = await retrieve(index, query, {
    ...options.retrieval,
    k: options.topK,
    ...(options.filter ? { filter: options.filter } : {}),
    ...(time ? { prefer: { from: time.from, to: time.to } } : {}),
  });
  const inRange = time
    ? retrieved.filter((chunk) => {
        const published = chunk.document.metadata.published;
        return published !== null && (!time.from || published >= time.from) && (!time.to || published <= time.to);
      }).length
    : 0;
  const note =
    time && retrieved.length > 0 && inRange === 0
      ? `None of the matching articles is dated ${describeTimeFilter(time)}; these are the closest from other dates.`
      : null;
  return { question, query, time, retrieved, note };
}

/** Composes the cited extractive answer (or the refusal) from what retrieval found. */
export function answerFromRetrieval(
  index: NewsIndex,
  found: QuestionRetrieval,
  extractive: ExtractiveOptions = DEFAULT_EXTRACTIVE,
): Answer {
  const result = extractiveAnswer(found.query, found.retrieved, (term) => index.keyword.idf(term), extractive);
  return {
    question: found.question,
    answered: result.answered,
    answer: result.answered ? result.answer : NOT_COVERED,
    citations: result.citations,
    note: found.note,
    timeFilter: found.time ? { from: found.time.from, to: found.time.to, phrase: found.time.phrase } : null,
    retrieved: found.retrieved,
  };
}

/**
 * Answers a question from the index: time words become a date filter, hybrid retrieval finds
 * the chunks, and the extractive answerer composes a cited answer or says the corpus does not
 * cover the question.
 */
export async function ask(index: NewsIndex, question: string, options: AskOptions): Promise<Answer> {
  const found = await retrieveForQuestion(index, question, options);
  return answerFromRetrieval(index, found, { ...DEFAULT_EXTRACTIVE, ...options.extractive });
}
