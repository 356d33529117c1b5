import type { BuildPhase, BuildProgress } from "../index/build.js";

const LABELS: Record<BuildPhase, string> = {
  scan: "Reading files",
  parse: "Cleaning articles",
  fit: "Learning corpus statistics",
  embed: "Embedding chunks",
  vectors: "Building vector index",
  keywords: "Building keyword index",
  stories: "Grouping articles into stories",
  write: "Writing index",
  publish: "Publishing",
};

/**
 * A one-line progress bar on stderr, redrawn at most every 100 ms. Silent when stderr is not a
 * terminal (CI logs, pipes), where a final summary line is all anyone wants.
 */
export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): {
  update: (progress: BuildProgress) => void;
  done: () => void;
} {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  let lastDraw = 0;
  let lastPhase: BuildPhase | null = null;
  let drawn = false;
  const update = (progress: BuildProgress) => {
    const now = Date.now();
    const finished = progress.done >= progress.total;
    if (progress.phase === lastPhase && !finished && now - lastDraw < 100) return;
    lastDraw = now;
    lastPhase = progress.phase;
    const width = 28;
    const ratio = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 1;
    const filled = Math.round(ratio * width);
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    const label = LABELS[progress.phase].padEnd(27);
    stream.write(
      `\r${label} ${bar} ${String(Math.round(ratio * 100)).padStart(3)}% ${progress.done}/${progress.total}\x1b[K`,
    );
    drawn = true;
  };
  const done = () => {
    if (drawn) stream.write("\r\x1b[K");
  };
  return { update, done };
}
