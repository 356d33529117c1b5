import { createHash } from "node:crypto";

/**
 * Builds a document id from where the article lives, not from what it says, so that re-ingesting
 * an edited article keeps its id (and its citations) stable.
 *
 * @param file - corpus-relative path with forward slashes
 * @param key - the article's key inside the file: part index for txt/md/html, the record's `id`
 *   (or its 0-based row number) for json/jsonl
 * @returns the first 16 hex characters of sha256(`${file}#${key}`)
 */
export function makeDocId(file: string, key: string | number): string {
  return createHash("sha256").update(`${file}#${key}`).digest("hex").slice(0, 16);
}
