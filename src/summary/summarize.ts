import { retrieveForQuestion, validateQuestion } from "../answer/ask.js";
import { DEFAULT_EXTRACTIVE, extractiveAnswer } from "../answer/extractive.js";
import { type Citation, NOT_COVERED } from "../answer/types.js";
import { UserError } from "../errors.js";
import type { NewsIndex } from "../index/open.js";
import type { IndexedArticle } from "../index/records.js";
import { listStories, makeStory, type Story } from "../stories/stories.js";
import { contentTerms } from "../text/tokens.js";
import { describeDisagreement, findDisagreement } from "./disagreements.js";
import { articleSentences, CitationList, restates, type SourceSentence, writeCited } from "./sentences.js";

export type SummaryKind = "topic" | "article" | "period";
export type PeriodName = "today" | "week" | "all";
export const PERIODS: readonly PeriodName[] = ["today", "week", "all"];

/** A cited summary: every sentence carries [n] markers that name `citations`. */
export interface Summary {
  kind: SummaryKind;
  /** The topic, the article's title, or the period's name. */
  subject: string;
  /** False when the corpus holds nothing for it; `summary` then says so plainly. */
  answered: boolean;
  summary: string;
  citations: Citation[];
  /** The stories the summary covers, in the order it covers them. */
  stories: { id: string; headline: string; outlets: string[]; articles: string[] }[];
  /** A remark for the reader, e.g. that the model was unavailable. */
  note: string | null;
}

export type IdfLookup = (term: string) => number;

interface PickOptions {
  maxSentences: number;
  /** Terms the sentences should be about (a topic), weighted by idf. */
  focus?: readonly string[];
}

/**
 * The sentences that best represent a group of articles: central ones (their words recur across
 * the group's sentences and articles, weighted by idf), early ones (news puts what happened
 * first), and with a focus, those covering the focus terms. No two chosen sentences restate each
 * other. Returns the chosen sentences, best first, and the whole pool (for "also reported by").
 */
export function pickSentences(
  articles: readonly IndexedArticle[],
  idf: IdfLookup,
  options: PickOptions,
): { chosen: SourceSentence[]; pool: SourceSentence[] } {
  const pool = articles.flatMap(articleSentences);
  const support = new Map<string, number>();
  for (const sentence of pool) for (const term of sentence.terms) support.set(term, (support.get(term) ?? 0) + 1);
  const central = (sentence: SourceSentence) => {
    let sum = 0;
    for (const term of sentence.terms) sum += idf(term) * Math.log1p((support.get(term) ?? 1) - 1);
    return sum / Math.sqrt(Math.max(1, sentence.terms.size));
  };
  const focus = [...new Set(options.focus ?? [])];
  const focusWeight = focus.reduce((sum, term) => sum + idf(term), 0);
  const covers = (sentence: SourceSentence) =>
    focusWeight === 0
      ? 0
      : focus.reduce((sum, term) => sum + (sentence.terms.has(term) ? idf(term) : 0), 0) / focusWeight;
  const centrality = pool.map(central);
  const top = Math.max(1e-9, ...centrality);
  const scored = pool
    .map((sentence, i) => {
      const base = 0.55 * ((centrality[i] ?? 0) / top) + 0.45 / (1 + sentence.position);
      return { sentence, score: focusWeight > 0 ? 0.6 * covers(sentence) + 0.4 * base : base };
    })
    .filter((item) => focusWeight === 0 || covers(item.sentence) > 0)
    .sort((a, b) => b.score - a.score);
  const chosen: SourceSentence[] = [];
  for (const { sentence } of scored) {
    if (chosen.length >= options.maxSentences) break;
    if (chosen.some((other) => restates(other.terms, sentence.terms))) continue;
    chosen.push(sentence);
  }
  return { chosen, pool };
}

/** One to `maxSentences` cited sentences about a story, restatements said once. */
export function storySummaryText(
  story: Story,
  idf: IdfLookup,
  citations: CitationList,
  options: PickOptions & { disagreements?: boolean },
): string {
  const { chosen, pool } = pickSentences(story.articles, idf, options);
  const parts = writeCited(chosen, pool, citations);
  if (options.disagreements) {
    const relevant = options.focus?.length
      ? pool.filter((sentence) => options.focus?.some((term) => sentence.terms.has(term)))
      : pool;
    const disagreement = findDisagreement(relevant);
    if (disagreement) {
      parts.push(describeDisagreement(disagreement, (sentence) => citations.cite(sentence.article, sentence.text)));
    }
  }
  return parts.join(" ");
}

function storyRef(story: Story): Summary["stories"][number] {
  return {
    id: story.id,
    headline: story.headline,
    outlets: story.outlets,
    articles: story.articles.map((article) => article.docId),
  };
}

const idfOf =
  (index: NewsIndex): IdfLookup =>
  (term) =>
    index.keyword.idf(term);

/** Key points of one article, in the article's order, each cited; restatements elsewhere are credited. */
export function summarizeArticle(index: NewsIndex, docId: string, maxSentences = 3): Summary {
  const article = index.articles.get(docId);
  if (!article) {
    throw new UserError(`No article with id ${docId}. List them with \`npm run ask -- --json\` citations or /sources.`);
  }
  const idf = idfOf(index);
  const { chosen } = pickSentences([article], idf, { maxSentences });
  chosen.sort((a, b) => a.position - b.position);
  // Other articles of the same story may say the same thing: credit them too.
  const story = sameStory(index, article);
  const others = story.articles.filter((other) => other.docId !== docId).flatMap(articleSentences);
  const citations = new CitationList();
  const text = writeCited(chosen, others, citations).join(" ");
  return {
    kind: "article",
    subject: article.title,
    answered: chosen.length > 0,
    summary: chosen.length > 0 ? text : "This article has no sentences I can quote as a summary.",
    citations: citations.citations,
    stories: [storyRef(story)],
    note: null,
  };
}

