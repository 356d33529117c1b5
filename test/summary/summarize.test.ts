import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOT_COVERED } from "../../src/answer/types.js";
import type { NewsIndex } from "../../src/index/open.js";
import { figures, findDisagreement } from "../../src/summary/disagreements.js";
import { articleSentences } from "../../src/summary/sentences.js";
import { type Summary, summarizeArticle, summarizePeriod, summarizeTopic } from "../../src/summary/summarize.js";
import { indexedWorkspace } from "../support/corpus.js";

let index: NewsIndex;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const built = await indexedWorkspace(async (corpusDir) => {
    // Two outlets giving different figures for the same aid package, on the same day.
    const rows = [
      {
        id: "aid-a",
        title: "Germany pledges air defence systems to Ukraine",
        source: "Wire One",
        published: "2025-07-24",
        text: "Germany will send two Patriot systems to Ukraine, the defence ministry in Berlin said on Thursday. The systems are to arrive within months. Officials said the delivery was agreed with Washington.",
      },
      {
        id: "aid-b",
        title: "Berlin to deliver Patriot batteries to Kyiv",
        source: "Daily Two",
        published: "2025-07-24",
        text: "Germany will send three Patriot systems to Ukraine, the defence ministry in Berlin said on Thursday. The delivery was agreed with Washington, officials said. The batteries are to arrive within months.",
      },
    ];
    await writeFile(path.join(corpusDir, "aid.jsonl"), rows.map((row) => JSON.stringify(row)).join("\n"));
  });
  index = built.index;
  cleanup = built.workspace.cleanup;
}, 60_000);
afterAll(async () => cleanup?.());

/** Every [n] in the text names a listed citation, and every citation is used. */
function expectWellCited(summary: Summary) {
  const used = new Set([...summary.summary.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1])));
  expect(used.size).toBeGreaterThan(0);
  expect([...used].sort((a, b) => a - b)).toEqual(summary.citations.map((citation) => citation.n));
  for (const citation of summary.citations) {
    const article = index.articles.get(citation.docId);
    expect(article).toBeDefined();
    // Quotes are the article's own sentences.
    expect(article?.text).toContain(citation.quote);
  }
}

describe("topic summaries", () => {
  it("summarise the Putin-Zelensky meeting story with sentences cited to its outlets", async () => {
    const summary = await summarizeTopic(index, "Putin Zelensky meeting", { referenceDate: "2025-07-26" });
    expect(summary.answered).toBe(true);
    expectWellCited(summary);
    const files = summary.citations.map((citation) => citation.file.slice(0, 3));
    expect(files).toEqual(expect.arrayContaining(["000", "001"]));
    // Restatements from other outlets are said once, crediting them.
    expect(summary.summary).toMatch(/\[\d+\]\[\d+\]/);
    expect(summary.summary).toMatch(/also reported by/);
  });

  it("note where outlets give different figures for the same thing", async () => {
    const summary = await summarizeTopic(index, "Patriot systems Germany Ukraine", { referenceDate: "2025-07-26" });
    expect(summary.answered).toBe(true);
    expectWellCited(summary);
    expect(summary.summary).toMatch(
      /Reports differ: (Wire One|Daily Two) says “Germany will send (two|three) Patriot systems/,
    );
  });

  it("say plainly when the corpus does not cover the topic", async () => {
    const summary = await summarizeTopic(index, "bitcoin mining difficulty", { referenceDate: "2025-07-26" });
    expect(summary).toMatchObject({ answered: false, summary: NOT_COVERED, citations: [] });
  });
});

describe("article summaries", () => {
  it("give an article's key points in its own order, each cited", () => {
    const article = [...index.articles.values()].find((a) => a.file.startsWith("004"));
    if (!article) throw new Error("seed 004 missing");
    const summary = summarizeArticle(index, article.docId);
    expect(summary.answered).toBe(true);
    expectWellCited(summary);
    expect(summary.citations[0]?.docId).toBe(article.docId);
    const sentences = summary.summary.split(/\s*\[\d+\](?:\[\d+\])*\s*/).filter(Boolean);
    expect(sentences.length).toBeGreaterThanOrEqual(2);
    expect(sentences.length).toBeLessThanOrEqual(3);
    const positions = sentences.map((sentence) => article.text.indexOf(sentence));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it("reject an unknown article id with a clear error", () => {
    expect(() => summarizeArticle(index, "nope")).toThrow(/No article with id nope/);
  });
});

describe("period summaries", () => {
  it("list the stories of a period, most covered first, each headline with a cited sentence", () => {
    const summary = summarizePeriod(index, "all", { referenceDate: "2025-07-26" });
    expect(summary.answered).toBe(true);
    expectWellCited(summary);
    expect(summary.stories[0]?.headline).toBe("Russia rules out Putin-Zelenskyy meeting until end of peace talks");
    expect(summary.summary.split("\n\n")).toHaveLength(summary.stories.length);
  });

  it("keep to the period's dates", () => {
    // Only the two aid articles carry a publication date (2025-07-24); the seeds fall back to
    // their ingestion time, which is today, not 2025.
    const week = summarizePeriod(index, "week", { referenceDate: "2025-07-26" });
    expect(week.stories.flatMap((story) => story.articles).sort()).toEqual(
      [...index.articles.values()]
        .filter((a) => a.published === "2025-07-24")
        .map((a) => a.docId)
        .sort(),
    );
    const today = summarizePeriod(index, "today", { referenceDate: "2025-07-26" });
    expect(today).toMatchObject({ answered: false, stories: [], citations: [] });
  });
});

describe("figures and disagreements", () => {
  it("read figures with what they count", () => {
    expect(figures("Germany will send two Patriot systems and €34 billion in aid.")).toEqual(
      new Map([
        ["patriot system", 2],
        ["aid", 34e9],
      ]),
    );
    expect(figures("In 2025 the talks lasted 40 minutes.").get("minut")).toBe(40);
    expect(figures("In 2025 the talks lasted 40 minutes.").has("talk")).toBe(false);
    // Dates are not counts; the same noun counting different things is not a disagreement.
    expect(figures("They met on 12 March in Geneva.").size).toBe(0);
    expect(figures("3 people were killed").get("peopl kill")).toBe(3);
    expect(figures("5 people were injured").has("peopl kill")).toBe(false);
  });

  it("find none when outlets agree", () => {
    const sentences = [...index.articles.values()]
      .filter((article) => article.file.startsWith("00"))
      .flatMap(articleSentences)
      .filter((sentence) => sentence.text.includes("50-day"));
    expect(sentences.length).toBeGreaterThan(1);
    expect(findDisagreement(sentences)).toBeNull();
  });
});
