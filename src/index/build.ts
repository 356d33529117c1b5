import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { Document } from "@langchain/core/documents";
import hnswlib from "hnswlib-node";
import { listCorpusFiles } from "../corpus/files.js";
import { parseCorpusFile } from "../corpus/parse.js";
import type { Article, CorpusWarning } from "../corpus/types.js";
import { UserError } from "../errors.js";
import { sha256Hex } from "../text/hash.js";
import { type ChunkingOptions, chunkArticle } from "./chunk.js";
import type { IndexEmbedder, ReadyEmbedder } from "./embedder.js";
import { KeywordIndex } from "./keyword-index.js";
import {
  createBuildDir,
  currentBuildDir,
  DEFAULT_HNSW,
  MANIFEST_SCHEMA,
  type Manifest,
  PIPELINE_VERSION,
  publishBuild,
  readManifest,
  removeStaleBuilds,
} from "./layout.js";
import { decodeSignature, encodeSignature, findNearDuplicates, minhashSignature } from "./near-duplicates.js";
import { type ChunkMetadata, chunkEmbeddingText, type IndexedArticle, readArticles } from "./records.js";

/** Build phases, in order; reported to progress listeners and to the crash-test hook. */
export type BuildPhase = "scan" | "parse" | "fit" | "embed" | "vectors" | "keywords" | "write" | "publish";

export interface BuildProgress {
  phase: BuildPhase;
  done: number;
  total: number;
}

export interface BuildOptions {
  corpusDir: string;
  indexDir: string;
  embedder: IndexEmbedder;
  chunking: ChunkingOptions;
  now?: () => Date;
  onProgress?: (progress: BuildProgress) => void;
  onWarning?: (warning: CorpusWarning) => void;
  /** Plain-language notes such as why the index is being rebuilt from scratch. */
  onNotice?: (message: string) => void;
  /**
   * Called after each phase completes. Tests throw from it to simulate a crash at that point;
   * the previous index must stay live.
   */
  afterPhase?: (phase: BuildPhase) => void | Promise<void>;
  /**
   * A corpus-fitted embedder re-learns its statistics (and every chunk is re-embedded) once this
   * share of the documents it learned from has been added, changed or removed.
   */
  refitRatio?: number;
  /** Embedding batch size (bounded so progress moves and memory stays flat). */
  batchSize?: number;
}

export interface BuildReport {
  /** False when nothing changed and the live index was kept as it was. */
  changed: boolean;
  /** Why every chunk was (re-)embedded, when that happened. */
  rebuildReason: string | null;
  files: number;
  filesAdded: number;
  filesChanged: number;
  filesRemoved: number;
  documents: number;
  chunks: number;
  embeddedChunks: number;
  removedChunks: number;
  duplicatesDropped: number;
  nearDuplicatePairs: number;
  warnings: CorpusWarning[];
  seconds: number;
  /** Chunks embedded per second of the whole run (0 when nothing was embedded). */
  chunksPerSecond: number;
  buildDir: string;
}

interface PendingChunk {
  metadata: ChunkMetadata;
  text: string;
  embeddingText: string;
}

/**
 * Ingests the corpus folder into a new index build and publishes it atomically.
 *
 * Incremental: files whose bytes are unchanged keep their documents, chunks and vectors; changed
 * files replace theirs; files that disappeared are removed from both indexes. A change of
 * embedder or chunking settings, or enough corpus drift for a corpus-fitted embedder, rebuilds
 * everything and says why through `onNotice`.
 */
