import { createHash } from "node:crypto";
import type { Article } from "../corpus/types.js";
import { splitSentences } from "../text/sentences.js";

/** Chunking settings; part of the index manifest (a change rebuilds the index). */
export interface ChunkingOptions {
  /** Target chunk length in characters. Chunks end at a sentence boundary at or after it. */
  size: number;
  /** Characters of trailing sentences repeated at the start of the next chunk. */
  overlap: number;
}

/** A piece of one article, the unit of retrieval. */
export interface Chunk {
  /** Stable, content-derived id: the same article text always gives the same ids. */
  chunkId: string;
  docId: string;
  /** 0-based position of the chunk within its article. */
  index: number;
  text: string;
}

/**
 * Splits an article into sentence-aligned chunks of about `size` characters, each starting with
 * up to `overlap` characters of the previous chunk's last sentences so that a fact straddling a
 * boundary is whole in at least one chunk. A sentence longer than `size` is cut at word
 * boundaries (scraped pages sometimes hold a whole article in one "sentence").
 */
export function chunkArticle(article: Pick<Article, "docId" | "text">, options: ChunkingOptions): Chunk[] {
  // Sentences remember whether they open a paragraph, so chunk text keeps paragraph breaks and a
  // subheading without a full stop never fuses with the sentence after it.
  const sentences = article.text.split(/\n\s*\n|\n/).flatMap((paragraph) =>
    splitSentences(paragraph)
      .flatMap((sentence) => cutLongSentence(sentence, options.size))
      .map((text, position) => ({ text, opensParagraph: position === 0 })),
  );
  const chunks: Chunk[] = [];
  let current: { text: string; opensParagraph: boolean }[] = [];
  let currentLength = 0;
  let freshSentences = 0;

  const flush = () => {
    if (freshSentences === 0) return;
    const text = current
      .map((sentence, i) =>
        i > 0 && sentence.opensParagraph ? `\n\n${sentence.text}` : i > 0 ? ` ${sentence.text}` : sentence.text,
      )
      .join("");
    chunks.push({ chunkId: chunkIdFor(article.docId, text), docId: article.docId, index: chunks.length, text });
    // Carry the tail of this chunk into the next one as overlap.
    const carried: typeof current = [];
    let carriedLength = 0;
    for (let i = current.length - 1; i > 0; i -= 1) {
      const sentence = current[i];
      if (!sentence || carriedLength + sentence.text.length > options.overlap) break;
      carried.unshift(sentence);
      carriedLength += sentence.text.length + 1;
    }
    current = carried;
    currentLength = carriedLength;
    freshSentences = 0;
  };

  for (const sentence of sentences) {
    if (currentLength > 0 && freshSentences > 0 && currentLength + sentence.text.length > options.size) flush();
    current.push(sentence);
    currentLength += sentence.text.length + 1;
    freshSentences += 1;
  }
  flush();
  return chunks;
}

function cutLongSentence(sentence: string, size: number): string[] {
  if (sentence.length <= size) return [sentence];
  const pieces: string[] = [];
  let rest = sentence;
  while (rest.length > size) {
    let cut = rest.lastIndexOf(" ", size);
    if (cut < size / 2) cut = size;
    pieces.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/** Content-derived chunk id: first 16 hex chars of sha256(docId, text). */
export function chunkIdFor(docId: string, text: string): string {
  return createHash("sha256").update(docId).update("\n").update(text).digest("hex").slice(0, 16);
}
