/**
 * Acceptance tests on the five real seed pages in seeds/: what the corpus stage must make of them.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hasCtaCue } from "../../src/corpus/clean.js";
import { parseCorpusFile } from "../../src/corpus/parse.js";
import type { Article } from "../../src/corpus/types.js";
import { splitSentences } from "../../src/text/sentences.js";

const SEEDS = {
  lead: "000_00e4ec12b4e5cdc5.txt",
  headline: "001_f27a532cdd26be91.txt",
  subheading: "002_351b40bd90625af1.txt",
  aggregator: "003_96617febb30a210b.txt",
  navigation: "004_97223278cfabf412.txt",
} as const;

function seedText(name: string): string {
  return readFileSync(new URL(`../../seeds/${name}`, import.meta.url), "utf8");
}

function parseSeed(name: string): Article[] {
  const parsed = parseCorpusFile(name, Buffer.from(seedText(name)));
  expect(parsed.warnings).toEqual([]);
  return parsed.articles;
}

function paragraphs(article: Article): string[] {
  return article.text.split("\n\n");
}

function seedLines(name: string): string[] {
  return seedText(name)
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}

describe("seed 003: aggregator page with three related articles", () => {
  const articles = parseSeed(SEEDS.aggregator);

  it("splits into four articles with their own headlines and outlets", () => {
    expect(articles.map((article) => [article.title, article.source])).toEqual([
      ["Kremlin says Trump–Putin meeting may not happen this year", "Yahoo"],
      ["Putin didn't budge in Ukraine peace talks. Now Donald Trump may be forced to act", "Yahoo"],
      ["Ukraine, Russia peace talks: POW deal, but no ceasefire", "The Hill"],
      ["Ukrainian strikes cut power to Russian-held areas, officials say", "Yahoo"],
    ]);
    expect(articles.map((article) => article.part)).toEqual([0, 1, 2, 3]);
  });

  it("leaves no page chrome, prompts or header lines in any article", () => {
    const junk = [
      "Try Our AI Features",
      "No comments yet",
      "Related Articles",
      "DOWNLOAD THE APP",
      "logo",
      "Orange background",
      "app-storeplay-store",
      "Support Ukrainska Pravda on Patreon!",
      "Explore what Daily8 AI can do for you",
      "Download our app",
      "a day ago",
      "minutes ago",
    ];
    for (const article of articles) {
      for (const phrase of junk) expect(article.text).not.toContain(phrase);
      // The header block (outlet line, repeated headline) is not body text either.
      expect(paragraphs(article)).not.toContain(article.title);
      expect(paragraphs(article)).not.toContain("Yahoo");
      expect(paragraphs(article)).not.toContain("• Yahoo");
      expect(paragraphs(article)).not.toContain("Comments");
    }
  });

  it("keeps the first article's text, including its labelled 'Source:' line, from lead to last sentence", () => {
    const [first] = articles;
    expect(first?.text.startsWith("Yuri Ushakov, Russian leader Vladimir Putin's foreign policy advisor")).toBe(true);
    expect(first?.text.endsWith("while warning that it must be thoroughly prepared.")).toBe(true);
    expect(first?.text).toContain("Source: Ushakov in an interview with Kremlin propagandist Pavel Zarubin");
  });

  it("does not take a 'Source:' line naming a person for the outlet", () => {
    expect(articles[0]?.source).not.toMatch(/Ushakov/);
  });

  it("drops newsletter prompts from inside The Hill's long paragraph but keeps the reporting around them", () => {
    const hill = articles[2]?.text ?? "";
    expect(hill).not.toContain("Did someone forward you this newsletter?");
    expect(hill).not.toContain("Subscribe here.");
    expect(hill).not.toContain("Thank you for signing up!");
    expect(hill).not.toContain("Subscribe to more newsletters here");
    expect(hill).not.toContain("Read the full report at");
    expect(hill).not.toMatch(/\bRead more\b/);
    expect(hill).toContain(
      "Delegations from Russia and Ukraine wrapped up peace talks Monday with plans to swap prisoners",
    );
    expect(hill).toContain("according to Kyiv.");
    expect(hill).toContain("Kavanaugh signals Supreme Court will soon decide constitutionality of banning AR-15s");
  });

  it("keeps the whole body of the last article and nothing of the app prompt after it", () => {
    const last = articles[3]?.text ?? "";
    expect(last.startsWith("(Reuters) -Ukrainian shelling and drone attacks")).toBe(true);
    expect(
      last.endsWith(
        "The IAEA has stationed monitors permanently at Zaporizhzhia and Ukraine's other nuclear power stations.",
      ),
    ).toBe(true);
  });
});

describe("seed 004: article wrapped in site navigation", () => {
  const articles = parseSeed(SEEDS.navigation);
  const article = articles[0];

  it("stays one article with its headline as title and its author from the 'Author:' line", () => {
    expect(articles).toHaveLength(1);
    expect(article?.title).toBe("Kremlin indicates lack of progress following Ukraine talks with US");
    expect(article?.author).toBe("Sophia Brooks");
  });

  it("loses breadcrumbs, bullet metadata, section labels, the author line and the share button", () => {
    const body = article?.text ?? "";
    for (const phrase of [
      "HOME",
      "Last update",
      "4 min read",
      "11 Views",
      "Author:",
      "Kremlin indicates lack of progress",
    ]) {
      expect(body).not.toContain(phrase);
    }
    expect(paragraphs(article as Article)).not.toContain("WORLD");
    expect(paragraphs(article as Article)).not.toContain("• WORLD");
    expect(paragraphs(article as Article)).not.toContain("Share");
  });

  it("keeps all twelve body paragraphs in order", () => {
    const kept = paragraphs(article as Article);
    expect(kept).toHaveLength(12);
    expect(kept[0]?.startsWith("After five hours of discussions")).toBe(true);
    expect(kept[11]?.startsWith("Zelensky highlighted that control over Ukrainian territory")).toBe(true);
    const bodyLines = seedLines(SEEDS.navigation).filter((line) => line.split(/\s+/).length > 12);
    expect(kept).toEqual(bodyLines);
  });

  it("takes no publication date from a relative time or from a date inside a sentence", () => {
    expect(article?.published).toBeNull();
  });
});

describe("seeds 000-002: ordinary single articles", () => {
  it("000 stays one article titled with its shortened lead sentence, and keeps every line", () => {
    const articles = parseSeed(SEEDS.lead);
    expect(articles).toHaveLength(1);
    const [article] = articles;
    const firstSentence = splitSentences(seedLines(SEEDS.lead)[0] ?? "")[0] ?? "";
    expect(article?.title.endsWith("…")).toBe(true);
    expect(article?.title.length).toBeLessThanOrEqual(91);
    expect(firstSentence.startsWith(article?.title.slice(0, -1) ?? "-")).toBe(true);
    expect(paragraphs(article as Article)).toEqual(seedLines(SEEDS.lead));
    expect(article?.source).toBeNull();
  });

  it("001 stays one article titled with its headline, which leaves the body", () => {
    const articles = parseSeed(SEEDS.headline);
    expect(articles).toHaveLength(1);
    const [article] = articles;
    expect(article?.title).toBe("Russia rules out Putin-Zelenskyy meeting until end of peace talks");
    expect(paragraphs(article as Article)).toEqual(seedLines(SEEDS.headline).slice(1));
    expect(article?.source).toBeNull();
  });

  it("002 stays one article that keeps its subheading, its caption and all its paragraphs", () => {
    const articles = parseSeed(SEEDS.subheading);
    expect(articles).toHaveLength(1);
    const kept = paragraphs(articles[0] as Article);
    expect(kept).toContain("Ukraine secures three Patriot missile systems");
    expect(kept).toEqual(seedLines(SEEDS.subheading));
    expect(articles[0]?.title.startsWith("The Kremlin has said that a summit")).toBe(true);
    expect(articles[0]?.source).toBeNull();
  });
});

describe("cleaning never loses reporting", () => {
  it("keeps every seed sentence of more than 12 words that has no call-to-action cue", () => {
    const squash = (text: string): string => text.replace(/\s+/g, " ");
    let checked = 0;
    for (const name of Object.values(SEEDS)) {
      const output = squash(
        parseSeed(name)
          .map((article) => `${article.title}\n${article.text}`)
          .join("\n"),
      );
      for (const sentence of splitSentences(seedText(name))) {
        if (sentence.split(/\s+/).length <= 12 || hasCtaCue(sentence)) continue;
        checked += 1;
        expect(output, `${name}: ${sentence}`).toContain(squash(sentence));
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
