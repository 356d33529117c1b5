import { splitSentences } from "../text/sentences.js";
import { contentTerms } from "../text/tokens.js";

/**
 * Term profiles of articles for story grouping: TF-IDF vectors (stemmed content words and their
 * bigrams, so "diametrically opposed" or "Putin Zelensky meeting" count as phrases) of the lead
 * (title and first sentences, where a news article says what happened) and of the whole text.
 * Idf comes from the articles profiled together, so names every article shares weigh little.
 */

export type SparseVector = Map<string, number>;

export interface ArticleText {
  docId: string;
  title: string;
  text: string;
}

export interface ArticleProfile {
  docId: string;
  lead: SparseVector;
  body: SparseVector;
}

/** Sentences of the text that make up the lead. */
export const LEAD_SENTENCES = 3;
/** Characters of the text profiled as its body: the top of a news article says what it is about. */
export const BODY_CHARACTERS = 3000;

/**
 * Names (people, places, institutions) weigh this much of other words: two stories about the
 * same leaders are still two stories unless they share what happened. 0.7 was chosen with
 * `npm run calibrate:stories` and the shared-names case in test/stories (at 1.0 that pair scores
 * 0.120, above the threshold; at 0.7, 0.086; below 0.7 the seeds' same-story pairs fall under it).
 */
export const NAME_WEIGHT = 0.7;

/** Term counts, with names (and bigrams of two names) counted at {@link NAME_WEIGHT}. */
export function termCounts(text: string): Map<string, number> {
  const terms = contentTerms(text);
  const names = nameTerms(text);
  const counts = new Map<string, number>();
  const add = (term: string, weight: number) => counts.set(term, (counts.get(term) ?? 0) + weight);
  const weightOf = (term: string) => (names.has(term) ? NAME_WEIGHT : 1);
  terms.forEach((term, i) => {
    add(term, weightOf(term));
    const previous = terms[i - 1];
    if (previous !== undefined) add(`${previous} ${term}`, Math.max(weightOf(previous), weightOf(term)));
  });
  return counts;
}

/**
 * Terms of words written with a capital inside sentences (a name, not a sentence start). The
 * first line, the title, is left out: Title Case headlines capitalise every word.
 */
function nameTerms(text: string): Set<string> {
  const names = new Set<string>();
  const body = text.slice(text.indexOf("\n") + 1);
  for (const match of body.matchAll(/(?<=[\p{Ll}\p{N},;:)”’"'-]\s+)\p{Lu}[\p{L}'’-]+/gu)) {
    for (const term of contentTerms(match[0])) names.add(term);
  }
  return names;
}

export function leadText(article: Pick<ArticleText, "title" | "text">): string {
  return `${article.title}.\n${splitSentences(article.text).slice(0, LEAD_SENTENCES).join(" ")}`;
}

/** Profiles every article, with idf over these articles; `df` counts articles per term. */
export function profileArticles(articles: readonly ArticleText[]): {
  profiles: ArticleProfile[];
  df: Map<string, number>;
} {
  const raw = articles.map((article) => ({
    docId: article.docId,
    lead: termCounts(leadText(article)),
    body: termCounts(`${article.title}.\n${article.text.slice(0, BODY_CHARACTERS)}`),
  }));
  const df = new Map<string, number>();
  for (const item of raw) for (const term of item.body.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const count = Math.max(1, raw.length);
  const idf = (term: string) => Math.log(1 + count / (df.get(term) ?? 1));
  const profiles = raw.map((item) => ({ docId: item.docId, lead: weigh(item.lead, idf), body: weigh(item.body, idf) }));
  return { profiles, df };
}

function weigh(counts: Map<string, number>, idf: (term: string) => number): SparseVector {
  const vector: SparseVector = new Map();
  let norm = 0;
  for (const [term, count] of counts) {
    // Sublinear in the count; a name seen once (count 0.5) weighs half an ordinary word.
    const weight = (count >= 1 ? 1 + Math.log(count) : count) * idf(term);
    vector.set(term, weight);
    norm += weight * weight;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [term, weight] of vector) vector.set(term, weight / norm);
  return vector;
}

export function cosine(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [term, weight] of small) dot += weight * (large.get(term) ?? 0);
  return dot;
}

/** How alike two articles are as news: half lead against lead, half whole text. */
export function storySimilarity(a: ArticleProfile, b: ArticleProfile): number {
  return 0.5 * cosine(a.lead, b.lead) + 0.5 * cosine(a.body, b.body);
}

/** The `count` heaviest terms of a vector that pass `keep`. */
export function topTerms(vector: SparseVector, count: number, keep: (term: string) => boolean = () => true): string[] {
  return [...vector.entries()]
    .filter(([term]) => keep(term))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map(([term]) => term);
}
