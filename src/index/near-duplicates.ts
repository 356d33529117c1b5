import { fnv1a32 } from "../text/hash.js";
import { wordTokens } from "../text/tokens.js";

/**
 * Near-duplicate detection with MinHash over word 5-gram shingles and LSH banding, so that the
 * cost grows with the number of articles rather than with the number of pairs. Syndicated copies
 * of one wire story (same text, different site furniture) are near-duplicates; three outlets'
 * own reports of one event are not (that grouping is the stories stage's job).
 */

const PERMUTATIONS = 64;
const BANDS = 16;
const ROWS = PERMUTATIONS / BANDS;
const SHINGLE = 5;

/** Seeds for the hash family, fixed so signatures are comparable across runs. */
const SEEDS = Array.from({ length: PERMUTATIONS }, (_, i) => fnv1a32(`minhash-${i}`));

/** A MinHash signature of the text's word shingles (empty text gives an all-max signature). */
export function minhashSignature(text: string): Uint32Array {
  const tokens = wordTokens(text);
  const signature = new Uint32Array(PERMUTATIONS).fill(0xffffffff);
  const count = Math.max(1, tokens.length - SHINGLE + 1);
  for (let start = 0; start < count; start += 1) {
    const base = fnv1a32(tokens.slice(start, start + SHINGLE).join(" "));
    for (let p = 0; p < PERMUTATIONS; p += 1) {
      // xorshift-multiply mix of (shingle hash, seed): cheap and well spread.
      let h = (base ^ (SEEDS[p] ?? 0)) >>> 0;
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      h = (h ^ (h >>> 16)) >>> 0;
      if (h < (signature[p] ?? 0)) signature[p] = h;
    }
  }
  return signature;
}

/** Estimated Jaccard similarity of two signatures. */
export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < PERMUTATIONS; i += 1) if (a[i] === b[i]) same += 1;
  return same / PERMUTATIONS;
}

/** Pairs of ids whose estimated shingle Jaccard similarity is at least `threshold`. */
export function findNearDuplicates(
  items: readonly { id: string; signature: Uint32Array }[],
  threshold = 0.6,
): { a: string; b: string; similarity: number }[] {
  const buckets = new Map<string, number[]>();
  const candidates = new Set<string>();
  items.forEach((item, position) => {
    for (let band = 0; band < BANDS; band += 1) {
      const key = `${band}:${Array.from(item.signature.subarray(band * ROWS, band * ROWS + ROWS)).join(",")}`;
      const members = buckets.get(key);
      if (members) {
        for (const other of members) candidates.add(`${other}:${position}`);
        members.push(position);
      } else {
        buckets.set(key, [position]);
      }
    }
  });
  const pairs: { a: string; b: string; similarity: number }[] = [];
  for (const candidate of candidates) {
    const [first, second] = candidate.split(":").map(Number);
    const a = items[first ?? -1];
    const b = items[second ?? -1];
    if (!a || !b) continue;
    const similarity = estimatedJaccard(a.signature, b.signature);
    if (similarity >= threshold) pairs.push({ a: a.id, b: b.id, similarity });
  }
  return pairs.sort((x, y) => y.similarity - x.similarity);
}

/** Signature as base64 for JSON storage. */
export function encodeSignature(signature: Uint32Array): string {
  return Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString("base64");
}

/** Inverse of {@link encodeSignature}. */
export function decodeSignature(encoded: string): Uint32Array {
  const bytes = Buffer.from(encoded, "base64");
  return new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
