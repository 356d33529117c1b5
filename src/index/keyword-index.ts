import { open, readFile, rename } from "node:fs/promises";
import { endianness } from "node:os";
import { contentTerms } from "../text/tokens.js";

/**
 * BM25 keyword index over chunks, keyed by the chunks' hnswlib labels.
 *
 * Terms come from the shared {@link contentTerms}. Postings are stored in CSR form: for term t,
 * documents `postingDocs[offsets[t] .. offsets[t+1])` (internal dense document numbers, ascending)
 * with term frequencies `postingFreqs[...]`; `labels[doc]` maps a document number back to its
 * label. Search accumulates scores term-at-a-time into a reusable score array and picks the top k
 * with a bounded heap.
 */

export interface KeywordIndexOptions {
  /** Term-frequency saturation. Default 1.2. */
  k1?: number;
  /** Length normalisation (0 = none, 1 = full). Default 0.75. */
  b?: number;
}

export interface KeywordHit {
  label: number;
  score: number;
}

/** One distinct query term with its corpus statistics. */
export interface TermWeight {
  term: string;
  /** Times the term occurs in the query. */
  count: number;
  /** Documents containing the term (0 for terms absent from the index). */
  df: number;
  /** BM25 idf; for absent terms the formula with df = 0 (the highest possible idf). */
  idf: number;
}

const MAGIC = "NDBM25\n";
const FORMAT_VERSION = 1;
const MAX_TF = 0xffff;

interface Header {
  format: number;
  endianness: "LE" | "BE";
  k1: number;
  b: number;
  documentCount: number;
  totalLength: number;
  postingCount: number;
  terms: string[];
}

class GrowableUint32 {
  data: Uint32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Uint32Array(capacity);
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(Math.ceil(this.data.length * 1.5));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length] = value;
    this.length += 1;
  }
  toArray(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}

class GrowableUint16 {
  data: Uint16Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Uint16Array(capacity);
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint16Array(Math.ceil(this.data.length * 1.5));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length] = value;
    this.length += 1;
  }
}

export class KeywordIndex {
  readonly k1: number;
  readonly b: number;
  private readonly terms: string[];
  private readonly termIds: Map<string, number>;
  private readonly offsets: Uint32Array;
  private readonly postingDocs: Uint32Array;
  private readonly postingFreqs: Uint16Array;
  private readonly labels: Uint32Array;
  private readonly docLengths: Uint32Array;
  private readonly totalLength: number;
  /** k1 * (1 - b + b * length / averageLength) per document, precomputed for search. */
  private readonly lengthNorms: Float64Array;
  /** Search scratch: scores per document number, only entries listed in `touched` are non-zero. */
  private readonly scores: Float64Array;
  private readonly touched: Uint32Array;

  private constructor(parts: {
    k1: number;
    b: number;
    terms: string[];
    offsets: Uint32Array;
    postingDocs: Uint32Array;
    postingFreqs: Uint16Array;
    labels: Uint32Array;
    docLengths: Uint32Array;
    totalLength: number;
  }) {
    this.k1 = parts.k1;
    this.b = parts.b;
    this.terms = parts.terms;
    this.offsets = parts.offsets;
    this.postingDocs = parts.postingDocs;
    this.postingFreqs = parts.postingFreqs;
    this.labels = parts.labels;
    this.docLengths = parts.docLengths;
    this.totalLength = parts.totalLength;
    this.termIds = new Map();
    parts.terms.forEach((term, id) => {
      this.termIds.set(term, id);
    });
    const n = parts.labels.length;
    const average = this.averageLength;
    this.lengthNorms = new Float64Array(n);
    for (let d = 0; d < n; d += 1) {
      const length = parts.docLengths[d] ?? 0;
      this.lengthNorms[d] = parts.k1 * (1 - parts.b + (average > 0 ? (parts.b * length) / average : 0));
    }
    this.scores = new Float64Array(n);
    this.touched = new Uint32Array(n);
  }

