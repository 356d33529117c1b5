import { describe, expect, it } from "vitest";
import { cleanLines, countWords, dropCtaSentences, isCallToAction, normalizeLine } from "../../src/corpus/clean.js";

describe("dropCtaSentences", () => {
  it("drops newsletter prompts from a paragraph while the reporting around them stays", () => {
    const paragraph =
      "The Senate voted 52-48 on Tuesday to confirm the nominee after a long debate. Did someone forward you this newsletter? " +
      "Subscribe here. Thank you for signing up! The vote largely followed party lines, with two Republicans opposed.";
    expect(dropCtaSentences(paragraph)).toBe(
      "The Senate voted 52-48 on Tuesday to confirm the nominee after a long debate. " +
        "The vote largely followed party lines, with two Republicans opposed.",
    );
  });

  it("returns the paragraph unchanged when nothing in it is a prompt", () => {
    const paragraph = "Officials said the bridge would reopen.  Traffic is expected to resume on Monday.";
    expect(dropCtaSentences(paragraph)).toBe(paragraph);
  });

  it("strips a 'Read more' or 'AI-assisted summary' label and keeps the sentence behind it", () => {
    expect(dropCtaSentences("Read more GOP beats down key budget office over tax plan projections")).toBe(
      "GOP beats down key budget office over tax plan projections",
    );
    expect(dropCtaSentences("AI-assisted summary The Trump administration is reportedly planning an operation.")).toBe(
      "The Trump administration is reportedly planning an operation.",
    );
  });

  it("drops the whole paragraph when only a prompt's teaser would remain", () => {
    expect(
      dropCtaSentences(
        "Ready to dive into the world of global news and events? Download our app today from your preferred app store and start exploring.",
      ),
    ).toBe("");
  });
});

describe("isCallToAction", () => {
  it.each([
    "Subscribe here.",
    "Sign up for USA TODAY's Daily Briefing newsletter.",
    "Get Started Now: Download the App",
    "Like what you're reading?: Download the USA TODAY app for more",
    "Follow USA TODAY reporter Nathan Bomey on Twitter @NathanBomey.",
    "Support Ukrainska Pravda on Patreon!",
    "Try Our AI Features",
    "No comments yet...",
    "Related Articles",
    "Read more",
    "Click here to see them.",
    "We use cookies to improve your experience.",
    "ADVERTISEMENT Article continues below this ad",
  ])("treats %j as a prompt", (sentence) => {
    expect(isCallToAction(sentence)).toBe(true);
  });

  it.each([
    "To get started with the tool, first navigate to the IRS website or download the IRS2Go app on the Google Play, Apple App or Amazon app stores.",
    "Users can download the update from Monday, the company said.",
    "Share prices fell 3% on Monday after the report.",
    "They can also sign up for the State Department's free Smart Traveler Enrollment Program when going abroad.",
    "In November 2022, TikTok changed its privacy policy to make it explicitly clear user data can be accessed by some employees.",
    "Like any community, we face our share of challenges and adversity.",
    "“Follow the money and subscribe to nothing,” she told reporters.",
    "The application is currently available on Apple's App Store.",
    "Download and fill out a 1098-E form only if you paid at least $600 in student loan interest.",
    "Support for the measure grew more than expected today.",
    "Share prices fall",
  ])("keeps the real sentence %j", (sentence) => {
    expect(isCallToAction(sentence)).toBe(false);
  });
});

describe("cleanLines", () => {
  it("drops breadcrumbs, bullet metadata, all-caps section labels and share buttons", () => {
    const { paragraphs, dropped } = cleanLines([
      "1. HOME",
      "2. WORLD",
      "3. Talks stall in Geneva",
      "• Last update: 2 days ago",
      "• 4 min read",
      "• 11 Views",
      "• WORLD",
      "Diplomats met for five hours in Geneva on Tuesday without reaching an agreement on the draft.",
      "Share",
    ]);
    expect(paragraphs).toEqual([
      "Diplomats met for five hours in Geneva on Tuesday without reaching an agreement on the draft.",
    ]);
    expect(dropped).toHaveLength(8);
  });

  it("keeps a short subheading followed by prose, and drops one followed by nothing", () => {
    const { paragraphs } = cleanLines([
      "The first paragraph reports what happened in the capital on Monday evening.",
      "Georgia",
      "Valdosta: City and county residents can recycle their trees at an event that runs through Jan. 7.",
      "Comments",
    ]);
    expect(paragraphs).toEqual([
      "The first paragraph reports what happened in the capital on Monday evening.",
      "Georgia",
      "Valdosta: City and county residents can recycle their trees at an event that runs through Jan. 7.",
    ]);
  });

  it("keeps lists of short items, such as nominees, with their lead-in", () => {
    const lines = ["The nominees for best picture are:", "“Belfast”", "“CODA”", "“Dune”", "“King Richard”"];
    expect(cleanLines(lines).paragraphs).toEqual(lines);
  });

  it("drops a lead-in whose list or text was all junk", () => {
    const { paragraphs } = cleanLines([
      "The council approved the budget on Thursday after months of negotiations with the mayor.",
      "Explore what our AI can do for you:",
      "No comments yet...",
    ]);
    expect(paragraphs).toEqual([
      "The council approved the budget on Thursday after months of negotiations with the mayor.",
    ]);
  });

  it("moves bylines and datelines into metadata", () => {
    const { paragraphs, meta } = cleanLines([
      "By Jane Doe and John Roe, Reuters",
      "Aug. 28, 2025 Updated Aug. 29, 2025, 4:47 p.m. ET",
      "The central bank held interest rates steady on Wednesday, as analysts had expected.",
      "Author: Someone Else",
    ]);
    expect(paragraphs).toEqual(["The central bank held interest rates steady on Wednesday, as analysts had expected."]);
    expect(meta).toEqual({ author: "Jane Doe and John Roe", source: "Reuters", published: "2025-08-28" });
  });

  it("drops lines repeating the title and consecutive duplicate lines", () => {
    const { paragraphs } = cleanLines(
      [
        "Bridge to reopen next week",
        "The bridge will reopen next week after repairs, officials said on Friday.",
        "The bridge will reopen next week after repairs, officials said on Friday.",
        "BRIDGE TO REOPEN NEXT WEEK!",
      ],
      { title: "Bridge to reopen next week" },
    );
    expect(paragraphs).toEqual(["The bridge will reopen next week after repairs, officials said on Friday."]);
  });

  it("keeps a 'By ...' sentence that is not a byline", () => {
    const line = "By Monday, the agency had closed 40 offices across the state.";
    expect(cleanLines([line]).paragraphs).toEqual([line]);
  });
});

describe("normalizeLine and countWords", () => {
  it("normalises spaces without touching letters or quotes", () => {
    expect(normalizeLine("\u00a0 “Quoted”\u200b  text\t’s ")).toBe("“Quoted” text ’s");
  });

  it("counts whitespace-separated words", () => {
    expect(countWords("  one two\tthree\nfour ")).toBe(4);
    expect(countWords("   ")).toBe(0);
  });
});
