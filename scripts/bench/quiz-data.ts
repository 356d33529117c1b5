import { createReadStream } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { contentTerms } from "../../src/text/tokens.js";

/** A RealTime QA question row (see ../shared/bench/README.md). */
export interface QuizQuestion {
  id: string;
  date: string;
  source: string;
  question: string;
  choices: string[];
  answer: number[];
  answer_text: string[];
}

/** A RealTime QA corpus row. */
export interface CorpusRow {
  id: string;
  url: string;
  title: string;
  authors: string[];
  published: string | null;
  text: string;
}

export async function readJsonLines<T>(file: string): Promise<T[]> {
  const rows: T[] = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim()) rows.push(JSON.parse(line) as T);
  }
  return rows;
}

export function corpusPath(dataDir: string, split: string): string {
  return path.join(dataDir, `${split}-corpus.jsonl`);
}

export async function readQuestions(dataDir: string, split: string): Promise<QuizQuestion[]> {
  return readJsonLines<QuizQuestion>(path.join(dataDir, `${split}-questions.jsonl`));
}

/** The benchmark's answer normalisation: case-folded, quotes stripped, whitespace collapsed. */
export function normaliseAnswerText(text: string): string {
  return text
    .toLowerCase()
    .replace(/["'“”‘’`]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** The text of the correct choice of a question. */
export function correctChoice(question: QuizQuestion): string {
  return question.choices[question.answer[0] ?? -1] ?? question.answer_text[0] ?? "";
}

/** 1-based rank of the first chunk containing the answer text, or null. */
export function firstHitRank(chunks: readonly string[], answer: string): number | null {
  const needle = normaliseAnswerText(answer);
  if (!needle) return null;
  const index = chunks.findIndex((chunk) => normaliseAnswerText(chunk).includes(needle));
  return index === -1 ? null : index + 1;
}

/**
 * Multiple-choice judgement from the answer text alone: a choice whose text occurs in the answer
 * scores 1, otherwise the share of its content words the answer contains. Returns the expected
 * accuracy of picking among the best-scoring choices at random (1 when the correct choice is the
 * only best, 1/n when n choices tie, 0 when it is not among them), so an answer that says
 * nothing earns exactly chance.
 */
export function multipleChoiceCredit(answer: string, question: QuizQuestion): number {
  const normalised = normaliseAnswerText(answer);
  const answerTerms = new Set(contentTerms(answer));
  const scores = question.choices.map((choice) => {
    const text = normaliseAnswerText(choice);
    if (text && normalised.includes(text)) return 1;
    const terms = contentTerms(choice);
    if (terms.length === 0) return 0;
    return (0.99 * terms.filter((term) => answerTerms.has(term)).length) / terms.length;
  });
  const best = Math.max(...scores);
  const tied = scores.flatMap((score, index) => (score === best ? [index] : []));
  const correct = question.answer[0] ?? -1;
  return tied.includes(correct) ? 1 / tied.length : 0;
}

/** The sentence of a text sharing the most content words with the question (the baselines' answer rule). */
export function bestSentence(question: string, sentences: readonly string[]): string {
  const wanted = new Set(contentTerms(question));
  let best = sentences[0] ?? "";
  let bestScore = -1;
  for (const sentence of sentences) {
    const score = new Set(contentTerms(sentence).filter((term) => wanted.has(term))).size;
    if (score > bestScore) {
      best = sentence;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The questions the benchmark scores: those whose correct choice occurs somewhere in the corpus
 * (title or text, normalised), the DPR convention from ../shared/bench/README.md.
 */
export function answerableQuestions(rows: readonly CorpusRow[], questions: readonly QuizQuestion[]): QuizQuestion[] {
  const texts = rows.map((row) => normaliseAnswerText(`${row.title}\n${row.text}`));
  return questions.filter((question) => {
    const needle = normaliseAnswerText(correctChoice(question));
    return needle !== "" && texts.some((text) => text.includes(needle));
  });
}
