import { type ArticleText, profileArticles, storySimilarity, topTerms } from "./profile.js";

/** Settings of story grouping (STORY_SIMILARITY, STORY_MAX_GAP_DAYS). */
export interface StoryOptions {
  /** An article joins a story when it is at least this similar to one of its articles. */
  threshold: number;
  /** A story never spans more days than this (publication dates, else ingestion times). */
  maxGapDays: number;
}

/**
 * Threshold 0.10: on the seeds, pairs within the Kremlin story score 0.115 to 0.16 and every
 * other pair at most 0.079 (`npm run calibrate:stories` prints the table); two different stories
 * about the same leaders (test/stories) score 0.086. Thin margins: see the README.
 */
export const DEFAULT_STORY_OPTIONS: StoryOptions = { threshold: 0.1, maxGapDays: 3 };

export interface StoryInput extends ArticleText {
  published: string | null;
  ingestedAt: string;
  /** Set for articles grouped by an earlier run: they keep their story. */
  storyId?: string | undefined;
}

/**
 * Candidates for an article: the latest articles (in time order) sharing one of its heaviest
 * words, at most {@link CANDIDATES_PER_TERM} per word, so grouping stays linear in the corpus.
 */
const BLOCKING_TERMS = 12;
const CANDIDATES_PER_TERM = 300;
const DAY_MS = 86_400_000;

/**
 * Groups articles into stories, incrementally: articles that already have a story keep it; each
 * other article, oldest first, joins the story of the most similar earlier article when that
 * similarity reaches the threshold and their dates are close enough, or starts a story of its own
 * (id `s-<its docId>`). Returns the story id of every article.
 */
export function assignStories(articles: readonly StoryInput[], options: StoryOptions): Map<string, string> {
  const { profiles, df } = profileArticles(articles);
  // Candidates share a heavy word with the article: single words found in other articles too.
  const shared = (term: string) => !term.includes(" ") && (df.get(term) ?? 0) >= 2;
  const byId = new Map(articles.map((article, i) => [article.docId, { article, profile: profiles[i] }]));
  const storyOf = new Map<string, string>();
  /** Earliest and latest article time of each story: no article joins beyond the gap from either. */
  const span = new Map<string, { first: number; last: number }>();
  const postings = new Map<string, string[]>();
  const blockingTerms = (docId: string) => {
    const profile = byId.get(docId)?.profile;
    return profile ? topTerms(profile.body, BLOCKING_TERMS, shared) : [];
  };
  const admit = (docId: string, storyId: string) => {
    storyOf.set(docId, storyId);
    const time = articleTime(byId.get(docId)?.article ?? { published: null, ingestedAt: "" });
    const known = span.get(storyId);
    if (!Number.isNaN(time)) {
      span.set(
        storyId,
        known ? { first: Math.min(known.first, time), last: Math.max(known.last, time) } : { first: time, last: time },
      );
    }
    for (const term of blockingTerms(docId)) {
      const list = postings.get(term) ?? [];
      list.push(docId);
      postings.set(term, list);
    }
  };

  const order = [...articles].sort(
    (a, b) => articleTime(a) - articleTime(b) || (a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : 0),
  );
  for (const article of order) if (article.storyId) admit(article.docId, article.storyId);
  for (const article of order) {
    if (article.storyId) continue;
    const own = byId.get(article.docId)?.profile;
    let best: { storyId: string; similarity: number } | null = null;
    const seen = new Set<string>();
    for (const term of blockingTerms(article.docId)) {
      const list = postings.get(term) ?? [];
      for (let k = list.length - 1; k >= Math.max(0, list.length - CANDIDATES_PER_TERM); k -= 1) {
        const other = list[k] as string;
        if (seen.has(other)) continue;
        seen.add(other);
        const candidate = byId.get(other);
        const storyId = storyOf.get(other);
        if (!candidate?.profile || !own || !storyId) continue;
        if (tooFarApart(articleTime(article), span.get(storyId), options.maxGapDays)) continue;
        const similarity = storySimilarity(own, candidate.profile);
        if (similarity >= options.threshold && (!best || similarity > best.similarity)) best = { storyId, similarity };
      }
    }
    admit(article.docId, best?.storyId ?? `s-${article.docId}`);
  }
  return storyOf;
}

/** When the article appeared: its publication date, else when it was first ingested. */
export function articleTime(article: Pick<StoryInput, "published" | "ingestedAt">): number {
  const published = article.published ? Date.parse(article.published) : Number.NaN;
  return Number.isNaN(published) ? Date.parse(article.ingestedAt) : published;
}

/**
 * True when an article's time (publication date, else ingestion) is more than the gap from the
 * story's earliest or latest article, so a story never spans more than the gap by chaining.
 */
function tooFarApart(time: number, story: { first: number; last: number } | undefined, maxGapDays: number): boolean {
  if (!story || Number.isNaN(time)) return false;
  const gap = maxGapDays * DAY_MS;
  return time - story.first > gap || story.last - time > gap;
}
