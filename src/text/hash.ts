import { createHash } from "node:crypto";

/** 32-bit FNV-1a over the UTF-16 code units of a string: fast, stable across runs and platforms. */
export function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Hex sha256 of a string or bytes, truncated to `length` characters. */
export function sha256Hex(data: string | Uint8Array, length = 64): string {
  return createHash("sha256").update(data).digest("hex").slice(0, length);
}
