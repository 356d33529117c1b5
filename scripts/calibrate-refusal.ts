/**
 * Calibrates the "not covered" thresholds of the extractive answerer on the developers' own
 * question set over the seeds (test/fixtures/seed-questions.json): answerable questions must be
 * answered, unanswerable ones refused. Prints a table over a grid of thresholds and writes JSON.
 *
 *   npm run calibrate
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEFAULT_EXTRACTIVE, extractiveAnswer } from "../src/answer/extractive.js";
import { buildIndex } from "../src/index/build.js";
import { openIndex } from "../src/index/open.js";
import { createIndexEmbedder } from "../src/providers/embedders.js";
import { retrieve } from "../src/retrieval/hybrid.js";
import { parseTimeExpression } from "../src/retrieval/time-expressions.js";
import { resultFile } from "./bench/results.js";

const root = path.resolve(import.meta.dirname, "..");
const set = JSON.parse(await readFile(path.join(root, "test/fixtures/seed-questions.json"), "utf8")) as {
  referenceDate: string;
  answerable: { question: string }[];
  unanswerable: string[];
};
const work = await mkdtemp(path.join(tmpdir(), "newsdesk-calibrate-"));
const embedder = createIndexEmbedder("offline", { dimensions: 384 });
await buildIndex({
  corpusDir: path.join(root, "seeds"),
  indexDir: work,
  embedder,
  chunking: { size: 900, overlap: 150 },
});
const index = await openIndex(work, embedder);

async function coverage(question: string) {
  const time = parseTimeExpression(question, set.referenceDate);
  const query = time?.remainder || question;
  const chunks = await retrieve(index, query, { k: 6 });
  const result = extractiveAnswer(query, chunks, (term) => index.keyword.idf(term), {
    ...DEFAULT_EXTRACTIVE,
    minChunkCoverage: 0,
    minSentenceCoverage: 0,
  });
  return { question, chunk: result.bestChunkCoverage, sentence: result.bestSentenceCoverage };
}
const answerable = await Promise.all(set.answerable.map((item) => coverage(item.question)));
const unanswerable = await Promise.all(set.unanswerable.map(coverage));

const rows: { chunk: number; sentence: number; answered: number; refused: number; balanced: number }[] = [];
for (const chunk of [0.3, 0.4, 0.45, 0.5, 0.6]) {
  for (const sentence of [0, 0.2, 0.3, 0.4]) {
    const passes = (c: { chunk: number; sentence: number }) => c.chunk >= chunk && c.sentence >= sentence;
    const answered = answerable.filter(passes).length / answerable.length;
    const refused = unanswerable.filter((c) => !passes(c)).length / unanswerable.length;
    rows.push({ chunk, sentence, answered, refused, balanced: (answered + refused) / 2 });
  }
}
const pct = (x: number) => `${(x * 100).toFixed(0)}%`.padStart(5);
console.log(
  `Refusal calibration on ${answerable.length} answerable and ${unanswerable.length} unanswerable seed questions`,
);
console.log("| min chunk coverage | min sentence coverage | answerable answered | unanswerable refused |");
console.log("|---:|---:|---:|---:|");
for (const row of rows) {
  const shipped =
    row.chunk === DEFAULT_EXTRACTIVE.minChunkCoverage && row.sentence === DEFAULT_EXTRACTIVE.minSentenceCoverage;
  console.log(
    `| ${row.chunk} | ${row.sentence} | ${pct(row.answered)} | ${pct(row.refused)} |${shipped ? " ← shipped" : ""}`,
  );
}
const closest = (list: typeof answerable, pick: (a: number, b: number) => number) =>
  list.reduce((best, item) => (pick(item.chunk, best.chunk) === item.chunk ? item : best));
console.log(
  `\nLowest chunk coverage among answerable: ${closest(answerable, Math.min).chunk.toFixed(2)} (${closest(answerable, Math.min).question})`,
);
console.log(
  `Highest chunk coverage among unanswerable: ${closest(unanswerable, Math.max).chunk.toFixed(2)} (${closest(unanswerable, Math.max).question})`,
);
const out = await resultFile("calibration", "json");
await writeFile(out, JSON.stringify({ shipped: DEFAULT_EXTRACTIVE, answerable, unanswerable, grid: rows }, null, 2));
console.log(`\nWrote ${path.relative(root, out)}`);
await rm(work, { recursive: true, force: true });
