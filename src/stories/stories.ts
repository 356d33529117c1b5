import type { IndexedArticle } from "../index/records.js";
import { articleTime } from "./cluster.js";

/** Articles about the same event from one or more outlets. */
export interface Story {
  id: string;
  headline: string;
  /** Oldest first. */
  articles: IndexedArticle[];
  /** Distinct known outlets, in order of first report. */
  outlets: string[];
  /** How widely it was reported: distinct outlets, counting each article of unknown outlet once. */
  coverage: number;
  /** Earliest and latest article time (publication date, else first ingestion), ISO strings. */
  first: string;
  last: string;
}

/** The stories of an index's articles, most covered first, then most recent. */
export function listStories(articles: Iterable<IndexedArticle>): Story[] {
  const groups = new Map<string, IndexedArticle[]>();
  for (const article of articles) {
    const id = article.storyId || `s-${article.docId}`;
    const group = groups.get(id) ?? [];
    group.push(article);
    groups.set(id, group);
  }
  return [...groups.entries()].map(([id, members]) => makeStory(id, members)).sort(byCoverageThenRecency);
}

export function makeStory(id: string, members: readonly IndexedArticle[]): Story {
  const ordered = [...members].sort((a, b) => articleTime(a) - articleTime(b) || (a.docId < b.docId ? -1 : 1));
  const outlets: string[] = [];
  let unknown = 0;
  for (const article of ordered) {
    if (!article.source) unknown += 1;
    else if (!outlets.includes(article.source)) outlets.push(article.source);
  }
  const times = ordered.map(articleTime);
  return {
    id,
    headline: headlineOf(ordered),
    articles: ordered,
    outlets,
    coverage: outlets.length + unknown,
    first: new Date(Math.min(...times)).toISOString(),
    last: new Date(Math.max(...times)).toISOString(),
  };
}

export function byCoverageThenRecency(a: Story, b: Story): number {
  return b.coverage - a.coverage || Date.parse(b.last) - Date.parse(a.last) || (a.id < b.id ? -1 : 1);
}

/**
 * The story's headline: the earliest complete title (scraped titles cut short with "…" read
 * badly), else the earliest title.
 */
function headlineOf(ordered: readonly IndexedArticle[]): string {
  const complete = ordered.find((article) => !/(…|\.\.\.)\s*$/.test(article.title) && article.title.length <= 150);
  return (complete ?? ordered[0])?.title ?? "";
}
