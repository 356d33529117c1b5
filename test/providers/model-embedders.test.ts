import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { makeWorkspace } from "../support/corpus.js";
import { FakeLlm, fakeEmbedding } from "../support/fake-llm.js";

/** EMBEDDINGS=openai:/ollama: through LangChain's clients, against the local fake server. */
let fake: FakeLlm;
beforeAll(async () => {
  fake = await FakeLlm.start();
});
afterAll(async () => fake?.close());

describe.each(["openai", "ollama"] as const)("EMBEDDINGS=%s:<model>", (api) => {
  it("embeds chunks at ingest and questions at ask time with the model, and records it in the index", async () => {
    const workspace = await makeWorkspace();
    try {
      fake.embeddingRequests.length = 0;
      const env = {
        CORPUS_DIR: workspace.corpusDir,
        INDEX_DIR: workspace.indexDir,
        EMBEDDINGS: `${api}:fake-embed`,
        OPENAI_BASE_URL: fake.openaiBaseUrl,
        OLLAMA_BASE_URL: fake.ollamaBaseUrl,
      };
      const app = createApp(loadConfig(env));
      const report = await app.ingest();
      const embedded = fake.embeddingRequests.flatMap((request) => request.inputs);
      expect(fake.embeddingRequests.every((request) => request.api === api && request.model === "fake-embed")).toBe(
        true,
      );
      expect(embedded).toHaveLength(report.chunks);
      const index = await app.index();
      expect(index.manifest.embedder).toEqual({ spec: `${api}:fake-embed`, id: `${api}:fake-embed`, dimensions: 64 });
      // The stored vectors are the model's (cosine space: compare directions).
      const [label] = [...(index.vectorStore?.docstore._docs.keys() ?? [])];
      const stored = index.vectorStore?.index.getPoint(Number(label)) ?? [];
      const expected = fakeEmbedding(embedded[0] ?? "");
      const dot = stored.reduce((sum, value, i) => sum + value * (expected[i] ?? 0), 0);
      expect(dot / Math.hypot(...stored)).toBeCloseTo(1, 4);

      const answer = await app.ask("How many Patriot missile systems has Ukraine secured?");
      expect(fake.embeddingRequests.at(-1)?.inputs).toEqual(["How many Patriot missile systems has Ukraine secured?"]);
      expect(answer.answered).toBe(true);

      // Another embedder cannot read this index: one line saying to re-ingest.
      const other = createApp(loadConfig({ ...env, EMBEDDINGS: "offline" }));
      await expect(other.index()).rejects.toThrow(
        `The index was built with EMBEDDINGS=${api}:fake-embed but EMBEDDINGS is now offline. Run \`npm run ingest\` to rebuild it.`,
      );
      // Ingest (as npm start does) rebuilds it, saying why.
      const notices: string[] = [];
      await other.ingest({ onNotice: (message) => notices.push(message) });
      expect(notices[0]).toMatch(`embedder changed from "${api}:fake-embed" to "offline"`);
    } finally {
      await workspace.cleanup();
    }
  });
});

describe("model settings", () => {
  it("name the variable when a key is missing or a provider is unknown", () => {
    expect(() => loadConfig({ LLM: "openai:gpt-4o-mini" })).toThrow(/^Missing setting OPENAI_API_KEY/);
    expect(() => loadConfig({ EMBEDDINGS: "openai:text-embedding-3-small" })).toThrow(/OPENAI_API_KEY/);
    expect(() => loadConfig({ LLM: "claude:opus" })).toThrow(/^Invalid setting LLM: must be "extractive"/);
    expect(() => loadConfig({ EMBEDDINGS: "word2vec" })).toThrow(/^Invalid setting EMBEDDINGS/);
    // A local OpenAI-compatible server needs no key.
    expect(loadConfig({ LLM: "openai:llama", OPENAI_BASE_URL: "http://127.0.0.1:8080/v1" }).llm).toBe("openai:llama");
  });

  it("keep the key out of errors and logs", async () => {
    fake.script = () => ({
      status: 401,
      body: JSON.stringify({ error: { message: "Incorrect API key provided: sk-test-********" } }),
    });
    const workspace = await makeWorkspace();
    try {
      const key = "sk-test-secret-value-123456789";
      const app = createApp(
        loadConfig({
          CORPUS_DIR: workspace.corpusDir,
          INDEX_DIR: workspace.indexDir,
          LLM: "openai:fake-model",
          OPENAI_API_KEY: key,
          OPENAI_BASE_URL: fake.openaiBaseUrl,
          LLM_MAX_RETRIES: "0",
        }),
      );
      await app.ingest();
      const answer = await app.ask("How many Patriot missile systems has Ukraine secured?");
      expect(answer.note).toMatch(/language model was unavailable/);
      expect(JSON.stringify(answer)).not.toContain(key);
    } finally {
      await workspace.cleanup();
    }
  });
});
