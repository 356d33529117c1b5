import { type Citation, type CitedArticle, newCitation } from "../answer/types.js";
import { splitSentences } from "../text/sentences.js";
import { contentTerms } from "../text/tokens.js";

/** A numbered source the model was shown: one article and the text of it that it saw. */
export interface Source extends CitedArticle {
  n: number;
  text: string;
  chunkIds: string[];
}

export interface CheckedText {
  /** The model said the sources do not cover it. */
  notCovered: boolean;
  /** Sentences that survived, each with markers renumbered in order of first use. */
  text: string;
  citations: Citation[];
  /** Markers removed because they named no given source. */
  unknownMarkers: number;
  /** Sentences dropped because no source supports them. */
  dropped: number;
  /** Sentences whose markers were changed to the source that supports them. */
  recited: number;
}

/**
 * Share of a sentence's content words (weighted by idf, so the distinctive words count most) that
 * must occur in a source for it to count as support.
 */
export const MIN_SUPPORT = 0.5;
const NOT_COVERED_REPLY = /^\W*(NOT[ _]COVERED|the (sources|articles) (I have )?(do not|don't) cover)/i;

/**
 * Checks a model's cited text against the sources it was given: markers naming no source are
 * removed; each sentence must share at least {@link MIN_SUPPORT} of its content words with a
 * source it cites, else it is re-cited to the source that does support it, or dropped when none
 * does; sources are renumbered in order of first use and only cited ones are listed.
 */
export function checkCitations(
  raw: string,
  sources: readonly Source[],
  idf: (term: string) => number = () => 1,
): CheckedText {
  const empty = { text: "", citations: [], unknownMarkers: 0, dropped: 0, recited: 0 };
  if (NOT_COVERED_REPLY.test(raw.trim())) return { notCovered: true, ...empty };
  const byNumber = new Map(sources.map((source) => [source.n, source]));
  const sourceTerms = new Map(sources.map((source) => [source.n, new Set(contentTerms(source.text))]));
  const support = (terms: string[], n: number) => {
    const known = sourceTerms.get(n);
    const total = terms.reduce((sum, term) => sum + idf(term), 0);
    if (!known || total === 0) return 0;
    return terms.filter((term) => known.has(term)).reduce((sum, term) => sum + idf(term), 0) / total;
  };
  let unknownMarkers = 0;
  let dropped = 0;
  let recited = 0;
  const citations: Citation[] = [];
  const renumber = new Map<number, number>();
  const cite = (source: Source, sentence: string): number => {
    let n = renumber.get(source.n);
    const quote = bestQuote(source.text, sentence);
    if (n === undefined) {
      n = citations.length + 1;
      renumber.set(source.n, n);
      citations.push(newCitation(n, source, quote, source.chunkIds));
    }
    const citation = citations[n - 1];
    if (citation && !citation.quotes.includes(quote)) citation.quotes.push(quote);
    return n;
  };

  const sentences: string[] = [];
  for (const sentence of splitModelText(raw)) {
    const markers = [...sentence.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1]));
    const text = sentence
      .replace(/\s*\[\d+\]/g, "")
      .replace(/\s+([.!?])/g, "$1")
      .trim();
    if (!/[\p{L}\p{N}]/u.test(text)) continue;
    const known = markers.filter((n) => byNumber.has(n));
    unknownMarkers += markers.length - known.length;
    const terms = [...new Set(contentTerms(text))];
    let kept = [...new Set(known)].filter((n) => support(terms, n) >= MIN_SUPPORT);
    if (kept.length === 0) {
      const best = sources
        .map((source) => ({ n: source.n, score: support(terms, source.n) }))
        .sort((a, b) => b.score - a.score)[0];
      if (!best || best.score < MIN_SUPPORT) {
        dropped += 1;
        continue;
      }
      recited += 1;
      kept = [best.n];
    }
    const numbers = kept.map((n) => cite(byNumber.get(n) as Source, text));
    sentences.push(`${text} ${[...new Set(numbers)].map((n) => `[${n}]`).join("")}`);
  }
  return { notCovered: false, text: sentences.join(" "), citations, unknownMarkers, dropped, recited };
}

/** Sentences of model output, with markers written after a full stop kept with their sentence. */
function splitModelText(raw: string): string[] {
  const normalised = raw
    .replace(/\r/g, "")
    .replace(/^\s*[-*•]\s+/gm, "")
    .replace(/([.!?])((?:\s*\[\d+\])+)/g, "$2$1");
  return normalised.split(/\n+/).flatMap((line) => splitSentences(line));
}

/** The source sentence sharing the most content words with the answer sentence. */
function bestQuote(sourceText: string, sentence: string): string {
  const wanted = new Set(contentTerms(sentence));
  let best = "";
  let bestScore = -1;
  for (const candidate of splitSentences(sourceText)) {
    const score = contentTerms(candidate).filter((term) => wanted.has(term)).length;
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Sentences of article text addressed to an AI rather than to readers ("ignore previous
 * instructions", "you are now ...", "system prompt") are replaced before a model sees the text:
 * a model that would obey them never reads them, and what they ask it to claim finds no support.
 */
export function neutraliseInstructions(text: string): string {
  return splitSentences(text)
    .map((sentence) => (INSTRUCTION.test(sentence) ? "[text addressed to AI systems removed]" : sentence))
    .join(" ");
}

const INSTRUCTION =
  /\b(ignore|disregard|forget)\s+(all\s+|any\s+)?(the\s+)?(previous|prior|above|earlier|your)\s+(instructions|prompts?|rules)\b|\byou are now\b|\b(system|developer) prompt\b|\b(admin|developer|jailbreak|god) mode\b|<\/?\s*(system|sources|instructions?)\s*>/i;
