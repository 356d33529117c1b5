import path from "node:path";
import type { Article } from "../corpus/types.js";
import { readJsonLines, writeJsonLines } from "./json-lines.js";

/** Metadata carried by every chunk in the vector store (LangChain `Document.metadata`). */
export type ChunkMetadata = Pick<Article, "docId" | "title" | "source" | "author" | "published" | "url" | "file"> & {
  chunkId: string;
  /** 0-based position of the chunk within its article. */
  index: number;
};

/** An article as stored with a build (`articles.jsonl`, one per line). */
export interface IndexedArticle extends Article {
  /** Hash of the normalised cleaned text: exact duplicates share it. */
  contentHash: string;
  /** When this article was first ingested (kept across incremental runs). */
  ingestedAt: string;
  chunkIds: string[];
  /** MinHash signature (base64) for near-duplicate detection. */
  signature: string;
  /** Other articles whose text is nearly the same (syndicated copies). */
  nearDuplicates: { docId: string; similarity: number }[];
  /** The story this article belongs to (see stories/cluster.ts); kept across incremental runs. */
  storyId: string;
}

/**
 * The text that is embedded and keyword-indexed for a chunk: its article's title first, so that
 * a chunk deep in an article still matches questions phrased like the headline.
 */
export function chunkEmbeddingText(title: string, text: string): string {
  return `${title}\n${text}`;
}

const ARTICLES_FILE = "articles.jsonl";

/** Reads a build's article records. */
export async function readArticles(buildDir: string): Promise<IndexedArticle[]> {
  const articles: IndexedArticle[] = [];
  await readJsonLines<IndexedArticle>(path.join(buildDir, ARTICLES_FILE), (article) => articles.push(article));
  return articles;
}

/** Writes a build's article records (streamed: a big corpus is more text than one string holds). */
export async function writeArticles(buildDir: string, articles: Iterable<IndexedArticle>): Promise<void> {
  await writeJsonLines(path.join(buildDir, ARTICLES_FILE), articles);
}
