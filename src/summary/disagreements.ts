import { STOPWORDS, stem } from "../text/tokens.js";
import { nameOf, overlap, type SourceSentence } from "./sentences.js";

/** Two sentences from different outlets that give different figures for the same thing. */
export interface Disagreement {
  a: SourceSentence;
  b: SourceSentence;
  /** What the figures count, e.g. "system" for "two Patriot systems" against "three". */
  thing: string;
}

const MONTHS = new Set(
  [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
  ].map((month) => stem(month)),
);

const SCALES: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };
const WORD_NUMBERS: Record<string, number> = {
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  twenty: 20,
  thirty: 30,
  fifty: 50,
  hundred: 100,
};

/**
 * Figures in a sentence keyed by what they count: the first content word after the number (and
 * its scale word), e.g. "€34 billion financing gap" gives financ → 34e9, "two Patriot systems"
 * gives patriot → 2. Years and percentages of different things are not compared.
 */
export function figures(sentence: string): Map<string, number> {
  const found = new Map<string, number>();
  const pattern =
    /(?<![\w.])(\d+(?:[.,]\d+)*|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty|fifty|hundred)(?:\s*(%|percent|per cent))?(?:[\s-]+(thousand|million|billion|trillion))?[\s-]+((?:[\p{L}'’-]+\s+){0,3}[\p{L}'’-]+)/giu;
  for (const match of sentence.matchAll(pattern)) {
    const [, raw = "", percent, scale, after = ""] = match;
    const lower = raw.toLowerCase();
    const base = WORD_NUMBERS[lower] ?? Number(raw.replace(/,/g, ""));
    if (!Number.isFinite(base)) continue;
    if (/^\d{4}$/.test(raw) && base >= 1900 && base <= 2100) continue;
    const words = after
      .toLowerCase()
      .split(/\s+/)
      .filter((word) => !STOPWORDS.has(word))
      .map((word) => stem(word.replace(/['’]s$/, "")));
    const [head, next] = words;
    // A date ("12 March") is not a count.
    if (!head || MONTHS.has(head)) continue;
    // What is counted, with the word after it: "3 people killed" and "5 people injured" count
    // different things; "two Patriot systems" and "three Patriot systems" the same.
    const key = `${percent ? "% " : ""}${head}${next ? ` ${next}` : ""}`;
    if (!found.has(key)) found.set(key, base * (scale ? (SCALES[scale.toLowerCase()] ?? 1) : 1));
  }
  return found;
}

/**
 * The clearest disagreement among sentences from different articles: the same thing counted
 * differently in two sentences that are otherwise about the same (a quarter of their content
 * words shared), preferring the most alike pair. Null when the sources agree.
 */
export function findDisagreement(sentences: readonly SourceSentence[]): Disagreement | null {
  const withFigures = sentences
    .map((sentence) => ({ sentence, figures: figures(sentence.text) }))
    .filter((item) => item.figures.size > 0);
  let best: (Disagreement & { similarity: number }) | null = null;
  for (let i = 0; i < withFigures.length; i += 1) {
    for (let j = i + 1; j < withFigures.length; j += 1) {
      const x = withFigures[i];
      const y = withFigures[j];
      if (!x || !y || x.sentence.article.docId === y.sentence.article.docId) continue;
      if (x.sentence.article.source && x.sentence.article.source === y.sentence.article.source) continue;
      const similarity = overlap(x.sentence.terms, y.sentence.terms);
      if (similarity < 0.25 || (best && similarity <= best.similarity)) continue;
      for (const [thing, value] of x.figures) {
        const other = y.figures.get(thing);
        if (other !== undefined && other !== value) {
          best = { a: x.sentence, b: y.sentence, thing, similarity };
          break;
        }
      }
    }
  }
  return best ? { a: best.a, b: best.b, thing: best.thing } : null;
}

/** One line saying who reports which figure, with markers from `cite`. */
export function describeDisagreement(disagreement: Disagreement, cite: (sentence: SourceSentence) => number): string {
  const { a, b } = disagreement;
  return `Reports differ: ${nameOf(a.article)} says “${a.text}” [${cite(a)}], while ${nameOf(b.article)} says “${b.text}” [${cite(b)}].`;
}
