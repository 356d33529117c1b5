import { neutraliseInstructions, type Source } from "../generation/citations.js";
import { ModelUnavailableError, type ModelWriter } from "../generation/writer.js";
import type { NewsIndex } from "../index/open.js";
import type { RetrievedChunk } from "../retrieval/hybrid.js";
import { answerFromRetrieval, type QuestionRetrieval } from "./ask.js";
import { DEFAULT_EXTRACTIVE, type ExtractiveOptions, extractiveAnswer } from "./extractive.js";
import { type Answer, NOT_COVERED } from "./types.js";

/**
 * With a model, retrieval must still find something on topic before the model is asked: the best
 * chunk must cover this share of the question's weighted terms (the extractive answerer needs
 * 0.45; a model can bridge paraphrases, so the bar is lower, but never zero).
 */
export const MODEL_MIN_COVERAGE = 0.25;

/** The retrieved chunks as numbered sources, one per article, in order of first retrieval. */
export function sourcesFrom(retrieved: readonly RetrievedChunk[]): Source[] {
  const sources: Source[] = [];
  for (const chunk of retrieved) {
    const metadata = chunk.document.metadata;
    const existing = sources.find((source) => source.docId === metadata.docId);
    if (existing) {
      existing.text += `\n…\n${neutraliseInstructions(chunk.document.pageContent)}`;
      existing.chunkIds.push(metadata.chunkId);
      continue;
    }
    sources.push({
      n: sources.length + 1,
      docId: metadata.docId,
      title: metadata.title,
      source: metadata.source,
      published: metadata.published,
      url: metadata.url,
      file: metadata.file,
      text: neutraliseInstructions(chunk.document.pageContent),
      chunkIds: [metadata.chunkId],
    });
  }
  return sources;
}

/**
 * A model-written answer, checked against its sources. The extractive answer stands in, with a
 * short note, when the model is unavailable (after retries) or its reply has nothing that the
 * sources support; a "not covered" reply is a refusal.
 */
export async function answerWithModel(
  index: NewsIndex,
  found: QuestionRetrieval,
  writer: ModelWriter,
  options: { extractive?: ExtractiveOptions; onPartial?: (text: string) => void } = {},
): Promise<Answer> {
  const extractive = options.extractive ?? DEFAULT_EXTRACTIVE;
  const base = {
    question: found.question,
    timeFilter: found.time ? { from: found.time.from, to: found.time.to, phrase: found.time.phrase } : null,
    retrieved: found.retrieved,
  };
  const refusal: Answer = { ...base, answered: false, answer: NOT_COVERED, citations: [], note: found.note };
  const fallback = (note: string): Answer => {
    const answer = answerFromRetrieval(index, found, extractive);
    return { ...answer, note: [note, answer.note].filter(Boolean).join(" ") };
  };
  const gate = extractiveAnswer(found.query, found.retrieved, (term) => index.keyword.idf(term), {
    ...extractive,
    minChunkCoverage: MODEL_MIN_COVERAGE,
    minSentenceCoverage: 0,
  });
  if (!gate.answered) return refusal;
  try {
    const checked = await writer.write("answer", { question: found.question }, sourcesFrom(found.retrieved), {
      idf: (term) => index.keyword.idf(term),
      ...(options.onPartial ? { onPartial: options.onPartial } : {}),
    });
    if (checked.notCovered) return refusal;
    if (!checked.text) {
      return fallback(
        "The model's answer could not be checked against the articles, so this one quotes them directly.",
      );
    }
    return { ...base, answered: true, answer: checked.text, citations: checked.citations, note: found.note };
  } catch (error) {
    if (!(error instanceof ModelUnavailableError)) throw error;
    return fallback(
      `The language model was unavailable (${error.reason === "timeout" ? "no reply in time" : "an error"}), so this answer quotes the articles directly.`,
    );
  }
}
