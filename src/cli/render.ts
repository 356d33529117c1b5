import type { Answer, Citation } from "../answer/types.js";
import type { BuildReport } from "../index/build.js";

/** One source line: `[n] Title — Outlet, 2025-07-25 (file or url)`. */
export function formatCitation(citation: Citation): string {
  const details = [citation.source, citation.published].filter(Boolean).join(", ");
  const where = citation.url ?? citation.file;
  return `[${citation.n}] ${citation.title}${details ? ` — ${details}` : ""} (${where})`;
}

/** An answer for a terminal: the text, an optional note, then the numbered sources. */
export function formatAnswer(answer: Answer): string {
  const lines = [answer.answer];
  if (answer.note) lines.push("", `(${answer.note})`);
  if (answer.citations.length > 0) {
    lines.push("", "Sources:", ...answer.citations.map(formatCitation));
  }
  return lines.join("\n");
}

/** The one-line summary printed at the end of an ingest run. */
export function formatBuildSummary(report: BuildReport): string {
  if (!report.changed) {
    return `Index is up to date: ${report.documents} documents, ${report.chunks} chunks from ${report.files} files (checked in ${report.seconds.toFixed(1)} s).`;
  }
  const changes = [
    report.filesAdded && `${report.filesAdded} added`,
    report.filesChanged && `${report.filesChanged} changed`,
    report.filesRemoved && `${report.filesRemoved} removed`,
  ].filter(Boolean);
  const rate = report.embeddedChunks > 0 ? `, ${Math.round(report.chunksPerSecond)} chunks/s` : "";
  const warnings = report.warnings.length
    ? `; ${report.warnings.length} warning${report.warnings.length === 1 ? "" : "s"}`
    : "";
  return (
    `Indexed ${report.documents} documents, ${report.chunks} chunks from ${report.files} files` +
    `${changes.length ? ` (${changes.join(", ")})` : ""}: embedded ${report.embeddedChunks} chunks in ${report.seconds.toFixed(1)} s${rate}${warnings}.`
  );
}
