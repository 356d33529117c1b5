import type { Citation } from "../answer/types.js";
import type { NewsIndex } from "../index/open.js";
import type { IndexedArticle } from "../index/records.js";
import { listStories } from "../stories/stories.js";
import { CitationList } from "../summary/sentences.js";
import { storySummaryText } from "../summary/summarize.js";

/** One story of a digest, in the command-line JSON contract's shape. */
export interface DigestStory {
  id: string;
  headline: string;
  /** One to three cited sentences; markers name `citations`, numbered per story. */
  summary: string;
  outlets: string[];
  articles: string[];
  files: string[];
  citations: Citation[];
  /** Articles in the story, and of those, how many arrived in the digest's window. */
  articleCount: number;
  newArticles: number;
}

export interface Digest {
  generatedAt: string;
  /** Start of the window (exclusive), or null for everything. */
  since: string | null;
  stories: DigestStory[];
  /**
   * The newest ingestion time among the articles the digest saw (or `since` when none is newer):
   * the next digest starts here, so articles of an ingest still running at digest time (stamped
   * when it started) are not skipped.
   */
  coveredUntil: string | null;
}

export interface DigestOptions {
  /** Stories with an article that arrived after this instant; null: every story. */
  since: Date | null;
  now: Date;
  maxStories: number;
  idf: (term: string) => number;
}

/** Published this long before the window, an article ingested in it is old news, not new. */
const STALE_DAYS = 2;

/**
 * True when the article arrived in (since, now]: first ingested in the window and, when its
 * publication date is known, not published long before it (an archive imported today is not
 * today's news). Using the ingestion time means an article published yesterday but fetched after
 * yesterday's digest still makes today's.
 */
export function arrivedBetween(article: IndexedArticle, since: Date | null, now: Date): boolean {
  if (!since) return true;
  const ingested = Date.parse(article.ingestedAt);
  if (!(ingested > since.getTime() && ingested <= now.getTime())) return false;
  if (!article.published) return true;
  const published = Date.parse(article.published);
  return Number.isNaN(published) || published >= since.getTime() - STALE_DAYS * 86_400_000;
}

/**
 * The digest: stories with an article that arrived in the window, most covered first (distinct
 * outlets), then most recent; each with its headline, one to three cited sentences drawn from all
 * of its articles, and its outlets.
 */
export function buildDigest(articles: Iterable<IndexedArticle>, options: DigestOptions): Digest {
  const all = [...articles];
  const arrived = new Set(
    all.filter((article) => arrivedBetween(article, options.since, options.now)).map((a) => a.docId),
  );
  const stories = listStories(all)
    .filter((story) => story.articles.some((article) => arrived.has(article.docId)))
    .slice(0, options.maxStories);
  const newest = Math.max(
    options.since?.getTime() ?? Number.NEGATIVE_INFINITY,
    ...all.map((article) => Date.parse(article.ingestedAt)).filter((time) => time <= options.now.getTime()),
  );
  return {
    generatedAt: options.now.toISOString(),
    since: options.since ? options.since.toISOString() : null,
    coveredUntil: Number.isFinite(newest) ? new Date(newest).toISOString() : null,
    stories: stories.map((story) => {
      const citations = new CitationList();
      const sentences = story.coverage >= 3 ? 3 : story.coverage === 2 ? 2 : 1;
      const summary = storySummaryText(story, options.idf, citations, { maxSentences: Math.max(1, sentences) });
      return {
        id: story.id,
        headline: story.headline,
        summary,
        outlets: story.outlets,
        articles: story.articles.map((article) => article.docId),
        files: [...new Set(story.articles.map((article) => article.file))],
        citations: citations.citations,
        articleCount: story.articles.length,
        newArticles: story.articles.filter((article) => arrived.has(article.docId)).length,
      };
    }),
  };
}

/** Convenience: a digest of a loaded index. */
export function digestOfIndex(index: NewsIndex, options: Omit<DigestOptions, "idf">): Digest {
  return buildDigest(index.articles.values(), { ...options, idf: (term) => index.keyword.idf(term) });
}

/** The digest in the command-line JSON contract. */
export function digestToJson(digest: Digest) {
  return {
    generatedAt: digest.generatedAt,
    since: digest.since,
    stories: digest.stories.map((story) => ({
      id: story.id,
      headline: story.headline,
      summary: story.summary,
      outlets: story.outlets,
      articles: story.articles,
      files: story.files,
      citations: story.citations.map(({ n, docId, title, source, file, quote }) => ({
        n,
        docId,
        title,
        source,
        file,
        quote,
      })),
    })),
  };
}

/** The digest as Markdown (the CLI's --markdown and the README example). */
export function digestToMarkdown(digest: Digest): string {
  const window = digest.since ? `since ${digest.since.replace("T", " ").slice(0, 16)} UTC` : "all stories";
  const lines = [`# News digest (${window})`, ""];
  if (digest.stories.length === 0) {
    lines.push("No new stories.");
    return lines.join("\n");
  }
  digest.stories.forEach((story, i) => {
    const outlets = story.outlets.length > 0 ? story.outlets.join(", ") : "outlet unknown";
    const count = story.articleCount === 1 ? "1 article" : `${story.articleCount} articles`;
    lines.push(`## ${i + 1}. ${story.headline}`, "", story.summary, "", `*${outlets}; ${count}*`, "");
    for (const citation of story.citations) {
      lines.push(
        `- [${citation.n}] ${citation.title}${citation.source ? `, ${citation.source}` : ""} (\`${citation.file}\`)`,
      );
    }
    lines.push("");
  });
  return lines.join("\n").trimEnd();
}
