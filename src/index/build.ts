import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { Document } from "@langchain/core/documents";
import hnswlib from "hnswlib-node";
import { listCorpusFiles } from "../corpus/files.js";
import { parseCorpusFile } from "../corpus/parse.js";
import type { Article, CorpusWarning } from "../corpus/types.js";
import { UserError } from "../errors.js";
import { assignStories, DEFAULT_STORY_OPTIONS, type StoryOptions } from "../stories/cluster.js";
import { sha256Hex } from "../text/hash.js";
import { type ChunkingOptions, chunkArticle } from "./chunk.js";
import type { IndexEmbedder, ReadyEmbedder } from "./embedder.js";
import { KeywordIndex } from "./keyword-index.js";
import {
  createBuildDir,
  currentBuildDir,
  DEFAULT_HNSW,
  isOutdatedBuild,
  MANIFEST_SCHEMA,
  type Manifest,
  PIPELINE_VERSION,
  publishBuild,
  readManifest,
  removeStaleBuilds,
} from "./layout.js";
import { decodeSignature, encodeSignature, findNearDuplicates, minhashSignature } from "./near-duplicates.js";
import { type ChunkMetadata, chunkEmbeddingText, type IndexedArticle, readArticles, writeArticles } from "./records.js";
import { loadVectorStore, saveVectorStore } from "./vector-store.js";

/** Build phases, in order; reported to progress listeners and to the crash-test hook. */
export type BuildPhase = "scan" | "parse" | "fit" | "embed" | "vectors" | "keywords" | "stories" | "write" | "publish";

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
  /** Story grouping settings; a change regroups every article (no re-embedding). */
  stories?: StoryOptions;
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
  /** Of `seconds`: time inside the embedder, and time adding to (or compacting) the HNSW graph. */
  embedSeconds: number;
  graphSeconds: number;
  buildDir: string;
}