  /**
   * Builds an index from chunks. Labels must be distinct integers in 0..2^32-1 (they need not be
   * contiguous). A term occurring more than 65535 times in one text is counted as 65535.
   */
  static build(entries: Iterable<{ label: number; text: string }>, options: KeywordIndexOptions = {}): KeywordIndex {
    const k1 = options.k1 ?? 1.2;
    const b = options.b ?? 0.75;
    if (!Number.isFinite(k1) || k1 < 0) throw new RangeError(`k1 must be a finite number >= 0, got ${k1}`);
    if (!Number.isFinite(b) || b < 0 || b > 1) throw new RangeError(`b must be in 0..1, got ${b}`);

    const termIds = new Map<string, number>();
    const terms: string[] = [];
    const labels = new GrowableUint32();
    const docLengths = new GrowableUint32();
    // Per document: its distinct term ids and their frequencies, documents back to back.
    const docTermStarts = new GrowableUint32();
    const docTerms = new GrowableUint32(1 << 16);
    const docFreqs = new GrowableUint16(1 << 16);
    const seenLabels = new Set<number>();
    const local = new Map<number, number>();
    let totalLength = 0;

    for (const { label, text } of entries) {
      if (!Number.isInteger(label) || label < 0 || label > 0xffffffff) {
        throw new RangeError(`label must be an integer in 0..2^32-1, got ${label}`);
      }
      if (seenLabels.has(label)) throw new Error(`duplicate label ${label}`);
      seenLabels.add(label);
      const tokens = contentTerms(text);
      local.clear();
      for (const token of tokens) {
        let id = termIds.get(token);
        if (id === undefined) {
          id = terms.length;
          terms.push(token);
          termIds.set(token, id);
        }
        local.set(id, (local.get(id) ?? 0) + 1);
      }
      labels.push(label);
      docLengths.push(tokens.length);
      totalLength += tokens.length;
      docTermStarts.push(docTerms.length);
      for (const [id, tf] of local) {
        docTerms.push(id);
        docFreqs.push(Math.min(tf, MAX_TF));
      }
    }
    docTermStarts.push(docTerms.length);

    // Invert into CSR postings: count, prefix-sum, scatter in document order.
    const termCount = terms.length;
    const offsets = new Uint32Array(termCount + 1);
    const pairs = docTerms.length;
    for (let i = 0; i < pairs; i += 1) {
      const id = docTerms.data[i] ?? 0;
      offsets[id + 1] = (offsets[id + 1] ?? 0) + 1;
    }
    for (let t = 0; t < termCount; t += 1) offsets[t + 1] = (offsets[t + 1] ?? 0) + (offsets[t] ?? 0);
    const cursor = offsets.slice(0, termCount);
    const postingDocs = new Uint32Array(pairs);
    const postingFreqs = new Uint16Array(pairs);
    const docCount = labels.length;
    for (let d = 0; d < docCount; d += 1) {
      const end = docTermStarts.data[d + 1] ?? 0;
      for (let i = docTermStarts.data[d] ?? 0; i < end; i += 1) {
        const id = docTerms.data[i] ?? 0;
        const at = cursor[id] ?? 0;
        postingDocs[at] = d;
        postingFreqs[at] = docFreqs.data[i] ?? 0;
        cursor[id] = at + 1;
      }
    }
    return new KeywordIndex({
      k1,
      b,
      terms,
      offsets,
      postingDocs,
      postingFreqs,
      labels: labels.toArray(),
      docLengths: docLengths.toArray(),
      totalLength,
    });
  }

  /** Number of indexed chunks. */
  get documentCount(): number {
    return this.labels.length;
  }

  /** Mean number of content terms per chunk (0 for an empty index). */
  get averageLength(): number {
    return this.labels.length === 0 ? 0 : this.totalLength / this.labels.length;
  }

  /** Number of distinct terms. */
  get vocabularySize(): number {
    return this.terms.length;
  }

  /** Documents containing `term` (an index term, i.e. already passed through contentTerms). */
  documentFrequency(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : (this.offsets[id + 1] ?? 0) - (this.offsets[id] ?? 0);
  }

  /**
   * Lucene BM25 idf, ln(1 + (N - df + 0.5) / (df + 0.5)), of an index term (already passed through
   * contentTerms). An absent term gets the df = 0 value, the highest idf of the index.
   */
  idf(term: string): number {
    return this.idfOf(this.documentFrequency(term));
  }

