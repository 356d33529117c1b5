import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createIndexEmbedder } from "../../src/providers/embedders.js";
import { makeWorkspace, SEEDS_DIR } from "../support/corpus.js";
import { writeTinyModel } from "../support/tiny-model.js";

/**
 * EMBEDDINGS=transformers:<folder>: the real transformers.js loading code (through LangChain's
 * HuggingFaceTransformersEmbeddings and onnxruntime) on a tiny model this test writes, since no
 * pretrained weights can be downloaded here.
 */
let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
let modelDir: string;

beforeAll(async () => {
  workspace = await makeWorkspace();
  modelDir = path.join(workspace.root, "tiny-model");
  const words = new Set<string>();
  for (const file of await readdir(SEEDS_DIR)) {
    for (const word of (await readFile(path.join(SEEDS_DIR, file), "utf8")).toLowerCase().match(/\p{L}+/gu) ?? []) {
      words.add(word);
    }
  }
  await writeTinyModel(modelDir, [...words], 16);
}, 60_000);
afterAll(async () => workspace?.cleanup());

describe("a local transformers.js model folder", () => {
  it("embeds the corpus and questions, offline, and answers from them", async () => {
    const app = createApp(
      loadConfig({
        CORPUS_DIR: workspace.corpusDir,
        INDEX_DIR: workspace.indexDir,
        EMBEDDINGS: `transformers:${modelDir}`,
      }),
    );
    const report = await app.ingest();
    expect(report.chunks).toBeGreaterThan(8);
    const index = await app.index();
    expect(index.manifest.embedder).toEqual({
      spec: `transformers:${modelDir}`,
      id: `transformers:${modelDir}`,
      dimensions: 16,
    });
    const answer = await app.ask("How many Patriot missile systems has Ukraine secured?");
    expect(answer.answered).toBe(true);
    expect(answer.citations[0]?.file).toBe("002_351b40bd90625af1.txt");
  }, 120_000);

  it("gives vectors that are unit length and closer for texts sharing words", async () => {
    const ready = await createIndexEmbedder(`transformers:${modelDir}`, { dimensions: 384 }).fit([]);
    const [a, b, c] = await ready.embeddings.embedDocuments([
      "The Kremlin ruled out a meeting",
      "The Kremlin ruled out a summit meeting",
      "Patriot missile systems",
    ]);
    const dot = (x: number[] = [], y: number[] = []) => x.reduce((sum, value, i) => sum + value * (y[i] ?? 0), 0);
    expect(dot(a, a)).toBeCloseTo(1, 5);
    expect(dot(a, b)).toBeGreaterThan(dot(a, c));
  });

  it("says what is missing when the folder is not a model", async () => {
    const embedder = createIndexEmbedder(`transformers:${path.join(workspace.root, "nowhere")}`, { dimensions: 384 });
    await expect(embedder.fit([])).rejects.toThrow(
      /no model folder there \(it needs config\.json, tokenizer\.json and onnx\/model\.onnx\)/,
    );
  });
});