export async function buildIndex(options: BuildOptions): Promise<BuildReport> {
  const now = options.now ?? (() => new Date());
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  const notice = options.onNotice ?? (() => {});
  const afterPhase = options.afterPhase ?? (() => {});
  const warnings: CorpusWarning[] = [];
  const warn = (warning: CorpusWarning) => {
    warnings.push(warning);
    options.onWarning?.(warning);
  };

  // --- scan: what is in the corpus folder now, and what did the live build see?
  const corpusStat = await stat(options.corpusDir).catch(() => null);
  if (!corpusStat?.isDirectory()) {
    throw new UserError(`Corpus folder ${options.corpusDir} does not exist. Set CORPUS_DIR or pass --corpus <folder>.`);
  }
  const files = await listCorpusFiles(options.corpusDir);
  const fileBytes = new Map<string, Buffer>();
  const fileHashes = new Map<string, string>();
  for (const [position, file] of files.entries()) {
    try {
      const bytes = await readFile(path.join(options.corpusDir, file));
      fileBytes.set(file, bytes);
      fileHashes.set(file, sha256Hex(bytes));
    } catch (error) {
      warn({ file, message: `unreadable (${(error as NodeJS.ErrnoException).code ?? "error"}), skipped` });
    }
    progress({ phase: "scan", done: position + 1, total: files.length });
  }
  await afterPhase("scan");

  const previousDir = await currentBuildDir(options.indexDir);
  // An empty previous build has no vector files to extend: treat it as no build at all.
  const previousManifest = previousDir ? await readManifest(previousDir) : null;
  const previous = previousManifest && previousManifest.counts.chunks > 0 ? previousManifest : null;
  let rebuildReason = whyRebuild(previous, options);

  const unchangedFiles = new Set<string>();
  if (previous && !rebuildReason) {
    for (const [file, hash] of fileHashes) if (previous.files[file]?.hash === hash) unchangedFiles.add(file);
  }
  const previousFiles = previous ? Object.keys(previous.files) : [];
  const filesRemoved = previousFiles.filter((file) => !fileHashes.has(file)).length;
  const filesAdded = [...fileHashes.keys()].filter((file) => !previous?.files[file]).length;
  const filesChanged = [...fileHashes.keys()].filter(
    (file) => previous?.files[file] && previous.files[file]?.hash !== fileHashes.get(file),
  ).length;

  if (previous && previousDir && !rebuildReason && filesAdded + filesChanged + filesRemoved === 0) {
    return {
      changed: false,
      rebuildReason: null,
      files: files.length,
      filesAdded,
      filesChanged,
      filesRemoved,
      documents: previous.counts.documents,
      chunks: previous.counts.chunks,
      embeddedChunks: 0,
      removedChunks: 0,
      duplicatesDropped: previous.counts.duplicatesDropped,
      nearDuplicatePairs: 0,
      warnings,
      seconds: (performance.now() - started) / 1000,
      chunksPerSecond: 0,
      buildDir: previousDir,
    };
  }

  // --- parse: new and changed files; unchanged files keep their previous article records.
  const previousArticles = previousDir && previous && !rebuildReason ? await readArticles(previousDir) : [];
  const keptArticles = previousArticles.filter((article) => unchangedFiles.has(article.file));
  const ingestedAt = now().toISOString();
  // A changed file's articles keep the time they were first ingested.
  const firstIngested = new Map(previousArticles.map((article) => [article.docId, article.ingestedAt]));
  const parsedArticles: Article[] = [];
  const toParse = [...fileBytes.keys()].filter((file) => !unchangedFiles.has(file));
  for (const [position, file] of toParse.entries()) {
    const parsed = parseCorpusFile(file, fileBytes.get(file) ?? Buffer.alloc(0));
    for (const warning of parsed.warnings) warn(warning);
    if (parsed.articles.length === 0 && parsed.warnings.length === 0) {
      warn({ file, message: "no article text found, skipped" });
    }
    parsedArticles.push(...parsed.articles);
    progress({ phase: "parse", done: position + 1, total: toParse.length });
  }
  fileBytes.clear();
  await afterPhase("parse");

  // Exact duplicates: the same cleaned text twice is indexed once, first file wins.
  const seenContent = new Map<string, string>();
  for (const article of keptArticles) seenContent.set(article.contentHash, article.docId);
  let duplicatesDropped = 0;
  const newArticles: IndexedArticle[] = [];
  for (const article of parsedArticles.sort(byFileAndPart)) {
    const contentHash = sha256Hex(normaliseForHash(article.text), 32);
    const original = seenContent.get(contentHash);
    if (original) {
      duplicatesDropped += 1;
      warn({ file: article.file, message: `"${article.title}" duplicates document ${original}, skipped` });
      continue;
    }
    seenContent.set(contentHash, article.docId);
    newArticles.push({
      ...article,
      contentHash,
      ingestedAt: firstIngested.get(article.docId) ?? ingestedAt,
      chunkIds: [],
      signature: encodeSignature(minhashSignature(article.text)),
      nearDuplicates: [],
    });
  }
  const articles = [...keptArticles, ...newArticles].sort(byFileAndPart);

  // --- fit: corpus-fitted embedders re-learn when the corpus drifted too far since they learned.
  let ready: ReadyEmbedder;
  if (previous && previousDir && !rebuildReason && options.embedder.learnsFromCorpus) {
    const touched = newArticles.length + (previous.counts.documents - keptArticles.length);
    const ratio = touched / Math.max(1, previous.fittedOnDocuments);
    const threshold = options.refitRatio ?? 0.25;
    if (ratio > threshold) {
      rebuildReason = `the corpus changed by ${Math.round(ratio * 100)}% since the offline embedder learned its statistics (threshold ${Math.round(threshold * 100)}%)`;
    }
  }
  if (!previous || !previousDir || rebuildReason) {
    if (rebuildReason) notice(`Rebuilding the whole index: ${rebuildReason}.`);
    // A full build re-chunks and re-embeds every article, including those kept from unchanged
    // files (their cleaned text is in the previous articles.json, so they are not re-parsed).
    ready = await options.embedder.fit(articles.map((article) => `${article.title}\n${article.text}`));
  } else {
    ready = await options.embedder.restore(await readFile(path.join(previousDir, "embedder.bin")).catch(() => null));
    if (ready.id !== previous.embedder.id) {
      rebuildReason = `the embedder's identity changed (${previous.embedder.id} -> ${ready.id})`;
      notice(`Rebuilding the whole index: ${rebuildReason}.`);
      ready = await options.embedder.fit(articles.map((article) => `${article.title}\n${article.text}`));
    }
  }
  const fullBuild = !previous || !previousDir || rebuildReason !== null;
  await afterPhase("fit");

  // --- chunk and embed what is new (everything on a full build).
  const toChunk = fullBuild ? articles : newArticles;
  const pending: PendingChunk[] = [];
  for (const article of toChunk) {
    const chunks = chunkArticle(article, options.chunking);
    article.chunkIds = chunks.map((chunk) => chunk.chunkId);
    for (const chunk of chunks) {
      const metadata: ChunkMetadata = {
        chunkId: chunk.chunkId,
        docId: article.docId,
        index: chunk.index,
        title: article.title,
        source: article.source,
        author: article.author,
        published: article.published,
        url: article.url,
        file: article.file,
      };
      pending.push({ metadata, text: chunk.text, embeddingText: chunkEmbeddingText(article.title, chunk.text) });
    }
  }
  const vectors: number[][] = [];
  const batchSize = options.batchSize ?? 256;
  for (let start = 0; start < pending.length; start += batchSize) {
    const batch = pending.slice(start, start + batchSize);
    vectors.push(...(await ready.embeddings.embedDocuments(batch.map((item) => item.embeddingText))));
    progress({ phase: "embed", done: Math.min(pending.length, start + batchSize), total: pending.length });
  }
  await afterPhase("embed");

  // --- vectors: start from the live HNSW graph when incremental, drop what left, add what came.
  const dimensions = vectors[0]?.length ?? previous?.embedder.dimensions ?? 0;
  const liveDocIds = new Set(articles.map((article) => article.docId));
  let store: HNSWLib;
  let removedChunks = 0;
  let deletedLabels = 0;
  if (!fullBuild && previousDir && previous) {
    store = await HNSWLib.load(previousDir, ready.embeddings);
    deletedLabels = previous.counts.deletedLabels;
    const changedDocIds = new Set(newArticles.map((article) => article.docId));
    for (const [key, document] of store.docstore._docs) {
      const docId = (document.metadata as ChunkMetadata).docId;
      if (liveDocIds.has(docId) && !changedDocIds.has(docId)) continue;
      store.index.markDelete(Number(key));
      store.docstore._docs.delete(key);
      removedChunks += 1;
      deletedLabels += 1;
    }
  } else {
    store = new HNSWLib(ready.embeddings, { space: DEFAULT_HNSW.space, numDimensions: dimensions });
  }
  addVectors(store, vectors, pending, dimensions, (done) =>
    progress({ phase: "vectors", done, total: pending.length }),
  );
  const liveCount = store.docstore._docs.size;
  if (deletedLabels > 0 && deletedLabels > 0.3 * (liveCount + deletedLabels)) {
    // Too many tombstones slow search and waste space: rebuild the graph from the live vectors
    // (no re-embedding: hnswlib keeps each point).
    store = compact(store, ready, dimensions);
    deletedLabels = 0;
  }
  await afterPhase("vectors");

  // --- keywords: rebuilt from the live chunks (cheap next to embedding, and always consistent).
  const keyword = KeywordIndex.build(
    (function* () {
      for (const [key, document] of store.docstore._docs) {
        const metadata = document.metadata as ChunkMetadata;
        yield { label: Number(key), text: chunkEmbeddingText(metadata.title, document.pageContent) };
      }
    })(),
  );
  progress({ phase: "keywords", done: 1, total: 1 });
  await afterPhase("keywords");

  // Near-duplicates across the whole corpus (signatures are stored, so only new text is hashed).
  const pairs = findNearDuplicates(
    articles.map((article) => ({ id: article.docId, signature: decodeSignature(article.signature) })),
  );
  const byId = new Map(articles.map((article) => [article.docId, article]));
  for (const article of articles) article.nearDuplicates = [];
  for (const pair of pairs) {
    byId.get(pair.a)?.nearDuplicates.push({ docId: pair.b, similarity: pair.similarity });
    byId.get(pair.b)?.nearDuplicates.push({ docId: pair.a, similarity: pair.similarity });
  }

  // --- write: a complete build in a fresh folder; the manifest goes last.
  const buildDir = await createBuildDir(options.indexDir, now());
  if (store.docstore._docs.size > 0) {
    await store.save(buildDir);
  }
  await keyword.save(path.join(buildDir, "keyword.bin"));
  const state = ready.state();
  if (state) await writeFile(path.join(buildDir, "embedder.bin"), state);
  await writeFile(path.join(buildDir, "articles.json"), JSON.stringify(articles));
  const seconds = (performance.now() - started) / 1000;
  const fileEntries: Manifest["files"] = {};
  for (const [file, hash] of fileHashes) fileEntries[file] = { hash, docIds: [] };
  for (const article of articles) fileEntries[article.file]?.docIds.push(article.docId);
  const manifest: Manifest = {
    schema: MANIFEST_SCHEMA,
    pipeline: PIPELINE_VERSION,
    embedder: { spec: options.embedder.spec, id: ready.id, dimensions },
    chunking: { ...options.chunking },
    hnsw: { ...DEFAULT_HNSW },
    files: fileEntries,
    counts: {
      files: files.length,
      documents: articles.length,
      chunks: store.docstore._docs.size,
      duplicatesDropped: duplicatesDropped + (fullBuild ? 0 : (previous?.counts.duplicatesDropped ?? 0)),
      deletedLabels,
    },
    fittedOnDocuments: options.embedder.learnsFromCorpus
      ? fullBuild
        ? articles.length
        : (previous?.fittedOnDocuments ?? articles.length)
      : 0,
    corpusDir: options.corpusDir,
    builtAt: now().toISOString(),
    buildSeconds: seconds,
  };
  await writeFile(path.join(buildDir, "manifest.json"), JSON.stringify(manifest, null, 2));
  progress({ phase: "write", done: 1, total: 1 });
  await afterPhase("write");

  await publishBuild(options.indexDir, buildDir);
  await removeStaleBuilds(options.indexDir, buildDir);
  progress({ phase: "publish", done: 1, total: 1 });
  await afterPhase("publish");

  return {
    changed: true,
    rebuildReason,
    files: files.length,
    filesAdded,
    filesChanged,
    filesRemoved,
    documents: articles.length,
    chunks: manifest.counts.chunks,
    embeddedChunks: pending.length,
    removedChunks,
    duplicatesDropped: manifest.counts.duplicatesDropped,
    nearDuplicatePairs: pairs.length,
    warnings,
    seconds,
    chunksPerSecond: pending.length > 0 ? pending.length / seconds : 0,
    buildDir,
  };
}