interface PendingChunk {
  metadata: ChunkMetadata;
  text: string;
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
  // Only hashes are kept: a big corpus need not fit in memory as raw bytes (parse reads again).
  const fileHashes = new Map<string, string>();
  for (const [position, file] of files.entries()) {
    try {
      fileHashes.set(file, sha256Hex(await readFile(path.join(options.corpusDir, file))));
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
  if (!previous && previousDir && (await isOutdatedBuild(previousDir))) {
    notice("Rebuilding the whole index: it was written by an older version of newsdesk.");
  }

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

  const storyOptions = options.stories ?? DEFAULT_STORY_OPTIONS;
  const regroup =
    !previous ||
    previous.stories?.threshold !== storyOptions.threshold ||
    previous.stories?.maxGapDays !== storyOptions.maxGapDays;
  if (previous && previousDir && !rebuildReason && !regroup && filesAdded + filesChanged + filesRemoved === 0) {
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
      embedSeconds: 0,
      graphSeconds: 0,
      buildDir: previousDir,
    };
  }

  // --- parse: new and changed files; unchanged files keep their previous article records.
  // Read even when everything is rebuilt: an article keeps the time it was first ingested and its
  // story whatever else changed (a new embedder must not make old news "new" in the digest).
  const previousArticles = previousDir && previous ? await readArticles(previousDir) : [];
  const keptArticles = previousArticles.filter((article) => unchangedFiles.has(article.file));
  const ingestedAt = now().toISOString();
  const firstIngested = new Map(previousArticles.map((article) => [article.docId, article.ingestedAt]));
  const previousStory = new Map(previousArticles.map((article) => [article.docId, article.storyId]));
  const parsedArticles: Article[] = [];
  const toParse = [...fileHashes.keys()].filter((file) => !unchangedFiles.has(file));
  for (const [position, file] of toParse.entries()) {
    const bytes = await readFile(path.join(options.corpusDir, file)).catch(() => null);
    if (!bytes || sha256Hex(bytes) !== fileHashes.get(file)) {
      // Changed or vanished since the scan: index what the scan saw, or nothing, never a mix.
      warn({ file, message: "changed while being ingested, skipped (run ingest again)" });
      fileHashes.delete(file);
      progress({ phase: "parse", done: position + 1, total: toParse.length });
      continue;
    }
    const parsed = parseCorpusFile(file, bytes);
    for (const warning of parsed.warnings) warn(warning);
    if (parsed.articles.length === 0 && parsed.warnings.length === 0) {
      warn({ file, message: "no article text found, skipped" });
    }
    parsedArticles.push(...parsed.articles);
    progress({ phase: "parse", done: position + 1, total: toParse.length });
  }
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
      storyId: previousStory.get(article.docId) ?? "",
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
    // files (their cleaned text is in the previous articles.jsonl, so they are not re-parsed).
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

  // --- chunk what is new (everything on a full build).
  const toChunk = fullBuild ? articles : newArticles;
  const pending: PendingChunk[] = [];
  for (const article of toChunk) {
    const chunks = chunkArticle(article, options.chunking);
    article.chunkIds = chunks.map((chunk) => chunk.chunkId);
    for (const chunk of chunks) {
      pending.push({
        text: chunk.text,
        metadata: {
          chunkId: chunk.chunkId,
          docId: article.docId,
          index: chunk.index,
          title: article.title,
          source: article.source,
          author: article.author,
          published: article.published,
          url: article.url,
          file: article.file,
        },
      });
    }
  }

  // --- embed: start from the live HNSW graph when incremental and drop what left, then embed
  // a batch at a time straight into the graph, so all the vectors are never held at once.
  const liveDocIds = new Set(articles.map((article) => article.docId));
  let store: HNSWLib | null = null;
  let removedChunks = 0;
  let deletedLabels = 0;
  if (!fullBuild && previousDir && previous) {
    store = await loadVectorStore(previousDir, ready.embeddings);
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
  }
  const timings = { embedSeconds: 0, graphSeconds: 0 };
  const graph = graphWriter(store, ready, pending.length);
  const batchSize = options.batchSize ?? 256;
  for (let start = 0; start < pending.length; start += batchSize) {
    const batch = pending.slice(start, start + batchSize);
    const embedStarted = performance.now();
    const vectors = await ready.embeddings.embedDocuments(
      batch.map((item) => chunkEmbeddingText(item.metadata.title, item.text)),
    );
    const graphStarted = performance.now();
    graph.add(batch, vectors);
    timings.embedSeconds += (graphStarted - embedStarted) / 1000;
    timings.graphSeconds += (performance.now() - graphStarted) / 1000;
    progress({ phase: "embed", done: Math.min(pending.length, start + batchSize), total: pending.length });
  }
  await afterPhase("embed");

  // --- vectors: too many tombstones slow search and waste space: rebuild the graph from the
  // live vectors (no re-embedding: hnswlib keeps each point).
  store = graph.store();
  const liveCount = store?.docstore._docs.size ?? 0;
  if (store && deletedLabels > 0 && deletedLabels > 0.3 * (liveCount + deletedLabels)) {
    const graphStarted = performance.now();
    store = compact(store, ready);
    deletedLabels = 0;
    timings.graphSeconds += (performance.now() - graphStarted) / 1000;
  }
  progress({ phase: "vectors", done: 1, total: 1 });
  await afterPhase("vectors");

  // --- keywords: rebuilt from the live chunks (cheap next to embedding, and always consistent).
  const liveStore = store;
  const keyword = KeywordIndex.build(
    (function* () {
      for (const [key, document] of liveStore?.docstore._docs ?? []) {
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

  // --- stories: new articles join a story or start one; a settings change regroups everything.
  if (previous && regroup) notice("Regrouping every article into stories: the story settings changed.");
  const storyIds = assignStories(
    articles.map((article) => ({ ...article, storyId: regroup ? undefined : article.storyId || undefined })),
    storyOptions,
  );
  for (const article of articles) article.storyId = storyIds.get(article.docId) ?? `s-${article.docId}`;
  progress({ phase: "stories", done: 1, total: 1 });
  await afterPhase("stories");

  // --- write: a complete build in a fresh folder; the manifest goes last.
  const buildDir = await createBuildDir(options.indexDir, now());
  const chunkCount = store?.docstore._docs.size ?? 0;
  if (store && chunkCount > 0) await saveVectorStore(store, buildDir);
  await keyword.save(path.join(buildDir, "keyword.bin"));
  const state = ready.state();
  if (state) await writeFile(path.join(buildDir, "embedder.bin"), state);
  await writeArticles(buildDir, articles);
  const seconds = (performance.now() - started) / 1000;
  const fileEntries: Manifest["files"] = {};
  for (const [file, hash] of fileHashes) fileEntries[file] = { hash, docIds: [] };
  for (const article of articles) fileEntries[article.file]?.docIds.push(article.docId);
  const manifest: Manifest = {
    schema: MANIFEST_SCHEMA,
    pipeline: PIPELINE_VERSION,
    embedder: {
      spec: options.embedder.spec,
      id: ready.id,
      dimensions: store?.args.numDimensions ?? previous?.embedder.dimensions ?? 0,
    },
    chunking: { ...options.chunking },
    hnsw: { ...DEFAULT_HNSW },
    stories: { ...storyOptions },
    files: fileEntries,
    counts: {
      files: files.length,
      documents: articles.length,
      chunks: chunkCount,
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
    ...timings,
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
 * Adds embedded chunks to the store's graph with labels after the largest label in use, creating
 * the store on the first batch of a fresh build (when the vectors' size is known). We drive
 * hnswlib directly (rather than `HNSWLib.addVectors`) to set the graph's M and efConstruction and
 * to size it once for the whole build.
 */
function graphWriter(existing: HNSWLib | null, ready: ReadyEmbedder, total: number) {
  let store = existing;
  let nextLabel = 0;
  if (store) {
    for (const key of store.docstore._docs.keys()) nextLabel = Math.max(nextLabel, Number(key) + 1);
    nextLabel = Math.max(nextLabel, store.index.getCurrentCount());
    if (nextLabel + total > store.index.getMaxElements()) store.index.resizeIndex(nextLabel + total);
  }
  return {
    store: () => store,
    add(batch: PendingChunk[], vectors: number[][]): void {
      const dimensions = vectors[0]?.length ?? 0;
      if (!store) {
        const index = new hnswlib.HierarchicalNSW(DEFAULT_HNSW.space, dimensions);
        index.initIndex({ maxElements: total, m: DEFAULT_HNSW.m, efConstruction: DEFAULT_HNSW.efConstruction });
        store = new HNSWLib(ready.embeddings, { space: DEFAULT_HNSW.space, numDimensions: dimensions, index });
      }
      if (dimensions !== store.args.numDimensions) {
        throw new Error(`embedding size ${dimensions} does not match the index (${store.args.numDimensions})`);
      }
      const additions: Record<string, Document> = {};
      batch.forEach((item, i) => {
        const vector = vectors[i];
        if (!vector) throw new Error(`the embedder returned ${vectors.length} vectors for ${batch.length} texts`);
        store?.index.addPoint(vector, nextLabel);
        additions[String(nextLabel)] = new Document({ pageContent: item.text, metadata: item.metadata });
        nextLabel += 1;
      });
      store.docstore.add(additions);
    },
  };
}

function compact(store: HNSWLib, ready: ReadyEmbedder): HNSWLib {
  const entries = [...store.docstore._docs.entries()];
  const numDimensions = store.args.numDimensions ?? store.index.getNumDimensions();
  const index = new hnswlib.HierarchicalNSW(DEFAULT_HNSW.space, numDimensions);
  index.initIndex({
    maxElements: Math.max(1, entries.length),
    m: DEFAULT_HNSW.m,
    efConstruction: DEFAULT_HNSW.efConstruction,
  });
  const fresh = new HNSWLib(ready.embeddings, { space: DEFAULT_HNSW.space, numDimensions, index });
  const additions: Record<string, Document> = {};
  entries.forEach(([key, document], label) => {
    index.addPoint(store.index.getPoint(Number(key)), label);
    additions[String(label)] = document;
  });
  fresh.docstore.add(additions);
  return fresh;
}

function byFileAndPart(a: Pick<Article, "file" | "part">, b: Pick<Article, "file" | "part">): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.part - b.part;
}

function normaliseForHash(text: string): string {
  return text.replace(/\s+/g, " ").trim().toLowerCase();
}
