import { appendFile, copyFile, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BuildOptions, type BuildPhase, buildIndex } from "../../src/index/build.js";
import { currentBuildDir } from "../../src/index/layout.js";
import { openIndex } from "../../src/index/open.js";
import { makeWorkspace, recordingEmbedder } from "../support/corpus.js";

let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
beforeEach(async () => {
  workspace = await makeWorkspace();
});
afterEach(async () => {
  await workspace.cleanup();
});

function options(overrides: Partial<BuildOptions> = {}): BuildOptions {
  return {
    corpusDir: workspace.corpusDir,
    indexDir: workspace.indexDir,
    embedder: recordingEmbedder(),
    chunking: { size: 900, overlap: 150 },
    now: () => new Date("2025-07-26T12:00:00Z"),
    ...overrides,
  };
}

describe("buildIndex on the seeds", () => {
  it("indexes every article of the five seed files, with the multi-article page split in four", async () => {
    const report = await buildIndex(options());
    expect(report.changed).toBe(true);
    expect(report.files).toBe(5);
    expect(report.documents).toBe(8);
    expect(report.chunks).toBeGreaterThan(8);
    expect(report.embeddedChunks).toBe(report.chunks);
    const index = await openIndex(workspace.indexDir, recordingEmbedder());
    expect(index.articles.size).toBe(8);
    expect(index.manifest.counts.chunks).toBe(report.chunks);
    expect(index.keyword.documentCount).toBe(report.chunks);
    expect(index.vectorStore?.docstore._docs.size).toBe(report.chunks);
    const files = new Set([...index.articles.values()].map((article) => article.file));
    expect(files.size).toBe(5);
    for (const article of index.articles.values()) expect(article.ingestedAt).toBe("2025-07-26T12:00:00.000Z");
  });

  it("does nothing on a re-run when no file changed", async () => {
    await buildIndex(options());
    const embedder = recordingEmbedder();
    const before = await currentBuildDir(workspace.indexDir);
    const report = await buildIndex(options({ embedder }));
    expect(report.changed).toBe(false);
    expect(embedder.embedded).toHaveLength(0);
    expect(await currentBuildDir(workspace.indexDir)).toBe(before);
  });

  it("re-embeds only the chunks of a changed file and keeps the others' ids", async () => {
    const first = await buildIndex(options());
    const index1 = await openIndex(workspace.indexDir, recordingEmbedder());
    const unchangedIds = [...index1.articles.values()]
      .filter((article) => !article.file.startsWith("004"))
      .flatMap((article) => article.chunkIds);
    await appendFile(
      path.join(workspace.corpusDir, "004_97223278cfabf412.txt"),
      "\n\nA late paragraph says the envoys will return to Moscow next month for another round of talks about the zeppelin accord.\n",
    );
    const embedder = recordingEmbedder();
    const report = await buildIndex(options({ embedder, now: () => new Date("2025-07-27T09:00:00Z") }));
    expect(report.filesChanged).toBe(1);
    expect(report.rebuildReason).toBeNull();
    expect(embedder.fits).toBe(0);
    const index2 = await openIndex(workspace.indexDir, recordingEmbedder());
    const article004 = [...index2.articles.values()].find((article) => article.file.startsWith("004"));
    expect(embedder.embedded).toHaveLength(article004?.chunkIds.length ?? -1);
    expect(report.chunks).toBe(
      first.chunks - (first.chunks - unchangedIds.length) + (article004?.chunkIds.length ?? 0),
    );
    const liveIds = new Set([...index2.vectorStore!.docstore._docs.values()].map((doc) => doc.metadata.chunkId));
    for (const id of unchangedIds) expect(liveIds.has(id)).toBe(true);
    expect(index2.keyword.search("zeppelin accord", 5).length).toBeGreaterThan(0);
    // The changed article keeps the time it was first ingested.
    expect(article004?.ingestedAt).toBe("2025-07-26T12:00:00.000Z");
  });

  it("removes a deleted file's chunks from both the vector and the keyword index", async () => {
    await buildIndex(options());
    const before = await openIndex(workspace.indexDir, recordingEmbedder());
    expect(before.keyword.search("Institute for the Study of War", 3).length).toBeGreaterThan(0);
    await rm(path.join(workspace.corpusDir, "000_00e4ec12b4e5cdc5.txt"));
    const report = await buildIndex(options());
    expect(report.filesRemoved).toBe(1);
    expect(report.removedChunks).toBeGreaterThan(0);
    const after = await openIndex(workspace.indexDir, recordingEmbedder());
    expect([...after.articles.values()].some((article) => article.file.startsWith("000"))).toBe(false);
    const hits = after.keyword.search("Institute for the Study of War", 10);
    for (const hit of hits) expect(after.chunk(hit.label)?.metadata.file).not.toMatch(/^000/);
    const docs = [...after.vectorStore!.docstore._docs.values()];
    expect(docs.some((doc) => doc.metadata.file.startsWith("000"))).toBe(false);
    const vector = await after.embeddings.embedQuery("Institute for the Study of War assessment");
    const result = after.vectorStore!.index.searchKnn(vector, docs.length);
    for (const label of result.neighbors) expect(after.chunk(label)).toBeDefined();
  });

  it("rebuilds everything, saying why, when the embedder or the chunking changes", async () => {
    await buildIndex(options());
    const notices: string[] = [];
    const embedder = recordingEmbedder("offline:test");
    const report = await buildIndex(options({ embedder, onNotice: (message) => notices.push(message) }));
    expect(report.rebuildReason).toMatch(/embedder changed/);
    expect(notices.join("\n")).toMatch(/Rebuilding the whole index: the embedder changed/);
    expect(embedder.embedded).toHaveLength(report.chunks);

    const chunkingNotices: string[] = [];
    const second = await buildIndex(
      options({
        embedder: recordingEmbedder("offline:test"),
        chunking: { size: 500, overlap: 50 },
        onNotice: (m) => chunkingNotices.push(m),
      }),
    );
    expect(second.rebuildReason).toMatch(/chunking changed/);
    expect(second.chunks).toBeGreaterThan(report.chunks);
  });

  it("re-learns the offline embedder's statistics once the corpus has drifted past the threshold", async () => {
    await buildIndex(options());
    await rm(path.join(workspace.corpusDir, "003_96617febb30a210b.txt"));
    const embedder = recordingEmbedder();
    const report = await buildIndex(options({ embedder }));
    expect(embedder.fits).toBe(1);
    expect(report.rebuildReason).toMatch(/corpus changed by \d+%/);
    expect(report.documents).toBe(4);
  });

  it("skips empty, binary and malformed inputs with warnings and indexes the rest", async () => {
    await writeFile(path.join(workspace.corpusDir, "empty.txt"), "");
    await writeFile(path.join(workspace.corpusDir, "binary.txt"), Buffer.from([0, 1, 2, 3, 0, 255, 254, 0]));
    await writeFile(
      path.join(workspace.corpusDir, "rows.jsonl"),
      `${JSON.stringify({ id: "r1", title: "Harbour cranes strike", text: "Dock workers in Rotterdam walked out on Tuesday over automation plans at the harbour. The union said the strike would last a week." })}\n{not json\n`,
    );
    const warnings: string[] = [];
    const report = await buildIndex(
      options({ onWarning: (w) => warnings.push(`${w.file}:${w.line ?? ""}: ${w.message}`) }),
    );
    expect(report.documents).toBe(9);
    expect(warnings.some((w) => w.startsWith("empty.txt"))).toBe(true);
    expect(warnings.some((w) => w.startsWith("binary.txt"))).toBe(true);
    expect(warnings.some((w) => w.startsWith("rows.jsonl:2"))).toBe(true);
  });

  it("drops an exact duplicate and records a near-duplicate", async () => {
    const original = path.join(workspace.corpusDir, "001_f27a532cdd26be91.txt");
    await copyFile(original, path.join(workspace.corpusDir, "001_copy.txt"));
    const text = await readFile(original, "utf8");
    await writeFile(path.join(workspace.corpusDir, "001_syndicated.txt"), text.replace("In May,", "Back in May,"));
    const warnings: string[] = [];
    const report = await buildIndex(options({ onWarning: (w) => warnings.push(`${w.file}: ${w.message}`) }));
    expect(report.duplicatesDropped).toBe(1);
    expect(warnings.some((w) => w.startsWith("001_f27a532cdd26be91.txt") || w.startsWith("001_copy.txt"))).toBe(true);
    const index = await openIndex(workspace.indexDir, recordingEmbedder());
    const syndicated = [...index.articles.values()].find((article) => article.file === "001_syndicated.txt");
    // Of two identical files the first in path order is kept: 001_copy.txt sorts before 001_f27….
    const kept = [...index.articles.values()].filter(
      (article) => article.file.startsWith("001_") && article !== syndicated,
    );
    expect(kept.map((article) => article.file)).toEqual(["001_copy.txt"]);
    expect(syndicated?.nearDuplicates.map((d) => d.docId)).toEqual([kept[0]?.docId]);
    const unrelated = [...index.articles.values()].find((article) => article.file.startsWith("004"));
    expect(unrelated?.nearDuplicates).toEqual([]);
  });
});

