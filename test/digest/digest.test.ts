import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arrivedBetween, buildDigest, digestToJson, digestToMarkdown } from "../../src/digest/digest.js";
import type { NewsIndex } from "../../src/index/open.js";
import type { IndexedArticle } from "../../src/index/records.js";
import { indexedWorkspace } from "../support/corpus.js";

let index: NewsIndex;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const built = await indexedWorkspace();
  index = built.index;
  cleanup = built.workspace.cleanup;
}, 60_000);
afterAll(async () => cleanup?.());

const idf = (term: string) => index.keyword.idf(term);
/** The seeds as if ingested at given times. */
const articlesIngestedAt = (time: (article: IndexedArticle) => string) =>
  [...index.articles.values()].map((article) => ({ ...article, ingestedAt: time(article) }));

describe("the digest", () => {
  it("groups the seeds into stories, the three-outlet story first, each cited within the JSON contract", () => {
    const now = new Date("2026-01-02T08:00:00Z");
    const digest = buildDigest(
      articlesIngestedAt(() => "2026-01-02T07:00:00.000Z"),
      {
        since: new Date("2026-01-01T08:00:00Z"),
        now,
        maxStories: 5,
        idf,
      },
    );
    expect(digest.stories).toHaveLength(5);
    const [top] = digest.stories;
    expect(top?.headline).toBe("Russia rules out Putin-Zelenskyy meeting until end of peace talks");
    expect(top?.files.map((file) => file.slice(0, 3)).sort()).toEqual(["000", "001", "002"]);
    const json = digestToJson(digest);
    expect(Object.keys(json)).toEqual(["generatedAt", "since", "stories"]);
    expect(json.generatedAt).toBe("2026-01-02T08:00:00.000Z");
    for (const story of json.stories) {
      expect(Object.keys(story)).toEqual(["id", "headline", "summary", "outlets", "articles", "files", "citations"]);
      const markers = new Set([...story.summary.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1])));
      expect([...markers].sort()).toEqual(story.citations.map((citation) => citation.n));
      for (const citation of story.citations) {
        expect(Object.keys(citation)).toEqual(["n", "docId", "title", "source", "file", "quote"]);
        expect(story.articles).toContain(citation.docId);
      }
      const sentences = story.summary
        .split(/\[\d+\](?:\[\d+\])*(?: \(also reported by [^)]*\))?/)
        .filter((s) => s.trim());
      expect(sentences.length).toBeGreaterThanOrEqual(1);
      expect(sentences.length).toBeLessThanOrEqual(3);
    }
  });

  it("holds only stories with articles that arrived in the window", () => {
    const digest = buildDigest(
      articlesIngestedAt((article) =>
        article.file.startsWith("004") ? "2026-01-02T07:00:00.000Z" : "2025-12-20T07:00:00.000Z",
      ),
      { since: new Date("2026-01-01T08:00:00Z"), now: new Date("2026-01-02T08:00:00Z"), maxStories: 5, idf },
    );
    expect(digest.stories.map((story) => story.headline)).toEqual([
      "Kremlin indicates lack of progress following Ukraine talks with US",
    ]);
    const empty = buildDigest(
      articlesIngestedAt(() => "2025-12-20T07:00:00.000Z"),
      {
        since: new Date("2026-01-01T08:00:00Z"),
        now: new Date("2026-01-02T08:00:00Z"),
        maxStories: 5,
        idf,
      },
    );
    expect(empty.stories).toEqual([]);
    expect(digestToMarkdown(empty)).toMatch(/No new stories\./);
  });

  it("does not count an old article ingested today as new", () => {
    const base = [...index.articles.values()][0] as IndexedArticle;
    const since = new Date("2026-01-01T08:00:00Z");
    const now = new Date("2026-01-02T08:00:00Z");
    const fresh = { ...base, ingestedAt: "2026-01-02T07:00:00.000Z", published: "2026-01-01" };
    expect(arrivedBetween(fresh, since, now)).toBe(true);
    expect(arrivedBetween({ ...fresh, published: "2025-06-01" }, since, now)).toBe(false);
    expect(arrivedBetween({ ...fresh, published: null }, since, now)).toBe(true);
    expect(arrivedBetween({ ...fresh, ingestedAt: "2026-01-02T08:00:01.000Z" }, since, now)).toBe(false);
    expect(arrivedBetween({ ...fresh, published: "2025-06-01" }, null, now)).toBe(true);
  });

  it("renders as Markdown with numbered stories and their sources", () => {
    const digest = buildDigest(index.articles.values(), { since: null, now: new Date(), maxStories: 3, idf });
    const markdown = digestToMarkdown(digest);
    expect(markdown).toMatch(/^# News digest \(all stories\)/);
    expect(markdown).toMatch(/## 1\. Russia rules out Putin-Zelenskyy meeting/);
    expect(markdown).toMatch(/- \[1\] .*\(`00[0-2]_/);
    expect(markdown.match(/^## /gm)).toHaveLength(3);
  });
});
