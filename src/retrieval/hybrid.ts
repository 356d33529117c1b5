import type { Document } from "@langchain/core/documents";
import type { NewsIndex } from "../index/open.js";
import type { ChunkMetadata } from "../index/records.js";

/** Narrowing of the searched chunks. Dates are inclusive ISO `YYYY-MM-DD`. */
export interface RetrievalFilter {
  from?: string | null;
  to?: string | null;
  /** Outlet names, matched case-insensitively. */
  sources?: readonly string[];
}

export interface RetrievalOptions {
  /** How many chunks to return. */
  k: number;
  /** Hard narrowing: only matching chunks come back. */
  filter?: RetrievalFilter;
  /**
   * Soft narrowing: matching chunks are searched for a second time and that ranking is fused in,
   * so they rise, while a strong match outside still can come back.
   */
  prefer?: RetrievalFilter;
  /** How many candidates each retriever contributes before fusion. */
  candidates?: number;
  /** At most this many chunks from one article (or its near-duplicates) among the results. */
  maxPerDocument?: number;
  /** Weight of the keyword ranking in fusion (the vector ranking has weight 1). */
  keywordWeight?: number;
}

export interface RetrievedChunk {
  label: number;
  document: Document<ChunkMetadata>;
  /** Fused score (reciprocal rank fusion); higher is better. */
  score: number;
  keywordRank: number | null;
  vectorRank: number | null;
  /** Cosine similarity from the vector index, when the vector retriever found it. */
  similarity: number | null;
}

/**
 * BM25's weight in fusion (the vector ranking has weight 1). Measured on RealTime QA dev with
 * `npm run bench:tune` (recall@5 / recall@10 / MC accuracy): weight 1: 0.501 / 0.575 / 0.494;
 * 2: 0.504 / 0.596 / 0.502; 8: 0.518 / 0.588 / 0.506; BM25 alone: 0.523 / 0.615 / 0.499. The
 * offline vectors mostly add spelling variants and partial overlap, so BM25 leads and the
 * vectors break ties and fill in when the words do not match (a misspelt name).
 */
export const DEFAULT_KEYWORD_WEIGHT = 8;

/** Reciprocal-rank-fusion constant: the usual 60 damps the difference between ranks 1 and 2. */
const RRF_K = 60;

/**
 * Hybrid retrieval: BM25 keyword search and vector search over the same chunks, fused by
 * reciprocal rank, then diversified so one article (or syndicated copies of it) cannot fill
 * every slot. Filters apply inside both searches, so k results come back whenever k match.
 */
export async function retrieve(index: NewsIndex, query: string, options: RetrievalOptions): Promise<RetrievedChunk[]> {
  const candidates = Math.max(options.candidates ?? 40, options.k);
  const keywordWeight = options.keywordWeight ?? DEFAULT_KEYWORD_WEIGHT;
  const vector = index.vectorStore ? await index.embeddings.embedQuery(query) : null;
  const fused = new Map<number, RetrievedChunk>();

  const search = (filter: RetrievalFilter | undefined, recordRanks: boolean) => {
    const matching = matchingLabels(index, filter);
    if (matching?.size === 0) return;
    const labelFilter = matching ? (label: number) => matching.has(label) : undefined;
    const entry = (label: number): RetrievedChunk | undefined => {
      let existing = fused.get(label);
      if (!existing) {
        const document = index.chunk(label);
        if (!document) return undefined;
        existing = { label, document, score: 0, keywordRank: null, vectorRank: null, similarity: null };
        fused.set(label, existing);
      }
      return existing;
    };
    index.keyword.search(query, candidates, labelFilter).forEach((hit, rank) => {
      const item = entry(hit.label);
      if (!item) return;
      if (recordRanks) item.keywordRank = rank + 1;
      item.score += keywordWeight / (RRF_K + rank + 1);
    });
    if (!vector) return;
    vectorSearch(index, vector, candidates, matching).forEach((hit, rank) => {
      const item = entry(hit.label);
      if (!item) return;
      if (recordRanks) {
        item.vectorRank = rank + 1;
        item.similarity = hit.similarity;
      }
      item.score += 1 / (RRF_K + rank + 1);
    });
  };

  search(options.filter, true);
  if (options.prefer) search({ ...options.filter, ...options.prefer }, false);
  const ranked = [...fused.values()].sort((a, b) => b.score - a.score || a.label - b.label);
  return diversify(index, ranked, options.k, options.maxPerDocument ?? 2);
}

