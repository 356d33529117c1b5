import { readFile } from "node:fs/promises";
import path from "node:path";
import type { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import type { Document } from "@langchain/core/documents";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { IndexMissingError, UserError } from "../errors.js";
import type { IndexEmbedder } from "./embedder.js";
import { KeywordIndex } from "./keyword-index.js";
import { currentBuildDir, DEFAULT_HNSW, isOutdatedBuild, type Manifest, readManifest } from "./layout.js";
import { type ChunkMetadata, type IndexedArticle, readArticles } from "./records.js";
import { loadVectorStore } from "./vector-store.js";

/** A loaded, read-only index: what retrieval, answers and stories work from. */
export interface NewsIndex {
  readonly manifest: Manifest;
  readonly buildDir: string;
  /** Null when the corpus produced no chunks. */
  readonly vectorStore: HNSWLib | null;
  readonly keyword: KeywordIndex;
  readonly embeddings: EmbeddingsInterface;
  readonly articles: ReadonlyMap<string, IndexedArticle>;
  /** The chunk stored under an hnswlib label. */
  chunk(label: number): Document<ChunkMetadata> | undefined;
}

/**
 * Loads the live build of an index folder. Throws {@link IndexMissingError} when there is none
 * and a {@link UserError} when it was built with a different embedder than the one configured.
 */
export async function openIndex(indexDir: string, embedder: IndexEmbedder): Promise<NewsIndex> {
  const buildDir = await currentBuildDir(indexDir);
  const manifest = buildDir ? await readManifest(buildDir) : null;
  if (buildDir && !manifest && (await isOutdatedBuild(buildDir))) {
    throw new UserError(
      `The index in ${indexDir} was written by an older version of newsdesk. Run \`npm run ingest\` to rebuild it.`,
    );
  }
  if (!buildDir || !manifest) throw new IndexMissingError(indexDir);
  if (manifest.embedder.spec !== embedder.spec) {
    throw new UserError(
      `The index was built with EMBEDDINGS=${manifest.embedder.spec} but EMBEDDINGS is now ${embedder.spec}. Run \`npm run ingest\` to rebuild it.`,
    );
  }
  const state = await readFile(path.join(buildDir, "embedder.bin")).catch(() => null);
  const ready = await embedder.restore(state);
  if (ready.id !== manifest.embedder.id) {
    throw new UserError(
      `The index was built with embedder ${manifest.embedder.id} but the configured one is ${ready.id}. Run \`npm run ingest\` to rebuild it.`,
    );
  }
  const [vectorStore, keyword, articleList] = await Promise.all([
    manifest.counts.chunks > 0 ? loadVectorStore(buildDir, ready.embeddings) : Promise.resolve(null),
    KeywordIndex.load(path.join(buildDir, "keyword.bin")),
    readArticles(buildDir),
  ]);
  // hnswlib's default search breadth (ef=10) is far too narrow for hybrid candidate lists.
  vectorStore?.index.setEf(DEFAULT_HNSW.efSearch);
  const articles = new Map(articleList.map((article) => [article.docId, article]));
  const docs = vectorStore?.docstore._docs;
  return {
    manifest,
    buildDir,
    vectorStore,
    keyword,
    embeddings: ready.embeddings,
    articles,
    chunk: (label) => docs?.get(String(label)) as Document<ChunkMetadata> | undefined,
  };
}
