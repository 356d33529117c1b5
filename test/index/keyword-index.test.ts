import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeywordIndex } from "../../src/index/keyword-index.js";

// Content terms (after stopwords and stemming) are noted beside each text.
const DOCS = [
  { label: 0, text: "The cat sat on the mat." }, // cat sat mat (3)
  { label: 1, text: "The cat chased the cat's tail and another cat." }, // cat chased cat tail another cat (6)
  { label: 2, text: "A dog barked at the mailman." }, // dog barked mailman (3)
  { label: 3, text: "The dog and the cat slept." }, // dog cat slept (3)
];

/** Textbook BM25 with Lucene idf, written independently of the index. */
function bm25(query: string[], doc: string[], docs: string[][], k1 = 1.2, b = 0.75): number {
  const n = docs.length;
  const avg = docs.reduce((sum, d) => sum + d.length, 0) / n;
  let score = 0;
  for (const term of query) {
    const df = docs.filter((d) => d.includes(term)).length;
    if (df === 0) continue;
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    const tf = doc.filter((t) => t === term).length;
    score += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * doc.length) / avg));
  }
  return score;
}

const TERMS = [
  ["cat", "sat", "mat"],
  ["cat", "chased", "cat", "tail", "another", "cat"],
  ["dog", "barked", "mailman"],
  ["dog", "cat", "slept"],
];

