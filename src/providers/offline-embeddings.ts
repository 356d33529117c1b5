import { readFile, rename, writeFile } from "node:fs/promises";
import { Embeddings } from "@langchain/core/embeddings";
import { contentTerms } from "../text/tokens.js";

/**
 * The offline default embedder: hashed TF-IDF features projected into a small dense space.
 *
 * Each text becomes three groups of features, all taken from the shared {@link contentTerms}
 * (so the embedder, the keyword index and answer scoring agree on what a term is):
 *  - content-term unigrams;
 *  - adjacent content-term bigrams (stopwords are already gone, so "secretary of state" gives
 *    "secretary state");
 *  - character n-grams of each term with boundary markers ("^zel", "nsky", "kyy$"...), so spelling
 *    variants such as "Zelenskyy"/"Zelensky" or "defence"/"defense" share most of their features.
 *    Terms containing a digit get no character n-grams: "2024" and "2025" must not look alike.
 *
 * Every feature is hashed (FNV-1a + murmur3 finaliser, seeded per group) into a bucket space of
 * 2^hashBits buckets. {@link HashedTfidfEmbeddings.fit} counts document frequencies per bucket;
 * a feature weighs (1 + ln tf) * sqrt(idf) with the smoothed idf ln((1 + N) / (1 + df)) + 1, so
 * a bucket never seen in fit (a new name) gets the maximum idf. The square root is deliberate:
 * query and chunk are weighted alike, so a shared term contributes idf once to their dot product
 * (as in BM25) rather than idf squared, which measured clearly worse (over-weights rare terms of
 * the chunk that the query does not contain). Each group is L2-normalised on its
 * own and scaled by its group weight (so the weights are shares of the vector, independent of how
 * many features a group produces), then every bucket is signed-hashed into `dimensions` dense
 * dimensions and the result is L2-normalised. Vectors are deterministic. A text without content
 * terms gets the zero vector (hnswlib's cosine space accepts it).
 *
 * Defaults were picked on the realtimeqa dev corpus (sentence -> source chunk recall, question ->
 * answer-bearing chunk): character n-grams carry the most weight (they add recall for spelling
 * variants and partial overlap), bigrams help little. More dimensions help clearly (the signed
 * projection is the main source of noise): 768 beats 384 by ~6 points of recall@1, at twice the
 * vector memory and HNSW build time.
 *
 * Before fit() every bucket has the same idf (1): the embedder still works, as plain hashed
 * TF vectors. {@link HashedTfidfEmbeddings.fitted} tells the two apart.
 */

export interface HashedTfidfOptions {
  /** Dense output dimensions. Default 384. */
  dimensions?: number;
  /** log2 of the number of hash buckets in which document frequencies are learned (10..26). Default 20. */
  hashBits?: number;
  /** Share of the vector given to content-term unigrams. Default 1. */
  unigramWeight?: number;
  /** Share of the vector given to adjacent content-term bigrams. Default 0.25. */
  bigramWeight?: number;
  /** Share of the vector given to character n-grams. Default 1. 0 disables them. */
  charWeight?: number;
  /** Shortest character n-gram (boundary markers count). Default 3. */
  charMin?: number;
  /** Longest character n-gram (boundary markers count). Default 5. */
  charMax?: number;
}

/** Settings after defaults; part of the id and of the serialized header. */
export type HashedTfidfSettings = Required<HashedTfidfOptions>;

export const HASHED_TFIDF_VERSION = "hashed-tfidf-v2";

const DEFAULTS: HashedTfidfSettings = {
  dimensions: 384,
  hashBits: 20,
  unigramWeight: 1,
  bigramWeight: 0.25,
  charWeight: 1,
  charMin: 3,
  charMax: 5,
};

const MAGIC = "NDHTE1\n";
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SEED_UNIGRAM = 0x2c1b3c6d;
const SEED_BIGRAM = 0x297a2d39;
const SEED_CHAR = 0x68e31da4;
const SEED_PROJECTION = 0x5bd1e995;
const WORD_START = 0x02;
const WORD_END = 0x03;
/** How many texts embedDocuments embeds between yields to the event loop. */
const YIELD_EVERY = 256;