  /** The distinct terms of `query` (via contentTerms) in order of first occurrence, with their statistics. */
  termWeights(query: string): TermWeight[] {
    const counts = new Map<string, number>();
    for (const term of contentTerms(query)) counts.set(term, (counts.get(term) ?? 0) + 1);
    const weights: TermWeight[] = [];
    for (const [term, count] of counts) {
      const df = this.documentFrequency(term);
      weights.push({ term, count, df, idf: this.idfOf(df) });
    }
    return weights;
  }

  /**
   * The `k` best chunks for `query` by BM25, best first (ties by ascending label). A term repeated in
   * the query counts once per occurrence; terms absent from the index are ignored. Only chunks
   * whose label passes `filter` (called once per matching chunk) are returned.
   */
  search(query: string, k: number, filter?: (label: number) => boolean): KeywordHit[] {
    const limit = Math.floor(k);
    if (!(limit >= 1) || this.labels.length === 0) return [];
    const { scores, touched, offsets, postingDocs, postingFreqs, lengthNorms } = this;
    const k1plus1 = this.k1 + 1;
    let touchedCount = 0;
    for (const weight of this.termWeights(query)) {
      const id = this.termIds.get(weight.term);
      if (id === undefined) continue;
      const factor = weight.idf * weight.count * k1plus1;
      const end = offsets[id + 1] ?? 0;
      for (let p = offsets[id] ?? 0; p < end; p += 1) {
        const doc = postingDocs[p] ?? 0;
        const tf = postingFreqs[p] ?? 0;
        const previous = scores[doc] ?? 0;
        if (previous === 0) touched[touchedCount++] = doc;
        scores[doc] = previous + (factor * tf) / (tf + (lengthNorms[doc] ?? 0));
      }
    }
    if (touchedCount === 0) return [];

    // Move the candidates out of the shared scratch before calling `filter`, so a filter that
    // throws (or searches this index itself) cannot leave stale scores behind.
    const candidates = touched.slice(0, touchedCount);
    const candidateScores = new Float64Array(touchedCount);
    for (let i = 0; i < touchedCount; i += 1) {
      const doc = candidates[i] ?? 0;
      candidateScores[i] = scores[doc] ?? 0;
      scores[doc] = 0;
    }

    // Bounded min-heap of candidate positions: the root is the weakest of the best `limit` so far.
    const labels = this.labels;
    const weaker = (a: number, c: number): boolean => {
      const sa = candidateScores[a] ?? 0;
      const sc = candidateScores[c] ?? 0;
      return sa < sc || (sa === sc && (labels[candidates[a] ?? 0] ?? 0) > (labels[candidates[c] ?? 0] ?? 0));
    };
    const heap: number[] = [];
    for (let i = 0; i < touchedCount; i += 1) {
      if (filter && !filter(labels[candidates[i] ?? 0] ?? 0)) continue;
      if (heap.length < limit) {
        heap.push(i);
        siftUp(heap, heap.length - 1, weaker);
      } else if (weaker(heap[0] ?? 0, i)) {
        heap[0] = i;
        siftDown(heap, 0, weaker);
      }
    }
    return heap
      .sort((a, c) => (weaker(a, c) ? 1 : weaker(c, a) ? -1 : 0))
      .map((i) => ({ label: labels[candidates[i] ?? 0] ?? 0, score: candidateScores[i] ?? 0 }));
  }

  /**
   * Writes the index to `path` (atomically: temp file, then rename). Layout: magic line, uint32 LE
   * header length, JSON header (params, counts, term list), padding to 4 bytes, then the typed
   * arrays labels (Uint32, N), docLengths (Uint32, N), offsets (Uint32, terms + 1), postingDocs
   * (Uint32, P), postingFreqs (Uint16, P), in platform byte order (recorded in the header).
   */
  async save(path: string): Promise<void> {
    const header: Header = {
      format: FORMAT_VERSION,
      endianness: endianness(),
      k1: this.k1,
      b: this.b,
      documentCount: this.labels.length,
      totalLength: this.totalLength,
      postingCount: this.postingDocs.length,
      terms: this.terms,
    };
    const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
    const magic = Buffer.from(MAGIC, "latin1");
    const prefix = Buffer.alloc(Math.ceil((magic.length + 4 + headerBytes.length) / 4) * 4);
    magic.copy(prefix, 0);
    prefix.writeUInt32LE(headerBytes.length, magic.length);
    headerBytes.copy(prefix, magic.length + 4);
    const temp = `${path}.${process.pid}.tmp`;
    const file = await open(temp, "w");
    try {
      await file.write(prefix);
      for (const array of [this.labels, this.docLengths, this.offsets, this.postingDocs, this.postingFreqs]) {
        await writeAll(file, array);
      }
    } finally {
      await file.close();
    }
    await rename(temp, path);
  }

