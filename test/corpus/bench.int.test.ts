/**
 * Opt-in checks of the corpus stage on the real benchmark corpora (not part of the default run:
 * vitest.config.ts excludes *.int.test.ts). They need the data folder, `../shared/bench` next to
 * the repository or the folder named by NEWSDESK_BENCH_DIR, and skip without it.
 *
 * Run: npx vitest run --config test/corpus/int.vitest.config.ts
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cleanLines } from "../../src/corpus/clean.js";
import { parseCorpusFile } from "../../src/corpus/parse.js";
import { readRecord } from "../../src/corpus/records.js";

const BENCH = process.env.NEWSDESK_BENCH_DIR ?? fileURLToPath(new URL("../../../shared/bench", import.meta.url));
const DEV_CORPUS = join(BENCH, "realtimeqa", "dev-corpus.jsonl");
const DEV_QUESTIONS = join(BENCH, "realtimeqa", "dev-questions.jsonl");
const MULTIHOP_CORPUS = join(BENCH, "multihop-rag", "corpus.json");
const MULTIHOP_QUERIES = join(BENCH, "multihop-rag", "queries.jsonl");

function jsonLines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe.skipIf(!existsSync(DEV_CORPUS))("realtimeqa dev corpus", () => {
  it("reports how many lines the cleaner drops in the first 300 rows", () => {
    let lines = 0;
    const dropped = new Map<string, number>();
    for (const row of jsonLines(DEV_CORPUS).slice(0, 300)) {
      const doc = readRecord(row);
      if (!doc) continue;
      lines += doc.lines.filter((line) => line.trim()).length;
      for (const line of cleanLines(doc.lines, { title: doc.meta.title ?? null }).dropped) {
        const shape = line.replace(/\d+/g, "N").slice(0, 90);
        dropped.set(shape, (dropped.get(shape) ?? 0) + 1);
      }
    }
    const total = [...dropped.values()].reduce((sum, count) => sum + count, 0);
    const top = [...dropped].sort((a, b) => b[1] - a[1]).slice(0, 15);
    console.log(`first 300 rows: ${lines} non-empty lines, ${total} dropped (${((100 * total) / lines).toFixed(1)}%)`);
    for (const [shape, count] of top) console.log(`  ${count}\t${shape}`);
    expect(total).toBeGreaterThan(0);
    expect(total / lines).toBeLessThan(0.15);
  });

  it("parses the whole dev corpus in a few seconds and keeps every answer that the raw text contains", () => {
    const bytes = readFileSync(DEV_CORPUS);
    const started = performance.now();
    const { articles, warnings } = parseCorpusFile("realtimeqa/dev-corpus.jsonl", bytes);
    const elapsed = performance.now() - started;
    console.log(
      `dev corpus: ${(bytes.length / 1e6).toFixed(1)} MB -> ${articles.length} articles, ${warnings.length} warnings in ${elapsed.toFixed(0)} ms`,
    );
    expect(elapsed).toBeLessThan(10_000);

    const fold = (text: string): string =>
      text
        .toLowerCase()
        .replace(/["'“”‘’]/g, "")
        .replace(/\s+/g, " ");
    const raw = jsonLines(DEV_CORPUS)
      .map((row) => fold(`${String(row.title)}\n${String(row.text)}`))
      .join("\u0000");
    const cleaned = articles.map((article) => fold(`${article.title}\n${article.text}`)).join("\u0000");
    const lost: string[] = [];
    let present = 0;
    for (const question of jsonLines(DEV_QUESTIONS)) {
      const choices = question.choices as string[];
      const answer = fold(choices[(question.answer as number[])[0] ?? 0] ?? "");
      if (!raw.includes(answer)) continue;
      present += 1;
      if (!cleaned.includes(answer)) lost.push(answer);
    }
    console.log(`answers present in raw text: ${present}, lost by cleaning: ${lost.length}`);
    expect(lost).toEqual([]);
  });
});

describe.skipIf(!existsSync(MULTIHOP_CORPUS))("MultiHop-RAG corpus", () => {
  it("keeps every gold evidence fact after cleaning", () => {
    const { articles, warnings } = parseCorpusFile("multihop-rag/corpus.json", readFileSync(MULTIHOP_CORPUS));
    expect(warnings).toEqual([]);
    expect(articles).toHaveLength(609);
    const squash = (text: string): string => text.replace(/\s+/g, "");
    const cleaned = articles.map((article) => squash(article.text)).join("\u0000");
    const lost: string[] = [];
    for (const query of jsonLines(MULTIHOP_QUERIES)) {
      for (const evidence of query.evidence_list as Array<{ fact: string }>) {
        if (!cleaned.includes(squash(evidence.fact))) lost.push(evidence.fact);
      }
    }
    expect(lost).toEqual([]);
  });
});