/** murmur3's 32-bit finaliser: spreads FNV's weak low bits over the whole word. */
function fmix32(input: number): number {
  let h = input | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units. */
function fnv1a(text: string, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  }
  return h >>> 0;
}

function hasDigit(term: string): boolean {
  for (let i = 0; i < term.length; i += 1) {
    const c = term.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/** A growable list of bucket ids, reused between texts. */
class BucketList {
  data = new Uint32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length] = value;
    this.length += 1;
  }
}

function validate(settings: HashedTfidfSettings): void {
  const { dimensions, hashBits, charMin, charMax } = settings;
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 65536) {
    throw new RangeError(`dimensions must be an integer in 1..65536, got ${dimensions}`);
  }
  if (!Number.isInteger(hashBits) || hashBits < 10 || hashBits > 26) {
    throw new RangeError(`hashBits must be an integer in 10..26, got ${hashBits}`);
  }
  if (!Number.isInteger(charMin) || !Number.isInteger(charMax) || charMin < 1 || charMax < charMin || charMax > 16) {
    throw new RangeError(
      `character n-gram range must satisfy 1 <= charMin <= charMax <= 16, got ${charMin}..${charMax}`,
    );
  }
  for (const key of ["unigramWeight", "bigramWeight", "charWeight"] as const) {
    const value = settings[key];
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${key} must be a finite number >= 0, got ${value}`);
  }
  if (settings.unigramWeight + settings.bigramWeight + settings.charWeight === 0) {
    throw new RangeError("at least one feature group needs a weight above 0");
  }
}

/** Offline, corpus-fitted embeddings; see the module comment for the design. */
export class HashedTfidfEmbeddings extends Embeddings {
  readonly settings: Readonly<HashedTfidfSettings>;
  readonly dimensions: number;

  /** Texts seen by the last fit() (0 before fit). */
  private docCount = 0;
  /** Document frequency per bucket. */
  private df: Uint32Array;
  /** sqrt(idf) per bucket, derived from df and docCount: the idf part of a feature's weight. */
  private idfTable: Float32Array;
  private cachedId: string | null = null;

  // Scratch state, reused between texts (embedding is synchronous, so never shared mid-call).
  private readonly mask: number;
  private readonly marks: Uint32Array;
  private readonly counts: Uint32Array;
  private epoch = 0;
  private readonly unigrams = new BucketList();
  private readonly bigrams = new BucketList();
  private readonly chars = new BucketList();
  private readonly touched = new BucketList();
  private readonly dense: Float64Array;
  private weights = new Float64Array(1024);

  constructor(options: HashedTfidfOptions = {}) {
    super({});
    const settings: HashedTfidfSettings = { ...DEFAULTS };
    for (const key of Object.keys(DEFAULTS) as (keyof HashedTfidfSettings)[]) {
      const value = options[key];
      if (value !== undefined) settings[key] = value;
    }
    validate(settings);
    this.settings = Object.freeze(settings);
    this.dimensions = settings.dimensions;
    const buckets = 2 ** settings.hashBits;
    this.mask = buckets - 1;
    this.df = new Uint32Array(buckets);
    this.idfTable = new Float32Array(buckets).fill(1);
    this.marks = new Uint32Array(buckets);
    this.counts = new Uint32Array(buckets);
    this.dense = new Float64Array(settings.dimensions);
  }

  /** True once fit() has seen at least one text. */
  get fitted(): boolean {
    return this.docCount > 0;
  }

  /** Number of texts the statistics were learned from. */
  get documentCount(): number {
    return this.docCount;
  }

  /**
   * Identity of the vectors: version, a short hash of the settings and of the fitted statistics.
   * Two instances with the same id make identical vectors.
   */
  get id(): string {
    if (this.cachedId === null) {
      const s = this.settings;
      const settingsText = `${s.dimensions}|${s.hashBits}|${s.unigramWeight}|${s.bigramWeight}|${s.charWeight}|${s.charMin}|${s.charMax}`;
      let h = fnv1a(settingsText, 0);
      h = Math.imul(h ^ this.docCount, FNV_PRIME) >>> 0;
      let h2 = fnv1a(settingsText, 0x9e3779b9);
      const df = this.df;
      for (let i = 0; i < df.length; i += 1) {
        const v = df[i] ?? 0;
        if (v === 0) continue;
        h = Math.imul(h ^ i, FNV_PRIME);
        h = Math.imul(h ^ v, FNV_PRIME);
        h2 = Math.imul(h2 ^ v, 0x5bd1e995) ^ i;
      }
      const hex =
        (fmix32(h) >>> 0).toString(16).padStart(8, "0") +
        (fmix32(h2 ^ this.docCount) >>> 0).toString(16).padStart(8, "0");
      this.cachedId = `${HASHED_TFIDF_VERSION}-d${s.dimensions}-${hex.slice(0, 12)}`;
    }
    return this.cachedId;
  }

  /**
   * Learns document frequencies from `texts` (one document each), replacing any earlier fit.
   * Returns this, so `new HashedTfidfEmbeddings().fit(texts)` reads naturally.
   */
  fit(texts: Iterable<string>): this {
    const df = new Uint32Array(this.df.length);
    let n = 0;
    for (const text of texts) {
      this.extract(text);
      const stamp = this.nextEpoch();
      for (const list of [this.unigrams, this.bigrams, this.chars]) {
        const data = list.data;
        for (let i = 0; i < list.length; i += 1) {
          const bucket = data[i] ?? 0;
          if (this.marks[bucket] !== stamp) {
            this.marks[bucket] = stamp;
            df[bucket] = (df[bucket] ?? 0) + 1;
          }
        }
      }
      n += 1;
    }
    this.setStatistics(n, df);
    return this;
  }

  /** Embeds one text synchronously; the result is L2-normalised (all zeros for a text without terms). */
  embedSync(text: string): Float32Array {
    this.extract(text);
    const dense = this.dense;
    dense.fill(0);
    const s = this.settings;
    this.accumulate(this.unigrams, s.unigramWeight);
    this.accumulate(this.bigrams, s.bigramWeight);
    this.accumulate(this.chars, s.charWeight);
    let norm = 0;
    for (let i = 0; i < dense.length; i += 1) {
      const v = dense[i] ?? 0;
      norm += v * v;
    }
    const out = new Float32Array(dense.length);
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let i = 0; i < dense.length; i += 1) out[i] = (dense[i] ?? 0) * scale;
    }
    return out;
  }

  /** LangChain: embeds documents, yielding to the event loop every few hundred texts. */
  override async embedDocuments(documents: string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let i = 0; i < documents.length; i += 1) {
      if (i > 0 && i % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      vectors.push(Array.from(this.embedSync(documents[i] ?? "")));
    }
    return vectors;
  }

  /** LangChain: embeds a query (the same function as for documents: the space is symmetric). */
  override async embedQuery(document: string): Promise<number[]> {
    return Array.from(this.embedSync(document));
  }

  /**
   * Compact binary form: magic line, uint32 header length, JSON header (settings, document count,
   * encoding), padding to 4 bytes, then the document frequencies as a Uint32Array, stored dense or
   * as (bucket, df) pairs, whichever is smaller. Little-endian.
   */
  serialize(): Buffer {
    const nonZero: number[] = [];
    for (let i = 0; i < this.df.length; i += 1) if (this.df[i] !== 0) nonZero.push(i);
    const sparse = nonZero.length * 2 < this.df.length;
    let body: Uint32Array;
    if (sparse) {
      body = new Uint32Array(nonZero.length * 2);
      nonZero.forEach((bucket, j) => {
        body[2 * j] = bucket;
        body[2 * j + 1] = this.df[bucket] ?? 0;
      });
    } else {
      body = this.df;
    }
    const header = Buffer.from(
      JSON.stringify({
        version: HASHED_TFIDF_VERSION,
        settings: this.settings,
        documentCount: this.docCount,
        encoding: sparse ? "sparse" : "dense",
        entries: sparse ? nonZero.length : this.df.length,
      }),
      "utf8",
    );
    const magic = Buffer.from(MAGIC, "latin1");
    const headStart = magic.length + 4;
    const bodyStart = Math.ceil((headStart + header.length) / 4) * 4;
    const out = Buffer.alloc(bodyStart + body.byteLength);
    magic.copy(out, 0);
    out.writeUInt32LE(header.length, magic.length);
    header.copy(out, headStart);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (let i = 0; i < body.length; i += 1) view.setUint32(bodyStart + i * 4, body[i] ?? 0, true);
    return out;
  }

  /** Rebuilds an embedder from {@link serialize}'s output; it makes exactly the same vectors. */
  static deserialize(buffer: Uint8Array): HashedTfidfEmbeddings {
    const bytes = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const magicLength = Buffer.byteLength(MAGIC, "latin1");
    if (bytes.length < magicLength + 4 || bytes.toString("latin1", 0, magicLength) !== MAGIC) {
      throw new Error("Not a hashed-tfidf embedder file (bad magic)");
    }
    const headerLength = bytes.readUInt32LE(magicLength);
    const headStart = magicLength + 4;
    if (headStart + headerLength > bytes.length) throw new Error("Truncated hashed-tfidf embedder file (header)");
    const header = JSON.parse(bytes.toString("utf8", headStart, headStart + headerLength)) as {
      version: string;
      settings: HashedTfidfSettings;
      documentCount: number;
      encoding: "sparse" | "dense";
      entries: number;
    };
    if (header.version !== HASHED_TFIDF_VERSION) {
      throw new Error(`Unsupported embedder version ${header.version} (expected ${HASHED_TFIDF_VERSION})`);
    }
    const embedder = new HashedTfidfEmbeddings(header.settings);
    const bodyStart = Math.ceil((headStart + headerLength) / 4) * 4;
    const words = header.encoding === "sparse" ? header.entries * 2 : header.entries;
    if (header.encoding === "dense" && header.entries !== embedder.df.length) {
      throw new Error("Corrupt hashed-tfidf embedder file (bucket count does not match settings)");
    }
    if (bodyStart + words * 4 > bytes.length) throw new Error("Truncated hashed-tfidf embedder file (body)");
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const df = new Uint32Array(embedder.df.length);
    if (header.encoding === "sparse") {
      for (let j = 0; j < header.entries; j += 1) {
        const bucket = view.getUint32(bodyStart + j * 8, true);
        if (bucket >= df.length) throw new Error("Corrupt hashed-tfidf embedder file (bucket out of range)");
        df[bucket] = view.getUint32(bodyStart + j * 8 + 4, true);
      }
    } else {
      for (let i = 0; i < df.length; i += 1) df[i] = view.getUint32(bodyStart + i * 4, true);
    }
    embedder.setStatistics(header.documentCount, df);
    return embedder;
  }

  /** Writes {@link serialize}'s output to `path` (atomically: temp file, then rename). */
  async save(path: string): Promise<void> {
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, this.serialize());
    await rename(temp, path);
  }

  static async load(path: string): Promise<HashedTfidfEmbeddings> {
    return HashedTfidfEmbeddings.deserialize(await readFile(path));
  }

  /** The idf the embedder gives a bucket with document frequency `df` (exposed for tests and tuning). */
  idfFor(df: number): number {
    return this.docCount === 0 ? 1 : Math.log((1 + this.docCount) / (1 + df)) + 1;
  }

  private setStatistics(documentCount: number, df: Uint32Array): void {
    this.docCount = documentCount;
    this.df = df;
    const idf = new Float32Array(df.length);
    if (documentCount === 0) {
      idf.fill(1);
    } else {
      // Every bucket has one of few distinct df values; cache their idf.
      const cache = new Map<number, number>();
      for (let i = 0; i < df.length; i += 1) {
        const d = df[i] ?? 0;
        let value = cache.get(d);
        if (value === undefined) {
          value = Math.sqrt(this.idfFor(d));
          cache.set(d, value);
        }
        idf[i] = value;
      }
    }
    this.idfTable = idf;
    this.cachedId = null;
  }

  private nextEpoch(): number {
    this.epoch += 1;
    if (this.epoch === 0xffffffff) {
      this.marks.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }

  /** Fills the three bucket lists with the features of `text`. */
  private extract(text: string): void {
    const mask = this.mask;
    const { charMin, charMax, bigramWeight, charWeight } = this.settings;
    const wantBigrams = bigramWeight > 0;
    const wantChars = charWeight > 0;
    this.unigrams.length = 0;
    this.bigrams.length = 0;
    this.chars.length = 0;
    let previous = 0;
    let havePrevious = false;
    for (const term of contentTerms(text)) {
      const h = fnv1a(term, 0);
      this.unigrams.push(fmix32(h ^ SEED_UNIGRAM) & mask);
      if (wantBigrams) {
        if (havePrevious) this.bigrams.push(fmix32(Math.imul(previous, FNV_PRIME) ^ h ^ SEED_BIGRAM) & mask);
        previous = h;
        havePrevious = true;
      }
      if (wantChars && !hasDigit(term)) {
        // Character n-grams over "\x02" + term + "\x03", hashed incrementally without substrings.
        const length = term.length + 2;
        for (let start = 0; start + charMin <= length; start += 1) {
          let g = (FNV_OFFSET ^ SEED_CHAR) >>> 0;
          const stop = Math.min(length, start + charMax);
          for (let j = start; j < stop; j += 1) {
            const code = j === 0 ? WORD_START : j === length - 1 ? WORD_END : term.charCodeAt(j - 1);
            g = Math.imul(g ^ code, FNV_PRIME);
            if (j - start + 1 >= charMin) this.chars.push(fmix32(g) & mask);
          }
        }
      }
    }
  }

  /**
   * Adds one feature group to the dense vector: sublinear tf times idf per bucket, the group
   * L2-normalised and scaled by `weight`, each bucket signed-hashed into a dense dimension.
   */
  private accumulate(list: BucketList, weight: number): void {
    if (weight === 0 || list.length === 0) return;
    const stamp = this.nextEpoch();
    const { marks, counts, touched, idfTable, dense } = this;
    const dims = this.dimensions;
    touched.length = 0;
    const data = list.data;
    for (let i = 0; i < list.length; i += 1) {
      const bucket = data[i] ?? 0;
      if (marks[bucket] !== stamp) {
        marks[bucket] = stamp;
        counts[bucket] = 1;
        touched.push(bucket);
      } else {
        counts[bucket] = (counts[bucket] ?? 0) + 1;
      }
    }
    let sumSquares = 0;
    const buckets = touched.data;
    if (this.weights.length < touched.length) this.weights = new Float64Array(touched.data.length);
    const weights = this.weights;
    for (let i = 0; i < touched.length; i += 1) {
      const bucket = buckets[i] ?? 0;
      const count = counts[bucket] ?? 1;
      const w = (count === 1 ? 1 : 1 + Math.log(count)) * (idfTable[bucket] ?? 1);
      weights[i] = w;
      sumSquares += w * w;
    }
    const scale = weight / Math.sqrt(sumSquares);
    for (let i = 0; i < touched.length; i += 1) {
      const bucket = buckets[i] ?? 0;
      const w = (weights[i] ?? 0) * scale;
      const p = fmix32(bucket ^ SEED_PROJECTION);
      const dim = (p >>> 1) % dims;
      dense[dim] = (dense[dim] ?? 0) + (p & 1 ? -w : w);
    }
  }
}
