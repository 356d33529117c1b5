/**
 * Ingest time and ask latency on the five seed files, the figures quoted in the README.
 *
 *   npm run bench:seeds [-- --runs 5]
 *
 * Ingest: a cold full build into a fresh folder, end to end (read, clean, chunk, fit, embed,
 * index, write), repeated --runs times. Ask: every question of test/fixtures/seed-questions.json
 * through the same code path as `npm run ask`, after the index is loaded (load time reported
 * separately).
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ask } from "../../src/answer/ask.js";
import { buildIndex } from "../../src/index/build.js";
import { openIndex } from "../../src/index/open.js";
import { createIndexEmbedder } from "../../src/providers/embedders.js";
import { gitCommit, resultFile } from "./results.js";
import { percentile } from "./stats.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);
const root = path.resolve(import.meta.dirname, "../..");
const set = JSON.parse(await readFile(path.join(root, "test/fixtures/seed-questions.json"), "utf8")) as {
  referenceDate: string;
  answerable: { question: string }[];
  unanswerable: string[];
};
const questions = [...set.answerable.map((item) => item.question), ...set.unanswerable];
const embedder = createIndexEmbedder("offline", { dimensions: 384 });

const ingestSeconds: number[] = [];
let chunks = 0;
let indexDir = "";
for (let run = 0; run < runs; run += 1) {
  if (indexDir) await rm(indexDir, { recursive: true, force: true });
  indexDir = await mkdtemp(path.join(tmpdir(), "newsdesk-bench-seeds-"));
  const started = performance.now();
  const report = await buildIndex({
    corpusDir: path.join(root, "seeds"),
    indexDir,
    embedder,
    chunking: { size: 900, overlap: 150 },
  });
  ingestSeconds.push((performance.now() - started) / 1000);
  chunks = report.chunks;
}
const loadStarted = performance.now();
const index = await openIndex(indexDir, embedder);
const loadMs = performance.now() - loadStarted;
const latencies: number[] = [];
for (let pass = 0; pass < runs; pass += 1) {
  for (const question of questions) {
    const started = performance.now();
    await ask(index, question, { topK: 6, referenceDate: set.referenceDate });
    latencies.push(performance.now() - started);
  }
}
await rm(indexDir, { recursive: true, force: true });

const result = {
  commit: gitCommit(),
  date: new Date().toISOString(),
  node: process.version,
  corpus: "seeds/ (5 files, 8 articles)",
  chunks,
  runs,
  ingestSeconds: {
    p50: percentile(ingestSeconds, 50),
    min: Math.min(...ingestSeconds),
    max: Math.max(...ingestSeconds),
  },
  loadMs,
  askMs: {
    questions: latencies.length,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    max: Math.max(...latencies),
  },
};
const table = [
  `Seeds benchmark (commit ${result.commit}, ${result.node}, ${runs} runs)`,
  "| measure | value |",
  "|---|---:|",
  `| cold ingest of seeds/ (${chunks} chunks), median | ${result.ingestSeconds.p50.toFixed(2)} s |`,
  `| index load | ${loadMs.toFixed(0)} ms |`,
  `| ask latency p50 (${latencies.length} asks) | ${result.askMs.p50.toFixed(1)} ms |`,
  `| ask latency p95 | ${result.askMs.p95.toFixed(1)} ms |`,
].join("\n");
console.log(table);
const json = await resultFile("seeds", "json");
await writeFile(json, JSON.stringify(result, null, 2));
await writeFile(json.replace(/\.json$/, ".md"), `${table}\n`);
console.log(`\nWrote ${path.relative(root, json)}`);