function sameStory(index: NewsIndex, article: IndexedArticle): Story {
  const id = article.storyId || `s-${article.docId}`;
  return makeStory(
    id,
    [...index.articles.values()].filter((other) => (other.storyId || `s-${other.docId}`) === id),
  );
}

/**
 * What the corpus says about a topic: the stories retrieval finds for it (best first, up to
 * `maxStories`), a few cited sentences about the topic from each, and a line where outlets give
 * different figures. Says plainly when the corpus does not cover the topic.
 */
export async function summarizeTopic(
  index: NewsIndex,
  rawTopic: string,
  options: { referenceDate: string; maxStories?: number; sentencesPerStory?: number },
): Promise<Summary> {
  const topic = validateQuestion(rawTopic);
  const found = await retrieveForQuestion(index, topic, { topK: 20, referenceDate: options.referenceDate });
  const idf = idfOf(index);
  const check = extractiveAnswer(found.query, found.retrieved, idf, DEFAULT_EXTRACTIVE);
  const refusal: Summary = {
    kind: "topic",
    subject: topic,
    answered: false,
    summary: NOT_COVERED,
    citations: [],
    stories: [],
    note: null,
  };
  if (!check.answered) return refusal;
  const stories = new Map(listStories(index.articles.values()).map((story) => [story.id, story]));
  const order: Story[] = [];
  for (const hit of found.retrieved) {
    const article = index.articles.get(hit.document.metadata.docId);
    const story = article ? stories.get(article.storyId || `s-${article.docId}`) : undefined;
    if (story && !order.includes(story)) order.push(story);
    if (order.length >= (options.maxStories ?? 3)) break;
  }
  const focus = contentTerms(found.query);
  const citations = new CitationList();
  const sections: string[] = [];
  const covered: Story[] = [];
  for (const story of order) {
    const text = storySummaryText(story, idf, citations, {
      maxSentences: options.sentencesPerStory ?? 2,
      focus,
      disagreements: true,
    });
    if (!text) continue;
    covered.push(story);
    sections.push(order.length > 1 ? `**${story.headline}**: ${text}` : text);
  }
  if (sections.length === 0) return refusal;
  return {
    kind: "topic",
    subject: topic,
    answered: true,
    summary: sections.join("\n\n"),
    citations: citations.citations,
    stories: covered.map(storyRef),
    note: null,
  };
}

/** The day range of a period ending on the reference date (null bounds: everything). */
export function periodRange(period: PeriodName, referenceDate: string): { from: string | null; to: string | null } {
  if (period === "all") return { from: null, to: null };
  const end = new Date(`${referenceDate}T00:00:00Z`);
  const start = new Date(end.getTime() - (period === "week" ? 6 : 0) * 86_400_000);
  return { from: start.toISOString().slice(0, 10), to: referenceDate };
}

/** An article's day: its publication date, else the day it was first ingested. */
export function articleDay(article: Pick<IndexedArticle, "published" | "ingestedAt">): string {
  return (article.published ?? article.ingestedAt).slice(0, 10);
}

/** The stories of a period, most covered first: each a headline and a cited sentence or two. */
export function summarizePeriod(
  index: NewsIndex,
  period: PeriodName,
  options: { referenceDate: string; maxStories?: number },
): Summary {
  if (!PERIODS.includes(period)) throw new UserError(`Unknown period "${period}". Use one of: ${PERIODS.join(", ")}.`);
  const { from, to } = periodRange(period, options.referenceDate);
  const inPeriod = [...index.articles.values()].filter((article) => {
    const day = articleDay(article);
    return (!from || day >= from) && (!to || day <= to);
  });
  const stories = listStories(inPeriod).slice(0, options.maxStories ?? 8);
  const subject = period === "all" ? "everything" : period === "week" ? `the week to ${to}` : `${to}`;
  if (stories.length === 0) {
    return {
      kind: "period",
      subject,
      answered: false,
      summary: `No articles from ${period === "all" ? "any date" : subject} are in the corpus.`,
      citations: [],
      stories: [],
      note: null,
    };
  }
  const idf = idfOf(index);
  const citations = new CitationList();
  const lines = stories.map((story) => {
    const text = storySummaryText(story, idf, citations, { maxSentences: 1 });
    const outlets = story.outlets.length > 0 ? ` (${story.outlets.join(", ")})` : "";
    return `**${story.headline}**${outlets}: ${text || "no quotable sentence."}`;
  });
  return {
    kind: "period",
    subject,
    answered: true,
    summary: lines.join("\n\n"),
    citations: citations.citations,
    stories: stories.map(storyRef),
    note: null,
  };
}

/** The JSON shape of a summary in the command-line contract. */
export function summaryToJson(summary: Summary) {
  return {
    kind: summary.kind,
    subject: summary.subject,
    answered: summary.answered,
    summary: summary.summary,
    citations: summary.citations.map(({ n, docId, title, source, file, quote }) => ({
      n,
      docId,
      title,
      source,
      file,
      quote,
    })),
    stories: summary.stories,
    note: summary.note,
  };
}
