import { describe, expect, it } from "vitest";
import { splitSentences } from "../../src/text/sentences.js";
import { contentTerms, stem, wordTokens } from "../../src/text/tokens.js";

describe("splitSentences", () => {
  it("does not split after abbreviations, initials, party tags or times", () => {
    const text =
      "Senate Majority Leader John Thune (R-S.D.) said he would wait. Updated Aug. 29, 2025, 4:47 p.m. ET. The U.S. Army agreed. Mr. Peskov spoke.";
    expect(splitSentences(text)).toEqual([
      "Senate Majority Leader John Thune (R-S.D.) said he would wait.",
      "Updated Aug. 29, 2025, 4:47 p.m. ET.",
      "The U.S. Army agreed.",
      "Mr. Peskov spoke.",
    ]);
  });

  it("ends sentences inside closing quotes and at paragraph breaks", () => {
    expect(
      splitSentences("He said the positions were “diametrically opposed.” Talks went on.\nA new paragraph"),
    ).toEqual(["He said the positions were “diametrically opposed.”", "Talks went on.", "A new paragraph"]);
  });

  it("does not split before a lower-case continuation or inside numbers", () => {
    expect(splitSentences("It cost €34.5 billion. it was said... and more.")).toEqual([
      "It cost €34.5 billion. it was said... and more.",
    ]);
  });
});

describe("tokens", () => {
  it("folds case and diacritics and drops possessives", () => {
    expect(wordTokens("Zélenskyy's KREMLIN")).toEqual(["zelenskyy", "kremlin"]);
  });
  it("stems plurals but leaves short words and numbers alone", () => {
    expect(stem("missiles")).toBe(stem("missile"));
    expect(stem("countries")).toBe("country");
    expect(stem("lasted")).toBe(stem("last"));
    expect(stem("meeting")).toBe(stem("meet"));
    expect(stem("planned")).toBe(stem("plan"));
    expect(stem("based")).toBe(stem("base"));
    expect(stem("making")).toBe(stem("make"));
    expect(stem("news")).not.toBe(stem("new"));
    expect(stem("string")).toBe("string");
    expect(stem("bus")).toBe("bus");
    expect(stem("1990s")).toBe("1990s");
  });
  it("keeps dotted acronyms and grouped numbers whole", () => {
    expect(contentTerms("The U.S. freed 1,200 prisoners")).toEqual(contentTerms("The US freed 1200 prisoners"));
    expect(contentTerms("In May")).toEqual(["may"]);
  });

  it("drops stopwords from content terms", () => {
    expect(contentTerms("What did the Kremlin say about the talks?")).toEqual(["kremlin", "talk"]);
  });
});
