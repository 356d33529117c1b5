import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Embeddings } from "@langchain/core/embeddings";
import { describe, expect, it } from "vitest";
import { HASHED_TFIDF_VERSION, HashedTfidfEmbeddings } from "../../src/providers/offline-embeddings.js";

const CORPUS = [
  "Ukrainian President Volodymyr Zelenskyy met European leaders in Brussels to discuss air defence and new sanctions on Russia.",
  "The Federal Reserve held interest rates steady on Wednesday, and Jerome Powell said inflation was still too high.",
  "Wildfires spread across Southern California, forcing thousands of residents in Los Angeles County to evacuate.",
  "The Kansas City Chiefs beat the Buffalo Bills in overtime to reach the Super Bowl for the third year in a row.",
  "Apple unveiled a new iPhone with a faster chip and a better camera at its annual September event in Cupertino.",
  "Israeli Prime Minister Benjamin Netanyahu spoke with President Trump about a ceasefire in Gaza and the hostages.",
  "The Senate passed a stopgap spending bill late Friday, averting a government shutdown days before the deadline.",
  "Scientists said the volcano in Iceland erupted again, sending lava toward the evacuated town of Grindavik.",
  "The market rallied as investors bet that the market would keep climbing after strong earnings from chipmakers.",
  "Oil prices fell on the market after OPEC signalled it would raise output, a move that rattled the market.",
];

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i += 1) s += (v[i] ?? 0) ** 2;
  return Math.sqrt(s);
}

function fitted(options: ConstructorParameters<typeof HashedTfidfEmbeddings>[0] = {}): HashedTfidfEmbeddings {
  return new HashedTfidfEmbeddings(options).fit(CORPUS);
}

