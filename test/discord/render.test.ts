import { describe, expect, it } from "vitest";
import type { Answer, Citation } from "../../src/answer/types.js";
import type { Digest } from "../../src/digest/digest.js";
import {
  DISCORD_LIMITS,
  renderAnswer,
  renderDigest,
  renderQuotes,
  renderSourcesPage,
  renderSummary,
  safeText,
  sourceFields,
  splitAnswerText,
} from "../../src/discord/render.js";
import type { IndexedArticle } from "../../src/index/records.js";
import type { Summary } from "../../src/summary/summarize.js";

const citation = (n: number, overrides: Partial<Citation> = {}): Citation => ({
  n,
  docId: `doc${n}`,
  title: `Article number ${n} about the peace talks in Istanbul and what followed them`,
  source: "The Hill",
  published: "2025-06-02",
  url: `https://example.com/story-${n}`,
  file: `file-${n}.txt`,
  quote: `Quote ${n}.`,
  quotes: [`Quote ${n}.`],
  chunkIds: [`c${n}`],
  ...overrides,
});

const answer = (text: string, citations: Citation[], overrides: Partial<Answer> = {}): Answer => ({
  question: "What happened?",
  answered: true,
  answer: text,
  citations,
  note: null,
  timeFilter: null,
  retrieved: [],
  ...overrides,
});

function embedTotal(message: ReturnType<typeof renderAnswer>[number]): number {
  return message.embeds.reduce(
    (sum, embed) =>
      sum +
      (embed.title?.length ?? 0) +
      (embed.description?.length ?? 0) +
      (embed.footer?.text.length ?? 0) +
      (embed.fields ?? []).reduce((s, field) => s + field.name.length + field.value.length, 0),
    0,
  );
}

