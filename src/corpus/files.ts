import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/** File extensions (lower-case, with the dot) that `parseCorpusFile` knows how to read. */
export const SUPPORTED_EXTENSIONS: ReadonlySet<string> = new Set([
  ".txt",
  ".md",
  ".markdown",
  ".html",
  ".htm",
  ".json",
  ".jsonl",
]);

/** True when `path` has one of the {@link SUPPORTED_EXTENSIONS} (case-insensitive). */
export function isSupportedFile(path: string): boolean {
  const dot = path.lastIndexOf(".");
  return dot >= 0 && SUPPORTED_EXTENSIONS.has(path.slice(dot).toLowerCase());
}

/**
 * Lists the corpus files under `dir`, recursively.
 *
 * Hidden entries (dot files and dot folders such as `.git`) and `node_modules` are skipped because
 * they hold tooling, not articles. Symbolic links to files are followed; symbolic links to folders
 * are not, so a link cycle cannot make ingestion loop.
 *
 * @returns paths relative to `dir` with forward slashes, sorted by code point so that the order
 *   (and anything derived from it) is the same on every machine and locale
 */
export async function listCorpusFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  await walk(dir, "", found);
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function walk(root: string, relative: string, out: string[]): Promise<void> {
  const entries = await readdir(relative ? join(root, relative) : root, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const childRelative = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      await walk(root, childRelative, out);
    } else if (isSupportedFile(entry.name)) {
      if (entry.isFile()) {
        out.push(childRelative);
      } else if (entry.isSymbolicLink()) {
        const target = await stat(join(root, childRelative)).catch(() => null);
        if (target?.isFile()) out.push(childRelative);
      }
    }
  }
}