  /** Reads an index written by {@link save}. The typed arrays are views over the file's bytes. */
  static async load(path: string): Promise<KeywordIndex> {
    const bytes = await readFile(path);
    const magicLength = Buffer.byteLength(MAGIC, "latin1");
    if (bytes.length < magicLength + 4 || bytes.toString("latin1", 0, magicLength) !== MAGIC) {
      throw new Error(`${path} is not a keyword index (bad magic)`);
    }
    const headerLength = bytes.readUInt32LE(magicLength);
    const headerStart = magicLength + 4;
    if (headerStart + headerLength > bytes.length) throw new Error(`${path} is truncated (header)`);
    const header = JSON.parse(bytes.toString("utf8", headerStart, headerStart + headerLength)) as Header;
    if (header.format !== FORMAT_VERSION)
      throw new Error(`${path} has keyword index format ${header.format}, expected ${FORMAT_VERSION}`);
    if (header.endianness !== endianness()) throw new Error(`${path} was written on a ${header.endianness} machine`);
    const n = header.documentCount;
    const p = header.postingCount;
    const termCount = header.terms.length;
    let at = Math.ceil((headerStart + headerLength) / 4) * 4;
    const expected = at + 4 * (n + n + termCount + 1 + p) + 2 * p;
    if (bytes.length !== expected) throw new Error(`${path} has ${bytes.length} bytes, expected ${expected}`);
    const take32 = (count: number): Uint32Array => {
      const array = view(bytes, at, count, Uint32Array);
      at += count * 4;
      return array;
    };
    const labels = take32(n);
    const docLengths = take32(n);
    const offsets = take32(termCount + 1);
    const postingDocs = take32(p);
    const postingFreqs = view(bytes, at, p, Uint16Array);
    return new KeywordIndex({
      k1: header.k1,
      b: header.b,
      terms: header.terms,
      offsets,
      postingDocs,
      postingFreqs,
      labels,
      docLengths,
      totalLength: header.totalLength,
    });
  }

  private idfOf(df: number): number {
    const n = this.labels.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }
}

/** A typed-array view over `bytes` (copied when the offset is not aligned for the element size). */
function view<T extends Uint32Array | Uint16Array>(
  bytes: Buffer,
  offset: number,
  count: number,
  type: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number },
): T {
  const absolute = bytes.byteOffset + offset;
  if (absolute % type.BYTES_PER_ELEMENT === 0) return new type(bytes.buffer, absolute, count);
  const copy = new Uint8Array(count * type.BYTES_PER_ELEMENT);
  copy.set(bytes.subarray(offset, offset + copy.length));
  return new type(copy.buffer, 0, count);
}

/** Writes a typed array in pieces (a single write is limited to 2 GiB). */
async function writeAll(file: Awaited<ReturnType<typeof open>>, array: Uint32Array | Uint16Array): Promise<void> {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  const piece = 1 << 26;
  for (let start = 0; start < bytes.length; start += piece) {
    const chunk = bytes.subarray(start, Math.min(bytes.length, start + piece));
    let written = 0;
    while (written < chunk.length) {
      const result = await file.write(chunk, written, chunk.length - written);
      written += result.bytesWritten;
    }
  }
}

function siftUp(heap: number[], index: number, weaker: (a: number, c: number) => boolean): void {
  let i = index;
  const item = heap[i] ?? 0;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = heap[parent] ?? 0;
    if (!weaker(item, p)) break;
    heap[i] = p;
    i = parent;
  }
  heap[i] = item;
}

function siftDown(heap: number[], index: number, weaker: (a: number, c: number) => boolean): void {
  const length = heap.length;
  let i = index;
  const item = heap[i] ?? 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= length) break;
    const right = left + 1;
    let child = left;
    if (right < length && weaker(heap[right] ?? 0, heap[left] ?? 0)) child = right;
    const c = heap[child] ?? 0;
    if (!weaker(c, item)) break;
    heap[i] = c;
    i = child;
  }
  heap[i] = item;
}