describe("HashedTfidfEmbeddings", () => {
  it("is deterministic: separately fitted instances give bit-identical vectors", () => {
    const a = fitted();
    const b = fitted();
    for (const text of [...CORPUS, "Zelensky talks with Powell", ""]) {
      expect(Array.from(b.embedSync(text))).toEqual(Array.from(a.embedSync(text)));
    }
    expect(Array.from(a.embedSync(CORPUS[0] ?? ""))).toEqual(Array.from(a.embedSync(CORPUS[0] ?? "")));
    expect(b.id).toBe(a.id);
  });

  it("returns unit vectors, so a text's cosine with itself is 1", () => {
    const embedder = fitted();
    for (const text of CORPUS) {
      const v = embedder.embedSync(text);
      expect(norm(v)).toBeCloseTo(1, 5);
      expect(cosine(v, embedder.embedSync(text))).toBeCloseTo(1, 6);
    }
  });

  it("gives a text without content terms the zero vector", () => {
    const embedder = fitted();
    expect(norm(embedder.embedSync(""))).toBe(0);
    expect(norm(embedder.embedSync("What is it, and where was it?"))).toBe(0);
  });

  it("ranks a paraphrase sharing names above unrelated texts", () => {
    const embedder = fitted();
    const query = embedder.embedSync("What did Zelenskyy ask European leaders for in Brussels?");
    const scores = CORPUS.map((text) => cosine(query, embedder.embedSync(text)));
    const best = scores.indexOf(Math.max(...scores));
    expect(best).toBe(0);
    expect(scores[0]).toBeGreaterThan((scores[5] ?? 0) + 0.1);
  });

  it("makes spelling variants meet through character n-grams", () => {
    const withChars = fitted();
    const withoutChars = fitted({ charWeight: 0 });
    const sim = (e: HashedTfidfEmbeddings, a: string, b: string) => cosine(e.embedSync(a), e.embedSync(b));

    expect(sim(withChars, "Zelenskyy", "Zelensky")).toBeGreaterThan(0.5);
    expect(sim(withChars, "Zelenskyy", "Zelensky")).toBeGreaterThan(sim(withChars, "Zelenskyy", "Netanyahu") + 0.4);
    expect(sim(withChars, "defence", "defense")).toBeGreaterThan(0.2);
    expect(sim(withChars, "air defence budget", "air defense budget")).toBeGreaterThan(
      sim(withoutChars, "air defence budget", "air defense budget"),
    );
    // Without character n-grams the two spellings are different words: only hash noise links them.
    expect(Math.abs(sim(withoutChars, "Zelenskyy", "Zelensky"))).toBeLessThan(0.2);
    expect(Math.abs(sim(withoutChars, "defence", "defense"))).toBeLessThan(0.2);
  });

  it("does not give numbers character n-grams, so nearby years stay apart", () => {
    const embedder = fitted();
    expect(Math.abs(cosine(embedder.embedSync("2024"), embedder.embedSync("2025")))).toBeLessThan(0.2);
  });

  it("learns idf in fit: rare terms outweigh common ones", () => {
    const options = { bigramWeight: 0, charWeight: 0 };
    const unfit = new HashedTfidfEmbeddings(options);
    const fit = new HashedTfidfEmbeddings(options).fit(CORPUS);
    const query = "market volcano";
    // "market" is in two texts, "volcano" in one.
    const gap = (e: HashedTfidfEmbeddings) =>
      cosine(e.embedSync(query), e.embedSync("volcano")) - cosine(e.embedSync(query), e.embedSync("market"));
    expect(unfit.fitted).toBe(false);
    expect(Math.abs(gap(unfit))).toBeLessThan(1e-6);
    expect(fit.fitted).toBe(true);
    expect(fit.documentCount).toBe(CORPUS.length);
    expect(gap(fit)).toBeGreaterThan(0.01);
    expect(fit.idfFor(1)).toBeGreaterThan(fit.idfFor(2));
  });

  it("gives features never seen in fit the highest idf, so new names count", () => {
    const embedder = new HashedTfidfEmbeddings({ bigramWeight: 0, charWeight: 0 }).fit(CORPUS);
    const query = embedder.embedSync("Grindavik Qwertyxian");
    // "Qwertyxian" never occurred in fit; "Grindavik" did once.
    expect(cosine(query, embedder.embedSync("Qwertyxian"))).toBeGreaterThan(
      cosine(query, embedder.embedSync("Grindavik")),
    );
    expect(embedder.idfFor(0)).toBeGreaterThan(embedder.idfFor(1));
  });

  it("works before fit, as plain hashed TF vectors", () => {
    const embedder = new HashedTfidfEmbeddings();
    const v = embedder.embedSync(CORPUS[1] ?? "");
    expect(norm(v)).toBeCloseTo(1, 5);
    expect(embedder.id).toMatch(new RegExp(`^${HASHED_TFIDF_VERSION}-d384-[0-9a-f]{12}$`));
  });

  it("round-trips through serialize/deserialize with identical vectors and id", () => {
    for (const embedder of [fitted(), new HashedTfidfEmbeddings({ hashBits: 10, dimensions: 64 }).fit(CORPUS)]) {
      const restored = HashedTfidfEmbeddings.deserialize(embedder.serialize());
      expect(restored.id).toBe(embedder.id);
      expect(restored.settings).toEqual(embedder.settings);
      expect(restored.documentCount).toBe(embedder.documentCount);
      for (const text of [...CORPUS, "Zelensky and Powell", "unseen words entirely"]) {
        expect(Array.from(restored.embedSync(text))).toEqual(Array.from(embedder.embedSync(text)));
      }
    }
  });

  it("stores a sparse fit compactly and a dense fit densely", () => {
    const sparse = fitted().serialize();
    expect(sparse.length).toBeLessThan(100_000);
    // 1024 buckets filled by the corpus's character n-grams: stored as a plain array.
    const dense = new HashedTfidfEmbeddings({ hashBits: 10 }).fit(CORPUS).serialize();
    expect(dense.length).toBeGreaterThanOrEqual(4 * 1024);
    expect(dense.length).toBeLessThan(4 * 1024 + 1024);
  });

  it("saves to and loads from a file", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "newsdesk-embedder-"));
    try {
      const embedder = fitted({ dimensions: 128 });
      const file = path.join(dir, "embedder.bin");
      await embedder.save(file);
      const loaded = await HashedTfidfEmbeddings.load(file);
      expect(loaded.id).toBe(embedder.id);
      expect(Array.from(loaded.embedSync(CORPUS[2] ?? ""))).toEqual(Array.from(embedder.embedSync(CORPUS[2] ?? "")));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("rejects bytes that are not a serialized embedder", () => {
    expect(() => HashedTfidfEmbeddings.deserialize(Buffer.from("hello world, not an embedder"))).toThrow(/bad magic/);
    const truncated = fitted().serialize().subarray(0, 40);
    expect(() => HashedTfidfEmbeddings.deserialize(truncated)).toThrow(/Truncated/);
  });

  it("changes its id when the fitted statistics or the settings change", () => {
    const base = fitted();
    expect(base.id.startsWith(`${HASHED_TFIDF_VERSION}-`)).toBe(true);
    expect(new HashedTfidfEmbeddings().fit(CORPUS.slice(1)).id).not.toBe(base.id);
    expect(new HashedTfidfEmbeddings().fit([...CORPUS.slice(0, -1), "A different last text."]).id).not.toBe(base.id);
    expect(new HashedTfidfEmbeddings().id).not.toBe(base.id);
    expect(fitted({ charWeight: 0.5 }).id).not.toBe(base.id);
    expect(fitted({ dimensions: 256 }).id).not.toBe(base.id);
    // Refitting replaces the statistics rather than adding to them.
    const refit = new HashedTfidfEmbeddings().fit(["something else"]).fit(CORPUS);
    expect(refit.id).toBe(base.id);
  });

  it("respects the configured dimensions", async () => {
    for (const dimensions of [64, 256, 384, 768]) {
      const embedder = fitted({ dimensions });
      expect(embedder.dimensions).toBe(dimensions);
      expect(embedder.embedSync("Zelenskyy in Brussels")).toHaveLength(dimensions);
      expect(await embedder.embedQuery("Zelenskyy in Brussels")).toHaveLength(dimensions);
    }
    expect(new HashedTfidfEmbeddings().dimensions).toBe(384);
  });

  it("rejects invalid settings", () => {
    expect(() => new HashedTfidfEmbeddings({ dimensions: 0 })).toThrow(RangeError);
    expect(() => new HashedTfidfEmbeddings({ hashBits: 40 })).toThrow(RangeError);
    expect(() => new HashedTfidfEmbeddings({ charMin: 5, charMax: 3 })).toThrow(RangeError);
    expect(() => new HashedTfidfEmbeddings({ unigramWeight: 0, bigramWeight: 0, charWeight: 0 })).toThrow(RangeError);
    expect(() => new HashedTfidfEmbeddings({ charWeight: -1 })).toThrow(RangeError);
  });

  it("works as a LangChain Embeddings", async () => {
    const embedder: Embeddings = fitted();
    expect(embedder).toBeInstanceOf(Embeddings);
    const texts = Array.from({ length: 600 }, (_, i) => CORPUS[i % CORPUS.length] ?? "");
    const vectors = await embedder.embedDocuments(texts);
    expect(vectors).toHaveLength(600);
    expect(Array.isArray(vectors[0])).toBe(true);
    expect(vectors[0]).toEqual(Array.from((embedder as HashedTfidfEmbeddings).embedSync(texts[0] ?? "")));
    const query = await embedder.embedQuery(CORPUS[3] ?? "");
    expect(query).toEqual(vectors[3]);
    expect(await embedder.embedDocuments([])).toEqual([]);
  });
});
