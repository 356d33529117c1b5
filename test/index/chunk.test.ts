import { describe, expect, it } from "vitest";
import { chunkArticle, chunkIdFor } from "../../src/index/chunk.js";
import { splitSentences } from "../../src/text/sentences.js";

const sentence = (i: number) => `Sentence number ${i} says something about the peace talks in Istanbul.`;
const article = { docId: "doc1", text: Array.from({ length: 40 }, (_, i) => sentence(i)).join(" ") };

describe("chunkArticle", () => {
  it("keeps every chunk near the target size and ends chunks at sentence boundaries", () => {
    const chunks = chunkArticle(article, { size: 300, overlap: 80 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(300 + sentence(39).length);
      expect(chunk.text.endsWith(".")).toBe(true);
      expect(chunk.text.startsWith("Sentence number")).toBe(true);
    }
  });

  it("repeats the previous chunk's last sentence as overlap and loses no sentence", () => {
    const chunks = chunkArticle(article, { size: 300, overlap: 80 });
    for (let i = 1; i < chunks.length; i += 1) {
      const previous = splitSentences(chunks[i - 1]?.text ?? "");
      const current = splitSentences(chunks[i]?.text ?? "");
      expect(current[0]).toBe(previous[previous.length - 1]);
    }
    const covered = new Set(chunks.flatMap((chunk) => splitSentences(chunk.text)));
    for (let i = 0; i < 40; i += 1) expect(covered.has(sentence(i))).toBe(true);
  });

  it("does not overlap when overlap is 0", () => {
    const chunks = chunkArticle(article, { size: 300, overlap: 0 });
    const all = chunks.flatMap((chunk) => splitSentences(chunk.text));
    expect(all).toHaveLength(40);
  });

  it("cuts a sentence longer than the chunk size at word boundaries", () => {
    const long = { docId: "doc2", text: `${"word ".repeat(400).trim()}.` };
    const chunks = chunkArticle(long, { size: 500, overlap: 0 });
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(500);
      expect(chunk.text.startsWith("word")).toBe(true);
    }
  });

  it("gives stable content-derived ids and numbers chunks in order", () => {
    const first = chunkArticle(article, { size: 300, overlap: 80 });
    const second = chunkArticle(article, { size: 300, overlap: 80 });
    expect(first.map((chunk) => chunk.chunkId)).toEqual(second.map((chunk) => chunk.chunkId));
    expect(first.map((chunk) => chunk.index)).toEqual(first.map((_, i) => i));
    expect(new Set(first.map((chunk) => chunk.chunkId)).size).toBe(first.length);
    expect(first[0]?.chunkId).toBe(chunkIdFor("doc1", first[0]?.text ?? ""));
    expect(chunkIdFor("doc1", "text")).not.toBe(chunkIdFor("doc2", "text"));
  });

  it("returns no chunks for an empty article", () => {
    expect(chunkArticle({ docId: "empty", text: "  " }, { size: 300, overlap: 50 })).toEqual([]);
  });
});