describe("KeywordIndex", () => {
  const index = KeywordIndex.build(DOCS);

  it("exposes corpus statistics", () => {
    expect(index.documentCount).toBe(4);
    expect(index.averageLength).toBeCloseTo(15 / 4, 10);
    expect(index.idf("cat")).toBeCloseTo(Math.log(1 + (4 - 3 + 0.5) / (3 + 0.5)), 10);
    expect(index.idf("mailman")).toBeCloseTo(Math.log(1 + 3.5 / 1.5), 10);
    expect(index.idf("unknown")).toBeCloseTo(Math.log(1 + 4.5 / 0.5), 10);
    expect(index.documentFrequency("dog")).toBe(2);
  });

  it("scores by BM25 with Lucene idf, matching a hand computation", () => {
    const hits = index.search("cat dog", 10);
    const expected = TERMS.map((doc, label) => ({ label, score: bm25(["cat", "dog"], doc, TERMS) }))
      .filter((hit) => hit.score > 0)
      .sort((a, b) => b.score - a.score);
    expect(hits.map((h) => h.label)).toEqual(expected.map((h) => h.label));
    hits.forEach((hit, i) => {
      expect(hit.score).toBeCloseTo(expected[i]?.score ?? Number.NaN, 6);
    });
    // Doc 3 has both terms; doc 2 has the rarer-than-cat "dog"; doc 1's tf=3 saturates.
    expect(hits.map((h) => h.label)).toEqual([3, 2, 1, 0]);
  });

  it("prefers the shorter document at equal term frequency, and rare terms over common ones", () => {
    const cat = index.search("cat", 10);
    // Docs 0 and 3 both have cat once in 3 terms; doc 1 has it 3 times in 6 terms.
    expect(cat[0]?.label).toBe(1);
    expect(cat[1]?.score).toBeCloseTo(cat[2]?.score ?? 0, 10);
    const rare = index.search("mailman cat", 10);
    expect(rare[0]?.label).toBe(2);
  });

  it("breaks score ties by ascending label", () => {
    const cat = index.search("cat", 10);
    expect(cat.slice(1).map((h) => h.label)).toEqual([0, 3]);
  });

  it("counts a repeated query term once per occurrence", () => {
    const once = index.search("mailman", 1)[0]?.score ?? 0;
    const twice = index.search("mailman mailman", 1)[0]?.score ?? 0;
    expect(twice).toBeCloseTo(2 * once, 10);
  });

  it("respects k", () => {
    expect(index.search("cat dog", 2).map((h) => h.label)).toEqual([3, 2]);
    expect(index.search("cat dog", 1)).toHaveLength(1);
    expect(index.search("cat dog", 0)).toEqual([]);
    expect(index.search("cat dog", 0.5)).toEqual([]);
    expect(index.search("cat dog", Number.NaN)).toEqual([]);
    expect(index.search("cat dog", Number.POSITIVE_INFINITY)).toHaveLength(4);
  });

  it("respects the filter, still returning up to k hits", () => {
    const hits = index.search("cat dog", 2, (label) => label !== 3);
    expect(hits.map((h) => h.label)).toEqual([2, 1]);
    expect(index.search("cat", 10, () => false)).toEqual([]);
  });

  it("stays correct after a filter throws or searches the same index", () => {
    const before = index.search("cat dog", 10);
    expect(() =>
      index.search("cat dog", 10, () => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(index.search("cat dog", 10)).toEqual(before);
    const nested = index.search("cat dog", 10, (label) => index.search("mailman", 1)[0]?.label !== label);
    expect(nested.map((h) => h.label)).toEqual([3, 1, 0]);
    expect(index.search("cat dog", 10)).toEqual(before);
  });

  it("ignores query terms absent from the index", () => {
    expect(index.search("zebra", 5)).toEqual([]);
    expect(index.search("zebra cat", 5)).toEqual(index.search("cat", 5));
  });

  it("returns nothing for an empty or stopword-only query", () => {
    expect(index.search("", 5)).toEqual([]);
    expect(index.search("   ", 5)).toEqual([]);
    expect(index.search("the and of", 5)).toEqual([]);
  });

  it("tokenises the query like the documents (case, possessives, plurals)", () => {
    expect(index.search("CATS", 5)).toEqual(index.search("cat", 5));
    expect(index.search("Cat's", 5)).toEqual(index.search("cat", 5));
  });

  it("reports query term weights for answer scoring", () => {
    expect(index.termWeights("The cats, the dog and the zebra; cats!")).toEqual([
      { term: "cat", count: 2, df: 3, idf: index.idf("cat") },
      { term: "dog", count: 1, df: 2, idf: index.idf("dog") },
      { term: "zebra", count: 1, df: 0, idf: index.idf("zebra") },
    ]);
    expect(index.termWeights("")).toEqual([]);
  });

  it("keeps arbitrary, non-contiguous labels", () => {
    const sparse = KeywordIndex.build([
      { label: 4_000_000_000, text: "solar eclipse over Texas" },
      { label: 7, text: "lunar eclipse" },
      { label: 123_456, text: "Texas floods" },
    ]);
    expect(sparse.search("eclipse texas", 10).map((h) => h.label)).toEqual([4_000_000_000, 7, 123_456]);
    expect(sparse.search("eclipse", 10, (label) => label === 7).map((h) => h.label)).toEqual([7]);
  });

  it("rejects duplicate or invalid labels and bad parameters", () => {
    expect(() =>
      KeywordIndex.build([
        { label: 1, text: "a" },
        { label: 1, text: "b" },
      ]),
    ).toThrow(/duplicate label 1/);
    expect(() => KeywordIndex.build([{ label: -1, text: "a" }])).toThrow(RangeError);
    expect(() => KeywordIndex.build([{ label: 1.5, text: "a" }])).toThrow(RangeError);
    expect(() => KeywordIndex.build([], { b: 2 })).toThrow(RangeError);
  });

  it("handles an empty index and documents without terms", () => {
    const empty = KeywordIndex.build([]);
    expect(empty.documentCount).toBe(0);
    expect(empty.averageLength).toBe(0);
    expect(empty.search("cat", 5)).toEqual([]);
    const blank = KeywordIndex.build([
      { label: 3, text: "" },
      { label: 4, text: "the cat" },
    ]);
    expect(blank.averageLength).toBe(0.5);
    expect(blank.search("cat", 5).map((h) => h.label)).toEqual([4]);
  });

  it("honours k1 and b", () => {
    // b = 0: no length normalisation, so docs 0 and 1 differ only by tf.
    const noLength = KeywordIndex.build(DOCS, { k1: 1.2, b: 0 });
    const cat = noLength.search("cat", 10);
    expect(cat.map((h) => h.label)).toEqual([1, 0, 3]);
    const expected = bm25(["cat"], TERMS[1] ?? [], TERMS, 1.2, 0);
    expect(cat[0]?.score).toBeCloseTo(expected, 10);
    expect(noLength.k1).toBe(1.2);
    expect(noLength.b).toBe(0);
  });

  it("selects the same top k as a full sort on a larger random corpus", () => {
    let seed = 42;
    const random = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const vocabulary = Array.from({ length: 300 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${i}`);
    const docs = Array.from({ length: 3000 }, (_, i) => ({
      label: i * 3 + 1,
      text: Array.from(
        { length: 5 + Math.floor(random() * 40) },
        () => vocabulary[Math.floor(random() ** 2 * 300)],
      ).join(" "),
    }));
    const big = KeywordIndex.build(docs);
    for (const query of ["worda0 wordb1 wordc2", "wordz25 wordq250", "worda0"]) {
      const all = big.search(query, 1_000_000);
      const sorted = [...all].sort((a, b) => b.score - a.score || a.label - b.label);
      expect(all).toEqual(sorted);
      expect(big.search(query, 10)).toEqual(sorted.slice(0, 10));
      const odd = (label: number) => label % 2 === 1;
      expect(big.search(query, 10, odd)).toEqual(sorted.filter((h) => odd(h.label)).slice(0, 10));
    }
  });

  describe("persistence", () => {
    let dir = "";
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), "newsdesk-keyword-"));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("round-trips through save/load with identical statistics and results", async () => {
      const docs = [
        ...DOCS.map((d) => ({ label: d.label * 10 + 5, text: d.text })),
        { label: 99, text: "Zelenskyy met Zelenskyy's allies; café owners in Kyiv reopened." },
      ];
      const original = KeywordIndex.build(docs, { k1: 1.5, b: 0.6 });
      const file = path.join(dir, "keyword.bin");
      await original.save(file);
      const loaded = await KeywordIndex.load(file);
      expect(loaded.documentCount).toBe(original.documentCount);
      expect(loaded.averageLength).toBe(original.averageLength);
      expect(loaded.vocabularySize).toBe(original.vocabularySize);
      expect(loaded.k1).toBe(1.5);
      expect(loaded.b).toBe(0.6);
      for (const query of ["cat dog", "cat", "mailman tail", "zelenskyy cafe kyiv", "nothing here", ""]) {
        expect(loaded.search(query, 10)).toEqual(original.search(query, 10));
        expect(loaded.termWeights(query)).toEqual(original.termWeights(query));
      }
      expect(loaded.search("cat", 10, (label) => label > 10)).toEqual(
        original.search("cat", 10, (label) => label > 10),
      );
    });

    it("round-trips an empty index", async () => {
      const file = path.join(dir, "empty.bin");
      await KeywordIndex.build([]).save(file);
      const loaded = await KeywordIndex.load(file);
      expect(loaded.documentCount).toBe(0);
      expect(loaded.search("cat", 3)).toEqual([]);
    });

    it("writes a compact binary file rather than JSON postings", async () => {
      const docs = Array.from({ length: 2000 }, (_, i) => ({
        label: i,
        text: `story ${i % 50} about markets and elections number ${i}`,
      }));
      const file = path.join(dir, "compact.bin");
      await KeywordIndex.build(docs).save(file);
      // ~7 terms per doc: 6 bytes a posting + 8 bytes a doc + the term list.
      expect((await stat(file)).size).toBeLessThan(2000 * (7 * 6 + 8) + 40_000);
    });

    it("rejects a file that is not a keyword index", async () => {
      const file = path.join(dir, "garbage.bin");
      const { writeFile } = await import("node:fs/promises");
      await writeFile(file, "not an index at all");
      await expect(KeywordIndex.load(file)).rejects.toThrow(/bad magic/);
    });
  });
});