describe("atomic publishing", () => {
  const phases: BuildPhase[] = ["scan", "parse", "fit", "embed", "vectors", "keywords", "stories", "write"];

  it.each(phases)("keeps the previous index live and whole when a run dies after %s", async (phase) => {
    await buildIndex(options());
    const before = await openIndex(workspace.indexDir, recordingEmbedder());
    const beforeDir = before.buildDir;
    await appendFile(
      path.join(workspace.corpusDir, "002_351b40bd90625af1.txt"),
      "\n\nThe quartermaster counted nine hundred crates of supplies.\n",
    );
    await expect(
      buildIndex(
        options({
          afterPhase: (current) => {
            if (current === phase) throw new Error(`simulated crash after ${phase}`);
          },
        }),
      ),
    ).rejects.toThrow(/simulated crash/);
    const after = await openIndex(workspace.indexDir, recordingEmbedder());
    expect(after.buildDir).toBe(beforeDir);
    expect(after.manifest.counts).toEqual(before.manifest.counts);
    expect(after.keyword.search("quartermaster", 3)).toEqual([]);

    // The next run finishes the job and clears the abandoned build folder.
    const report = await buildIndex(options());
    expect(report.changed).toBe(true);
    const entries = (await readdir(workspace.indexDir)).filter((entry) => entry.startsWith("build-"));
    expect(entries).toHaveLength(1);
    const final = await openIndex(workspace.indexDir, recordingEmbedder());
    expect(final.keyword.search("quartermaster", 3).length).toBeGreaterThan(0);
  });
});

