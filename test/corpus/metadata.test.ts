import { describe, expect, it } from "vitest";
import {
  isHeadlineLike,
  outletFromUrl,
  parseDate,
  pickTitle,
  readMetadataLine,
  readRelativeTimeLine,
  shortenToTitle,
} from "../../src/corpus/metadata.js";

describe("parseDate", () => {
  it.each([
    ["2025-08-28", "2025-08-28"],
    ["2023-11-27T08:45:59+00:00", "2023-11-27"],
    ["Aug. 28, 2025 Updated Aug. 29, 2025", "2025-08-28"],
    ["Sept. 3, 2024", "2024-09-03"],
    ["Published 24 February 2022", "2022-02-24"],
    ["2024/05/03", "2024-05-03"],
  ])("reads %j as %s", (text, expected) => {
    expect(parseDate(text)).toBe(expected);
  });

  it.each(["2 days ago", "08/28/2025", "Feb. 30, 2024", "sometime in 2024", ""])("finds no date in %j", (text) => {
    expect(parseDate(text)).toBeNull();
  });
});

describe("outletFromUrl", () => {
  it("names well-known hosts and their subdomains", () => {
    expect(outletFromUrl("https://www.usatoday.com/story/news/x")).toBe("USA TODAY");
    expect(outletFromUrl("https://college.usatoday.com/x")).toBe("USA TODAY");
    expect(outletFromUrl("https://edition.cnn.com/2025/x")).toBe("CNN");
  });

  it("falls back to the host without www, and to null for non-URLs", () => {
    expect(outletFromUrl("https://www.example-news.org/a")).toBe("example-news.org");
    expect(outletFromUrl("not a url")).toBeNull();
    expect(outletFromUrl(null)).toBeNull();
  });
});

describe("readMetadataLine", () => {
  it("reads author lines", () => {
    expect(readMetadataLine("Author: Sophia Brooks")).toEqual({ kind: "author", meta: { author: "Sophia Brooks" } });
    expect(readMetadataLine("By Lois Lane")?.meta).toEqual({ author: "Lois Lane" });
  });

  it("takes a 'Source:' line as the outlet only when it names one", () => {
    expect(readMetadataLine("Source: Reuters")?.meta).toEqual({ source: "Reuters" });
    expect(readMetadataLine("Source: Ushakov in an interview with Kremlin propagandist Pavel Zarubin")).toBeNull();
  });

  it("recognises relative times, reading times and counters without inventing a date", () => {
    expect(readMetadataLine("• Last update: 2 days ago")).toEqual({ kind: "relative-time", meta: {} });
    expect(readMetadataLine("• 4 min read")?.kind).toBe("reading-time");
    expect(readMetadataLine("• 11 Views")?.kind).toBe("counter");
    expect(readMetadataLine("Updated 4:47 p.m. ET")).toEqual({ kind: "date", meta: {} });
  });

  it("reads a lone URL line", () => {
    expect(readMetadataLine("https://example.com/news/1")?.meta).toEqual({ url: "https://example.com/news/1" });
  });

  it("leaves sentences alone", () => {
    expect(readMetadataLine("Since the invasion on 24 February 2022, thousands have been killed.")).toBeNull();
    expect(readMetadataLine("By holding calls with both leaders, we will see what is possible.")).toBeNull();
  });
});

describe("readRelativeTimeLine", () => {
  it("separates an outlet glued to a relative time", () => {
    expect(readRelativeTimeLine("Yahooa day ago")).toEqual({ outlet: "Yahoo" });
    expect(readRelativeTimeLine("time21 minutes ago")).toEqual({ outlet: null });
    expect(readRelativeTimeLine("The Hill 3 hours ago")).toEqual({ outlet: "The Hill" });
    expect(readRelativeTimeLine("The talks ended a day ago without a deal")).toBeNull();
  });
});

describe("titles", () => {
  it("recognises headlines, including ones with a period inside", () => {
    expect(isHeadlineLike("Putin didn't budge in Ukraine peace talks. Now Donald Trump may be forced to act")).toBe(
      true,
    );
    expect(isHeadlineLike("Russia rules out Putin-Zelenskyy meeting until end of peace talks")).toBe(true);
    expect(isHeadlineLike("Peskov rejected the proposal on Friday.")).toBe(false);
  });

  it("shortens a long lead sentence at a word boundary with an ellipsis", () => {
    const lead =
      "The Kremlin ruled out a meeting between Russian President Vladimir Putin and Ukrainian President Volodymyr Zelensky before progress.";
    const title = shortenToTitle(lead);
    expect(title).toBe("The Kremlin ruled out a meeting between Russian President Vladimir Putin and Ukrainian…");
    expect(shortenToTitle("Short lead.")).toBe("Short lead.");
  });

  it("picks a headline-shaped first paragraph and removes it from the body", () => {
    expect(pickTitle(["Bridge reopens", "The bridge reopened on Friday after repairs."])).toEqual({
      title: "Bridge reopens",
      paragraphs: ["The bridge reopened on Friday after repairs."],
    });
  });

  it("keeps a lead sentence in the body and titles the article with it", () => {
    const result = pickTitle(["The bridge reopened on Friday.", "Traffic resumed at once."]);
    expect(result.title).toBe("The bridge reopened on Friday.");
    expect(result.paragraphs).toHaveLength(2);
  });
});