/** Why the previous build cannot be extended incrementally, or null when it can. */
function whyRebuild(previous: Manifest | null, options: BuildOptions): string | null {
  if (!previous) return null;
  if (previous.pipeline !== PIPELINE_VERSION) {
    return `the text pipeline changed (version ${previous.pipeline ?? 1} -> ${PIPELINE_VERSION})`;
  }
  if (previous.embedder.spec !== options.embedder.spec) {
    return `the embedder changed from "${previous.embedder.spec}" to "${options.embedder.spec}"`;
  }
  if (previous.chunking.size !== options.chunking.size || previous.chunking.overlap !== options.chunking.overlap) {
    return `chunking changed from ${previous.chunking.size}/${previous.chunking.overlap} to ${options.chunking.size}/${options.chunking.overlap} (size/overlap)`;
  }
  if (previous.corpusDir !== options.corpusDir) {
    return `the corpus folder changed from ${previous.corpusDir} to ${options.corpusDir}`;
  }
  return null;
}

/**
 * Adds points with labels after the largest label in use. We drive hnswlib directly (rather than
 * `HNSWLib.addVectors`) to set the graph's M and efConstruction; the store's save/load format is
 * unchanged.
 */
function addVectors(
  store: HNSWLib,
  vectors: number[][],
  pending: PendingChunk[],
  dimensions: number,
  onProgress: (done: number) => void,
): void {
  if (vectors.length === 0) return;
  let index = store._index;
  if (!index || index.getMaxElements() === 0) {
    index = new hnswlib.HierarchicalNSW(DEFAULT_HNSW.space, dimensions);
    index.initIndex({ maxElements: vectors.length, m: DEFAULT_HNSW.m, efConstruction: DEFAULT_HNSW.efConstruction });
    store._index = index;
  }
  if (vectors[0]?.length !== dimensions)
    throw new Error(`embedding size ${vectors[0]?.length} does not match the index (${dimensions})`);
  let nextLabel = 0;
  for (const key of store.docstore._docs.keys()) nextLabel = Math.max(nextLabel, Number(key) + 1);
  nextLabel = Math.max(nextLabel, index.getCurrentCount());
  const needed = nextLabel + vectors.length;
  if (needed > index.getMaxElements()) index.resizeIndex(needed);
  const additions: Record<string, Document> = {};
  for (let i = 0; i < vectors.length; i += 1) {
    const item = pending[i];
    const vector = vectors[i];
    if (!item || !vector) continue;
    index.addPoint(vector, nextLabel + i);
    additions[String(nextLabel + i)] = new Document({
      pageContent: item.text,
      metadata: item.metadata,
    });
    if (i % 500 === 499) onProgress(i + 1);
  }
  store.docstore.add(additions);
  onProgress(vectors.length);
}

function compact(store: HNSWLib, ready: ReadyEmbedder, dimensions: number): HNSWLib {
  const entries = [...store.docstore._docs.entries()];
  const fresh = new HNSWLib(ready.embeddings, { space: DEFAULT_HNSW.space, numDimensions: dimensions });
  const index = new hnswlib.HierarchicalNSW(DEFAULT_HNSW.space, dimensions);
  index.initIndex({
    maxElements: Math.max(1, entries.length),
    m: DEFAULT_HNSW.m,
    efConstruction: DEFAULT_HNSW.efConstruction,
  });
  const additions: Record<string, Document> = {};
  entries.forEach(([key, document], label) => {
    index.addPoint(store.index.getPoint(Number(key)), label);
    additions[String(label)] = document;
  });
  fresh._index = index;
  fresh.docstore.add(additions);
  return fresh;
}

function byFileAndPart(a: Pick<Article, "file" | "part">, b: Pick<Article, "file" | "part">): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.part - b.part;
}

function normaliseForHash(text: string): string {
  return text.replace(/\s+/g, " ").trim().toLowerCase();
}