/**
 * Below this share of the index, a filtered vector search scores the matching chunks exactly
 * instead of walking the HNSW graph: with few chunks passing, hnswlib visits nearly every node
 * and calls the filter for each (bench:speed measured ~300 ms per query at 100k chunks for a
 * date range matching nothing, against ~3 ms unfiltered).
 */
const EXACT_SEARCH_SHARE = 0.2;

/** Labels of the chunks a filter accepts, or null for no filter. */
function matchingLabels(index: NewsIndex, filter: RetrievalFilter | undefined): Set<number> | null {
  const accepts = buildFilter(filter);
  if (!accepts || !index.vectorStore) return null;
  const labels = new Set<number>();
  for (const [key, document] of index.vectorStore.docstore._docs) {
    if (accepts(document.metadata as ChunkMetadata)) labels.add(Number(key));
  }
  return labels;
}

/** Nearest chunks by cosine similarity, among `matching` when given. */
function vectorSearch(
  index: NewsIndex,
  vector: number[],
  k: number,
  matching: Set<number> | null,
): { label: number; similarity: number }[] {
  const store = index.vectorStore;
  const size = store?.docstore._docs.size ?? 0;
  if (!store || size === 0) return [];
  if (matching && matching.size <= EXACT_SEARCH_SHARE * size) {
    // hnswlib's cosine space stores unit vectors; normalise the query to match.
    const norm = Math.hypot(...vector) || 1;
    const scored: { label: number; similarity: number }[] = [];
    for (const label of matching) {
      const point = store.index.getPoint(label);
      let dot = 0;
      for (let i = 0; i < point.length; i += 1) dot += (point[i] ?? 0) * (vector[i] ?? 0);
      scored.push({ label, similarity: dot / norm });
    }
    return scored.sort((a, b) => b.similarity - a.similarity || a.label - b.label).slice(0, k);
  }
  const result = store.index.searchKnn(
    vector,
    Math.min(k, matching?.size ?? size),
    matching ? (label: number) => matching.has(label) : undefined,
  );
  return result.neighbors.map((label, rank) => ({ label, similarity: 1 - (result.distances[rank] ?? 1) }));
}

/**
 * Greedy selection with a per-article cap. Near-duplicate articles (syndicated copies) share
 * the cap. When the cap leaves slots empty (a corpus of one article), the best of the rest fill
 * them, so k results come back whenever k exist.
 */
function diversify(index: NewsIndex, ranked: RetrievedChunk[], k: number, maxPerDocument: number): RetrievedChunk[] {
  const picked: RetrievedChunk[] = [];
  const overflow: RetrievedChunk[] = [];
  const perGroup = new Map<string, number>();
  const groupOf = (docId: string): string => {
    const duplicates = index.articles.get(docId)?.nearDuplicates ?? [];
    // The smallest id among an article and its near-duplicates names their group.
    return [docId, ...duplicates.map((duplicate) => duplicate.docId)].sort()[0] ?? docId;
  };
  for (const item of ranked) {
    if (picked.length >= k) break;
    const group = groupOf(item.document.metadata.docId);
    const used = perGroup.get(group) ?? 0;
    if (used >= maxPerDocument) {
      overflow.push(item);
      continue;
    }
    perGroup.set(group, used + 1);
    picked.push(item);
  }
  for (const item of overflow) {
    if (picked.length >= k) break;
    picked.push(item);
  }
  return picked;
}

function buildFilter(filter: RetrievalFilter | undefined): ((metadata: ChunkMetadata) => boolean) | undefined {
  if (!filter) return undefined;
  const from = filter.from ?? null;
  const to = filter.to ?? null;
  const sources = filter.sources?.length ? new Set(filter.sources.map((source) => source.toLowerCase())) : null;
  if (!from && !to && !sources) return undefined;
  return (metadata) => {
    if (from || to) {
      if (!metadata.published) return false;
      if (from && metadata.published < from) return false;
      if (to && metadata.published > to) return false;
    }
    if (sources && !(metadata.source && sources.has(metadata.source.toLowerCase()))) return false;
    return true;
  };
}
