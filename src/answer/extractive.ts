import type { RetrievedChunk } from "../retrieval/hybrid.js";
import { splitSentences } from "../text/sentences.js";
import { contentTerms } from "../text/tokens.js";
import { type Citation, newCitation } from "./types.js";

/**
 * The offline answerer: picks the sentences of the retrieved chunks that best answer the
 * question and cites each one. No model, so nothing is invented: every sentence of the answer is
 * a sentence of a source, and the [n] after it names that source.
 */

export interface ExtractiveOptions {
  /** Sentences in the answer at most. */
  maxSentences: number;
  /**
   * Refusal thresholds, calibrated on test/fixtures/seed-questions.json (see the calibration
   * test): the best chunk must cover this share of the question's weighted terms ...
   */
  minChunkCoverage: number;
  /** ... and the best sentence this share. */
  minSentenceCoverage: number;
  /**
   * Further sentences are kept only when they score at least this share of the best one.
   * RealTime QA dev MC accuracy (bench:tune): 0.6 -> 0.507, 0.75 -> 0.499, 0.9 -> 0.468, and
   * one sentence only -> 0.415: a second and third sentence often carry the answer.
   */
  minRelativeScore: number;
}

export const DEFAULT_EXTRACTIVE: ExtractiveOptions = {
  maxSentences: 3,
  minChunkCoverage: 0.45,
  minSentenceCoverage: 0.2,
  minRelativeScore: 0.6,
};

/** Inverse document frequency of a term in the corpus (unseen terms get the largest value). */
export type IdfLookup = (term: string) => number;

export interface ExtractiveResult {
  answered: boolean;
  answer: string;
  citations: Citation[];
  /** Best coverage seen, for calibration and benchmarks. */
  bestChunkCoverage: number;
  bestSentenceCoverage: number;
}

interface Candidate {
  sentence: string;
  terms: Set<string>;
  chunk: RetrievedChunk;
  score: number;
  coverage: number;
  /** Further sources that state the same thing (near-identical sentences). */
  alsoFrom: RetrievedChunk[];
}

/** Builds a cited extractive answer, or a refusal when no retrieved text covers the question. */
export function extractiveAnswer(
  question: string,
  chunks: readonly RetrievedChunk[],
  idf: IdfLookup,
  options: ExtractiveOptions = DEFAULT_EXTRACTIVE,
): ExtractiveResult {
  const queryTerms = [...new Set(contentTerms(question))];
  const weights = new Map(queryTerms.map((term) => [term, idf(term)]));
  const totalWeight = [...weights.values()].reduce((sum, weight) => sum + weight, 0);
  const coverage = (terms: Set<string>) => {
    if (totalWeight === 0) return 0;
    let covered = 0;
    for (const [term, weight] of weights) if (terms.has(term)) covered += weight;
    return covered / totalWeight;
  };
  const wants = answerTypeOf(question);

  let bestChunkCoverage = 0;
  const candidates: Candidate[] = [];
  chunks.forEach((chunk, rank) => {
    const chunkTerms = new Set(contentTerms(`${chunk.document.metadata.title}\n${chunk.document.pageContent}`));
    const context = coverage(chunkTerms);
    bestChunkCoverage = Math.max(bestChunkCoverage, context);
    for (const sentence of splitSentences(chunk.document.pageContent)) {
      const words = sentence.split(/\s+/).length;
      // Fragments and headings (no closing punctuation) read badly as answer sentences.
      if (words < 5 || !/[.!?…]["'”’)\]]*$/.test(sentence)) continue;
      const terms = new Set(contentTerms(sentence));
      const own = coverage(terms);
      const lengthPenalty = words > 60 ? 0.1 : 0;
      const typeBonus = wants?.test(sentence) ? 0.1 : 0;
      const score = 0.6 * own + 0.25 * context + 0.15 / (1 + rank) + typeBonus - lengthPenalty;
      candidates.push({ sentence, terms, chunk, score, coverage: own, alsoFrom: [] });
    }
  });
  candidates.sort((a, b) => b.score - a.score);
  const best = candidates[0];
  const bestSentenceCoverage = best?.coverage ?? 0;
  if (!best || bestChunkCoverage < options.minChunkCoverage || bestSentenceCoverage < options.minSentenceCoverage) {
    return { answered: false, answer: "", citations: [], bestChunkCoverage, bestSentenceCoverage };
  }

  // Greedy selection: strong sentences only, no restatements. A restatement from another outlet
  // becomes an extra citation on the sentence already chosen.
  const chosen: Candidate[] = [];
  for (const candidate of candidates) {
    if (candidate.score < best.score * options.minRelativeScore) break;
    const twin = chosen.find((other) => jaccard(other.terms, candidate.terms) >= 0.5);
    if (twin) {
      const docId = candidate.chunk.document.metadata.docId;
      const known = [twin.chunk, ...twin.alsoFrom].some((item) => item.document.metadata.docId === docId);
      if (!known && twin.alsoFrom.length < 2) twin.alsoFrom.push(candidate.chunk);
      continue;
    }
    if (chosen.length < options.maxSentences) chosen.push(candidate);
  }

  const citations: Citation[] = [];
  const citationFor = (chunk: RetrievedChunk, sentence: string): number => {
    const metadata = chunk.document.metadata;
    let citation = citations.find((existing) => existing.docId === metadata.docId);
    if (!citation) {
      citation = newCitation(citations.length + 1, metadata, sentence);
      citations.push(citation);
    }
    if (!citation.quotes.includes(sentence)) citation.quotes.push(sentence);
    if (!citation.chunkIds.includes(metadata.chunkId)) citation.chunkIds.push(metadata.chunkId);
    return citation.n;
  };
  const parts = chosen.map((candidate) => {
    const markers = [citationFor(candidate.chunk, candidate.sentence)];
    for (const other of candidate.alsoFrom) {
      const sentence = splitSentences(other.document.pageContent).find(
        (s) => jaccard(new Set(contentTerms(s)), candidate.terms) >= 0.5,
      );
      const n = citationFor(other, sentence ?? candidate.sentence);
      if (!markers.includes(n)) markers.push(n);
    }
    return `${candidate.sentence} ${markers.map((n) => `[${n}]`).join("")}`;
  });
  return { answered: true, answer: parts.join(" "), citations, bestChunkCoverage, bestSentenceCoverage };
}

/** A pattern a sentence answering this kind of question tends to contain. */
function answerTypeOf(question: string): RegExp | null {
  const q = question.toLowerCase();
  if (/\bhow (many|much)\b|\bwhat (number|percentage|share)\b/.test(q)) return /\d/;
  if (/^\s*when\b|\bwhat (date|day|year|month)\b/.test(q)) {
    return /\b(\d{4}|january|february|march|april|may|june|july|august|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/i;
  }
  if (/^\s*(who|whom)\b/.test(q)) return /\b\p{Lu}\p{Ll}+ \p{Lu}\p{Ll}+/u;
  // "Which countries ...", "What city ...": a proper name after the sentence's first word.
  if (/^\s*(which|what)\s+(countr|nation|cit|state|compan|team|part|group|organi[sz]ation|region|province)/.test(q)) {
    return /\S\s+\p{Lu}\p{Ll}+/u;
  }
  return null;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const term of a) if (b.has(term)) shared += 1;
  return shared / (a.size + b.size - shared);
}
