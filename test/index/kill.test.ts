import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openIndex } from "../../src/index/open.js";
import { makeWorkspace, recordingEmbedder } from "../support/corpus.js";
import { runScript } from "../support/spawn.js";

/**
 * Kills real ingestion processes (SIGKILL, no cleanup handlers run) at several moments and
 * checks that the index on disk always opens and is either the old build or the new one.
 */
let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  workspace = await makeWorkspace();
  env = { CORPUS_DIR: workspace.corpusDir, INDEX_DIR: workspace.indexDir };
  const first = await runScript("src/cli/ingest.ts", ["--quiet"], { env });
  expect(first.code).toBe(0);
  // Enough extra text that a full rebuild takes a noticeable time to kill into.
  const seed = await readFile(path.join(workspace.corpusDir, "001_f27a532cdd26be91.txt"), "utf8");
  await mkdir(path.join(workspace.corpusDir, "bulk"));
  for (let i = 0; i < 400; i += 1) {
    const words = seed.split(/\s+/);
    const shuffled = words.map((word, j) => words[(j * (i + 7)) % words.length] ?? word).join(" ");
    await writeFile(path.join(workspace.corpusDir, "bulk", `article-${i}.txt`), `Bulk report ${i}\n${shuffled}.`);
  }
}, 60_000);
afterAll(async () => {
  await workspace.cleanup();
});

describe("ingestion killed mid-run", () => {
  it("always leaves a usable index: the previous build until the new one is published", async () => {
    const before = await openIndex(workspace.indexDir, recordingEmbedder());
    const outcomes: string[] = [];
    for (const delay of [300, 800, 1300, 1800, 2500]) {
      const run = await runScript("src/cli/ingest.ts", ["--quiet"], { env, killAfterMs: delay });
      const index = await openIndex(workspace.indexDir, recordingEmbedder());
      const documents = index.articles.size;
      expect([before.articles.size, before.articles.size + 400]).toContain(documents);
      expect(index.keyword.documentCount).toBe(index.manifest.counts.chunks);
      expect(index.vectorStore?.docstore._docs.size).toBe(index.manifest.counts.chunks);
      outcomes.push(`${delay}ms:${run.signal ?? "exit"}:${documents}`);
      if (documents !== before.articles.size) break; // the new build made it; later kills prove nothing new
    }
    // At least one run must actually have been killed mid-way for the test to mean anything.
    expect(outcomes.some((outcome) => outcome.includes("SIGKILL"))).toBe(true);
    const finished = await runScript("src/cli/ingest.ts", ["--quiet"], { env });
    expect(finished.code).toBe(0);
    const after = await openIndex(workspace.indexDir, recordingEmbedder());
    expect(after.articles.size).toBe(before.articles.size + 400);
  }, 120_000);
});
