import { UserError } from "../errors.js";
import type { NewsIndex } from "../index/open.js";
import { type RetrievalFilter, type RetrievedChunk, retrieve } from "../retrieval/hybrid.js";
import { describeTimeFilter, parseTimeExpression } from "../retrieval/time-expressions.js";
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

/**
 * Answers a question from the index: time words become a date filter, hybrid retrieval finds
 * the chunks, and the extractive answerer composes a cited answer or says the corpus does not
 * cover the question.
 */
export async function ask(index: NewsIndex, rawQuestion: string, options: AskOptions): Promise<Answer> {
  const question = validateQuestion(rawQuestion);
  const time = parseTimeExpression(question, options.referenceDate);
  const query = time && time.remainder.trim() ? time.remainder : question;
  let note: string | null = null;

  let retrieved: RetrievedChunk[] = [];
  if (time) {
    retrieved = await retrieve(index, query, {
      k: options.topK,
      filter: { ...options.filter, from: time.from, to: time.to },
    });
    if (retrieved.length === 0) {
      note = `No dated articles ${describeTimeFilter(time)} matched, so I searched all dates.`;
    }
  }
  if (!time || retrieved.length === 0) {
    retrieved = await retrieve(index, query, { k: options.topK, ...(options.filter ? { filter: options.filter } : {}) });
  }

  const result = extractiveAnswer(query, retrieved, (term) => index.keyword.idf(term), {
    ...DEFAULT_EXTRACTIVE,
    ...options.extractive,
  });
  return {
    question,
    answered: result.answered,
    answer: result.answered ? result.answer : NOT_COVERED,
    citations: result.citations,
    note,
    timeFilter: time ? { from: time.from, to: time.to, phrase: time.phrase } : null,
    retrieved,
  };
}
