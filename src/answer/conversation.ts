import { contentTerms } from "../text/tokens.js";

/** A previous question and answer in the same conversation (a Discord thread). */
export interface Turn {
  question: string;
  answer: string;
}

const FOLLOW_UP_START = /^\s*(and|but|also|so|what about|how about|and what|then)\b/i;
const PRONOUN = /\b(they|them|their|it|its|that|this|those|these|he|him|his|she|her)\b/i;

/**
 * Turns a follow-up ("and what did Germany send?") into a question that stands on its own for
 * retrieval, by carrying over the previous question when the new one leans on it: it starts
 * with a connective, uses a pronoun, or is too short to search for by itself. An unrelated new
 * question is left as it is.
 */
export function standaloneQuestion(history: readonly Turn[], question: string): string {
  const previous = history[history.length - 1];
  if (!previous) return question;
  const leansOnPrevious =
    FOLLOW_UP_START.test(question) || PRONOUN.test(question) || contentTerms(question).length <= 2;
  return leansOnPrevious ? `${previous.question} ${question}` : question;
}
