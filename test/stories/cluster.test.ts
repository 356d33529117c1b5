import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewsIndex } from "../../src/index/open.js";
import { assignStories, DEFAULT_STORY_OPTIONS, type StoryInput } from "../../src/stories/cluster.js";
import { listStories } from "../../src/stories/stories.js";
import { indexedWorkspace } from "../support/corpus.js";

let index: NewsIndex;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const built = await indexedWorkspace();
  index = built.index;
  cleanup = built.workspace.cleanup;
}, 60_000);
afterAll(async () => cleanup?.());

const storyOfFile = (prefix: string, part = 0) =>
  [...index.articles.values()].find((article) => article.file.startsWith(prefix) && article.part === part)?.storyId;

describe("stories on the seeds", () => {
  it("puts the three outlets' Kremlin articles (000, 001, 002) in one story and 004 in another", () => {
    const kremlin = storyOfFile("000");
    expect(kremlin).toBeTruthy();
    expect(storyOfFile("001")).toBe(kremlin);
    expect(storyOfFile("002")).toBe(kremlin);
    expect(storyOfFile("004")).not.toBe(kremlin);
  });

  it("places the four articles inside 003 by their content: none joins the Kremlin story or 004's", () => {
    for (const part of [0, 1, 2, 3]) {
      const story = storyOfFile("003", part);
      expect(story).toBeTruthy();
      expect(story).not.toBe(storyOfFile("000"));
      expect(story).not.toBe(storyOfFile("004"));
    }
  });

  it("lists stories most covered first, with a complete headline and every member", () => {
    const stories = listStories(index.articles.values());
    expect(stories).toHaveLength(6);
    const [top] = stories;
    expect(top?.articles.map((article) => article.file.slice(0, 3)).sort()).toEqual(["000", "001", "002"]);
    expect(top?.coverage).toBe(3);
    // 000's and 002's scraped titles end in "…"; 001's is whole.
    expect(top?.headline).toBe("Russia rules out Putin-Zelenskyy meeting until end of peace talks");
  });
});

const article = (docId: string, title: string, text: string, published: string | null = "2025-07-25"): StoryInput => ({
  docId,
  title,
  text,
  published,
  ingestedAt: "2025-07-26T00:00:00.000Z",
});

// Six unrelated articles give the idf a background, as any real corpus does.
const background = [
  article(
    "bg1",
    "Heatwave grips southern Europe",
    "Temperatures passed 44C in Seville as Spain issued red alerts. Farmers reported crop losses and hospitals saw more patients.",
  ),
  article(
    "bg2",
    "Central bank holds rates",
    "The central bank kept its main rate at 4.25 percent, citing sticky services inflation. Markets had expected the pause.",
  ),
  article(
    "bg3",
    "Football club signs striker",
    "The club signed the striker on a five-year contract for a record fee. Fans gathered outside the stadium.",
  ),
  article(
    "bg4",
    "Wildfires close highway",
    "Firefighters battled wildfires that closed the coastal highway for two days. Residents of three villages were evacuated.",
  ),
  article(
    "bg5",
    "Chip maker opens plant",
    "The chip maker opened a new fabrication plant that will employ 3,000 people. The governor attended the ceremony.",
  ),
  article(
    "bg6",
    "Museum returns artefacts",
    "The museum returned 40 bronze artefacts to Nigeria after years of talks with the government in Abuja.",
  ),
];

describe("assignStories on synthetic articles", () => {
  it("keeps two different stories apart even when they share the same names", () => {
    const summit = article(
      "summit",
      "Trump and Putin agree to hold summit in Alaska",
      "President Donald Trump and Russian President Vladimir Putin agreed to meet at a summit in Anchorage, Alaska, next Friday. The White House said the summit would focus on a ceasefire. Officials in Anchorage began preparing venues for the summit delegations.",
    );
    const tariffs = article(
      "tariffs",
      "Trump threatens tariffs on buyers of Russian oil, Putin shrugs",
      "President Donald Trump threatened secondary tariffs of 100 percent on countries buying Russian oil. Vladimir Putin said the Russian economy would cope with the tariffs. India and China, the largest buyers of Russian crude, said they would keep importing oil.",
    );
    const stories = assignStories([...background, summit, tariffs], DEFAULT_STORY_OPTIONS);
    expect(stories.get("summit")).not.toBe(stories.get("tariffs"));
  });

  it("joins two outlets' differently worded reports of one event", () => {
    const a = article(
      "a",
      "Earthquake of magnitude 7.1 strikes off Kamchatka coast",
      "A magnitude 7.1 earthquake struck off the coast of Kamchatka on Friday, triggering tsunami warnings across the Pacific. Residents of Petropavlovsk-Kamchatsky were told to move to higher ground.",
    );
    const b = article(
      "b",
      "Tsunami warnings after strong Kamchatka earthquake",
      "Tsunami warnings were issued across the Pacific after a strong earthquake of magnitude 7.1 hit near Kamchatka. Authorities in Petropavlovsk-Kamchatsky urged residents to reach higher ground.",
    );
    const stories = assignStories([...background, a, b], DEFAULT_STORY_OPTIONS);
    expect(stories.get("a")).toBe(stories.get("b"));
    expect(stories.get("bg1")).not.toBe(stories.get("a"));
  });

  it("never joins articles whose dates are further apart than the gap allowed", () => {
    const text =
      "A magnitude 7.1 earthquake struck off the coast of Kamchatka, triggering tsunami warnings across the Pacific. Residents of Petropavlovsk-Kamchatsky moved to higher ground.";
    const early = article("early", "Kamchatka earthquake triggers tsunami warnings", text, "2025-07-01");
    const late = article("late", "Kamchatka earthquake triggers tsunami warnings", text, "2025-07-20");
    const stories = assignStories([...background, early, late], DEFAULT_STORY_OPTIONS);
    expect(stories.get("early")).not.toBe(stories.get("late"));
    const together = assignStories([...background, early, late], { ...DEFAULT_STORY_OPTIONS, maxGapDays: 30 });
    expect(together.get("early")).toBe(together.get("late"));
  });

  it("keeps given story ids and lets a new article join an existing story", () => {
    const a = {
      ...article(
        "a",
        "Earthquake of magnitude 7.1 strikes off Kamchatka coast",
        "A magnitude 7.1 earthquake struck off the coast of Kamchatka on Friday, triggering tsunami warnings across the Pacific.",
      ),
      storyId: "s-kept",
    };
    const b = article(
      "b",
      "Tsunami warnings after strong Kamchatka earthquake",
      "Tsunami warnings were issued across the Pacific after a strong earthquake of magnitude 7.1 struck off Kamchatka.",
    );
    const stories = assignStories([...background, a, b], DEFAULT_STORY_OPTIONS);
    expect(stories.get("a")).toBe("s-kept");
    expect(stories.get("b")).toBe("s-kept");
    expect(stories.get("bg2")).toBe("s-bg2");
  });
});