function assertWithinLimits(messages: ReturnType<typeof renderAnswer>): void {
  for (const message of messages) {
    expect(message.allowedMentions).toEqual({ parse: [] });
    expect(message.content?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    expect(message.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embeds);
    expect(embedTotal(message)).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
    for (const embed of message.embeds) {
      expect(embed.description?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
      expect(embed.title?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.embedTitle);
      expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
      for (const field of embed.fields ?? []) expect(field.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
    }
  }
}

describe("renderAnswer", () => {
  it("puts the answer with its [n] markers in the description and the cited sources, linked, in a field", () => {
    const [message, ...rest] = renderAnswer(answer("Three systems were confirmed. [1]", [citation(1)]), {
      answerId: "a1",
    });
    expect(rest).toEqual([]);
    expect(message?.embeds[0]?.description).toBe("Three systems were confirmed. [1]");
    expect(message?.embeds[0]?.fields?.[0]?.name).toBe("Sources");
    expect(message?.embeds[0]?.fields?.[0]?.value).toContain("[Article number 1 about the peace talks");
    expect(message?.embeds[0]?.fields?.[0]?.value).toContain("](https://example.com/story-1) — The Hill, 2025-06-02");
    const ids = message?.components[0]?.components.map((button) => ("custom_id" in button ? button.custom_id : ""));
    expect(ids).toEqual(["fb:up:a1", "fb:down:a1", "quotes:a1"]);
  });

  it("splits a very long answer into several messages between sentences, never inside a marker, all within limits", () => {
    const sentences = Array.from(
      { length: 120 },
      (_, i) => `Sentence ${i} reports a long detail about the negotiations and who said what. [${(i % 30) + 1}]`,
    );
    const citations = Array.from({ length: 30 }, (_, i) => citation(i + 1));
    const messages = renderAnswer(answer(sentences.join(" "), citations), { answerId: "a2" });
    expect(messages.length).toBeGreaterThan(1);
    assertWithinLimits(messages);
    for (const message of messages) {
      const description = message.embeds[0]?.description ?? "";
      expect(description).toMatch(/\[\d+\]$/);
      expect(description).not.toMatch(/\[\d*$/);
    }
    const joined = messages.map((m) => m.embeds[0]?.description).join(" ");
    expect(joined.match(/Sentence \d+/g)).toHaveLength(120);
    expect(messages[messages.length - 1]?.components).toHaveLength(1);
    expect(messages[0]?.components).toHaveLength(0);
  });

  it("escapes markdown and defuses @everyone from article text", () => {
    const [message] = renderAnswer(
      answer("Ping @everyone and **shout** [1]", [citation(1, { title: "A *bold* [title]" })]),
    );
    expect(message?.embeds[0]?.description).toContain("@\u200beveryone");
    expect(message?.embeds[0]?.description).toContain("\\*\\*shout\\*\\*");
    expect(message?.embeds[0]?.fields?.[0]?.value).not.toContain("[title]]");
  });

  it("shows a refusal without sources or a quotes button", () => {
    const [message] = renderAnswer(answer("The articles I have don't cover that.", [], { answered: false }), {
      answerId: "a3",
    });
    expect(message?.embeds[0]?.fields).toBeUndefined();
    expect(message?.components[0]?.components).toHaveLength(2);
  });

  it("puts the note (e.g. a widened date range) in the footer", () => {
    const [message] = renderAnswer(answer("x. [1]", [citation(1)], { note: "No articles from last week." }));
    expect(message?.embeds[0]?.footer?.text).toBe("No articles from last week.");
  });
});

describe("helpers", () => {
  it("packs many sources into fields of at most 1024 characters", () => {
    const fields = sourceFields(Array.from({ length: 40 }, (_, i) => citation(i + 1)));
    expect(fields.length).toBeLessThanOrEqual(5);
    for (const field of fields) expect(field.value.length).toBeLessThanOrEqual(1024);
    expect(fields[fields.length - 1]?.value).toMatch(/…and \d+ more$/);
  });

  it("splitAnswerText keeps each piece under the limit", () => {
    const pieces = splitAnswerText("A. [1] B is longer. [2] C. [3]", 12);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(12);
  });

  it("safeText escapes markdown characters", () => {
    expect(safeText("**a** _b_ `c` ~~d~~ ||e||")).toBe("\\*\\*a\\*\\* \\_b\\_ \\`c\\` \\~\\~d\\~\\~ \\|\\|e\\|\\|");
  });

  it("renders quotes within the description limit", () => {
    const long = Array.from({ length: 50 }, (_, i) => citation(i + 1, { quotes: ["q".repeat(500)] }));
    const payload = renderQuotes(long);
    expect(payload.embeds[0]?.description?.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
  });

  it("pages sources ten at a time with previous/next buttons", () => {
    const articles = Array.from(
      { length: 23 },
      (_, i) =>
        ({ docId: `d${i}`, title: `Story ${i}`, source: "X", published: null, url: null }) as unknown as IndexedArticle,
    );
    const first = renderSourcesPage(articles, 0, "");
    expect(first.embeds[0]?.footer?.text).toMatch(/Page 1 of 3/);
    const buttons = first.components[0]?.components ?? [];
    expect(buttons.map((b) => ("disabled" in b ? b.disabled : undefined))).toEqual([true, false]);
    const last = renderSourcesPage(articles, 9, "");
    expect(last.embeds[0]?.footer?.text).toMatch(/Page 3 of 3/);
    expect(last.embeds[0]?.description?.split("\n")).toHaveLength(3);
  });
});

const digestOf = (count: number, size: number): Digest => ({
  generatedAt: "2026-03-27T08:00:00.000Z",
  since: "2026-03-26T08:00:00.000Z",
  coveredUntil: "2026-03-27T07:00:00.000Z",
  stories: Array.from({ length: count }, (_, i) => ({
    id: `s${i}`,
    headline: `Headline ${i} `.repeat(40),
    summary: `${"A long sentence about what happened at the talks, with **stars** and @everyone. ".repeat(size)}[1][2]`,
    outlets: ["The Hill", "Yahoo"],
    articles: ["doc1", "doc2"],
    files: ["file-1.txt", "file-2.txt"],
    citations: [citation(1), citation(2, { url: null })],
    articleCount: 2,
    newArticles: 2,
  })),
});

describe("renderDigest", () => {
  it("keeps every message within Discord's limits, one embed per story, in order", () => {
    for (const [count, size] of [
      [1, 1],
      [5, 60],
      [10, 200],
      [12, 3],
    ] as const) {
      const messages = renderDigest(digestOf(count, size), { day: "2026-03-27" });
      assertWithinLimits(messages);
      const titles = messages.flatMap((message) => message.embeds.map((embed) => embed.title ?? ""));
      expect(titles).toHaveLength(count);
      titles.forEach((title, i) => {
        expect(title.startsWith(`${i + 1}. Headline ${i}`)).toBe(true);
      });
      expect(messages[0]?.content).toMatch(/^\*\*Daily digest for 2026-03-27\*\*: \d+ stor(y|ies)/);
      for (const embed of messages.flatMap((message) => message.embeds)) {
        expect(embed.description).not.toMatch(/(?<!\\)\*\*stars/);
        expect(embed.description).not.toMatch(/@everyone/);
        expect(embed.fields?.[0]).toMatchObject({ name: "Coverage", value: "The Hill, Yahoo · 2 articles" });
        expect(embed.fields?.[1]?.name).toBe("Sources");
      }
    }
  });

  it("says in one line that nothing is new", () => {
    const messages = renderDigest({
      generatedAt: "2026-03-27T08:00:00.000Z",
      since: "2026-03-26T08:00:00.000Z",
      coveredUntil: null,
      stories: [],
    });
    expect(messages).toHaveLength(1);
    expect(messages[0]?.content).toBe("**Daily digest**: no new stories since 2026-03-26 08:00 UTC.");
    expect(messages[0]?.embeds).toEqual([]);
  });
});

describe("renderSummary", () => {
  const summary = (text: string, overrides: Partial<Summary> = {}): Summary => ({
    kind: "topic",
    subject: "peace talks",
    answered: true,
    summary: text,
    citations: [citation(1), citation(2)],
    stories: [],
    note: null,
    ...overrides,
  });

  it("keeps headline bold but escapes the markdown inside article text", () => {
    const [message] = renderSummary(
      summary("**Talks _stall_**: Delegates met *again*. [1]\n\n**Prisoners**: A swap. [2]"),
    );
    expect(message?.embeds[0]?.title).toBe("Summary: peace talks");
    expect(message?.embeds[0]?.description).toBe(
      "**Talks \\_stall\\_**: Delegates met \\*again\\*. [1]\n\n**Prisoners**: A swap. [2]",
    );
  });

  it("splits a long summary between paragraphs within the limits", () => {
    const long = Array.from({ length: 30 }, (_, i) => `**Story ${i}**: ${"Something was said. [1] ".repeat(12)}`).join(
      "\n\n",
    );
    const messages = renderSummary(summary(long));
    expect(messages.length).toBeGreaterThan(1);
    assertWithinLimits(messages);
    for (const message of messages) expect(message.embeds[0]?.description).toMatch(/^\*\*Story \d+\*\*/);
  });
});
