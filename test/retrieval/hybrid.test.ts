import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewsIndex } from "../../src/index/open.js";
import { retrieve } from "../../src/retrieval/hybrid.js";
import { indexedWorkspace } from "../support/corpus.js";

let workspace: Awaited<ReturnType<typeof indexedWorkspace>>["workspace"];
let index: NewsIndex;

const dated = [
  {
    id: "a",
    title: "Harbour strike halts Rotterdam port",
    source: "Port Weekly",
    published: "2025-06-02",
    text: "Dock workers in Rotterdam began a harbour strike on Monday over automation plans. The union said cranes would stay idle for a week.",
  },
  {
    id: "b",
    title: "Rotterdam harbour strike ends",
    source: "Daily Ledger",
    published: "2025-06-20",
    text: "The harbour strike in Rotterdam ended after the union and port operators agreed on automation safeguards. Cranes resumed work on Friday.",
  },
  {
    id: "c",
    title: "Rotterdam harbour strike spreads to Antwerp",
    source: "Port Weekly",
    published: "2025-07-15",
    text: "The harbour strike spread from Rotterdam to Antwerp as dock workers there walked out in sympathy. Shipping lines diverted vessels.",
  },
];

beforeAll(async () => {
  ({ workspace, index } = await indexedWorkspace((corpusDir) =>
    writeFile(path.join(corpusDir, "dated.jsonl"), dated.map((row) => JSON.stringify(row)).join("\n")),
  ));
});
afterAll(async () => {
  await workspace.cleanup();
});

describe("retrieve", () => {
  it("puts the article that answers the question first", async () => {
    const results = await retrieve(index, "Patriot missile systems from Germany and Norway", { k: 5 });
    expect(results[0]?.document.metadata.file).toBe("002_351b40bd90625af1.txt");
    expect(results[0]?.keywordRank).not.toBeNull();
    expect(results[0]?.vectorRank).not.toBeNull();
  });

  it("still finds an article through the vector side when the query misspells its names", async () => {
    expect(index.keyword.search("Witkof Kushnr", 5)).toEqual([]);
    const results = await retrieve(index, "Witkof Kushnr", { k: 3 });
    expect(results[0]?.document.metadata.file).toBe("004_97223278cfabf412.txt");
    expect(results[0]?.vectorRank).toBe(1);
  });

  it("caps chunks per article so other articles get slots", async () => {
    const results = await retrieve(index, "Kremlin Peskov meeting Putin Zelensky peace talks", {
      k: 6,
      maxPerDocument: 2,
    });
    expect(results).toHaveLength(6);
    const perDoc = new Map<string, number>();
    for (const result of results)
      perDoc.set(result.document.metadata.docId, (perDoc.get(result.document.metadata.docId) ?? 0) + 1);
    expect(Math.max(...perDoc.values())).toBeLessThanOrEqual(2);
    expect(perDoc.size).toBeGreaterThanOrEqual(3);
  });

  it("keeps only chunks published within a date range", async () => {
    const results = await retrieve(index, "Rotterdam harbour strike", {
      k: 5,
      filter: { from: "2025-06-01", to: "2025-06-30" },
    });
    expect(results.map((result) => result.document.metadata.published).sort()).toEqual(["2025-06-02", "2025-06-20"]);
  });

  it("keeps only chunks from the named outlets, ignoring case", async () => {
    const results = await retrieve(index, "Rotterdam harbour strike", { k: 5, filter: { sources: ["port weekly"] } });
    expect(results.length).toBe(2);
    for (const result of results) expect(result.document.metadata.source).toBe("Port Weekly");
  });

  it("returns nothing when the filter excludes everything", async () => {
    expect(await retrieve(index, "Rotterdam harbour strike", { k: 5, filter: { from: "2030-01-01" } })).toEqual([]);
  });
});
