/**
 * The intermediate shape every format reader produces, so that cleaning, splitting and metadata
 * work the same way whether the article came from a text file, an HTML page or a JSON record.
 */

/** Metadata a source states directly (front matter, HTML meta tags, record fields, "Author:" lines). */
export interface DocumentMeta {
  title?: string;
  /** Outlet name, e.g. "The Hill". */
  source?: string;
  author?: string;
  /** ISO `YYYY-MM-DD`. */
  published?: string;
  url?: string;
}

/** One input document before cleaning: its text as lines plus what its format stated. */
export interface RawDocument {
  /** Text lines; empty strings are paragraph breaks. */
  lines: string[];
  meta: DocumentMeta;
}

/**
 * Copies the defined, non-empty fields of `from` onto `into` where `into` has none yet.
 * Under `exactOptionalPropertyTypes` an optional field must be absent rather than `undefined`,
 * so every reader funnels its findings through this helper instead of spreading objects.
 */
export function fillMeta(
  into: DocumentMeta,
  from: Partial<Record<keyof DocumentMeta, string | null | undefined>>,
): DocumentMeta {
  for (const key of ["title", "source", "author", "published", "url"] as const) {
    const value = from[key]?.trim();
    if (value && !into[key]) into[key] = value;
  }
  return into;
}