describe("an index written by an older version", () => {
  it("is rebuilt by ingest with a notice, and openIndex says to re-ingest rather than that there is none", async () => {
    const first = await buildIndex(options());
    const manifestPath = path.join(first.buildDir, "manifest.json");
    const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as { schema: number };
    await writeFile(manifestPath, JSON.stringify({ ...manifest, schema: 1 }));
    await expect(openIndex(workspace.indexDir, recordingEmbedder())).rejects.toThrow(
      /written by an older version of newsdesk\. Run `npm run ingest`/,
    );
    const notices: string[] = [];
    const report = await buildIndex(options({ onNotice: (message) => notices.push(message) }));
    expect(notices).toEqual(["Rebuilding the whole index: it was written by an older version of newsdesk."]);
    expect(report.embeddedChunks).toBe(report.chunks);
    expect((await openIndex(workspace.indexDir, recordingEmbedder())).articles.size).toBe(8);
  });
});

describe("stories kept up to date by ingestion", () => {
  it("lets a new outlet's report join its story, keeps every other article's story, and regroups when settings change", async () => {
    await buildIndex(options());
    const before = await openIndex(workspace.indexDir, recordingEmbedder());
    const storyOf = (index: typeof before, prefix: string) =>
      [...index.articles.values()].find((article) => article.file.startsWith(prefix))?.storyId;
    await writeFile(
      path.join(workspace.corpusDir, "005_witkoff.txt"),
      [
        "Witkoff and Kushner leave Moscow without a breakthrough",
        "",
        "US envoy Steve Witkoff and Jared Kushner left Moscow after five hours of talks with Russian President Vladimir Putin without a breakthrough on the US-backed peace plan, the Kremlin said.",
        "Kremlin aide Yuri Ushakov called the meeting constructive but said several issues on Ukrainian territory remained unresolved.",
        "Ukrainian President Volodymyr Zelensky said he expected the US team to brief him on the Moscow discussions.",
      ].join("\n"),
    );
    const notices: string[] = [];
    await buildIndex(options({ onNotice: (message) => notices.push(message) }));
    const after = await openIndex(workspace.indexDir, recordingEmbedder());
    expect(notices).toEqual([]);
    expect(storyOf(after, "005")).toBe(storyOf(before, "004"));
    for (const article of before.articles.values())
      expect(after.articles.get(article.docId)?.storyId).toBe(article.storyId);

    await buildIndex(
      options({ stories: { threshold: 0.9, maxGapDays: 3 }, onNotice: (message) => notices.push(message) }),
    );
    const regrouped = await openIndex(workspace.indexDir, recordingEmbedder());
    expect(notices).toEqual(["Regrouping every article into stories: the story settings changed."]);
    expect(new Set([...regrouped.articles.values()].map((article) => article.storyId)).size).toBe(
      regrouped.articles.size,
    );
  });
});
