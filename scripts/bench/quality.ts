/**
 * Answer quality on real news (RealTime QA), newsdesk against two baselines, in one run.
 *
 *   npm run bench:quality -- --data ../shared/bench/realtimeqa --split dev [--limit N]
 *
 * Systems:
 *   newsdesk   as shipped: cleaned and split articles, hybrid retrieval, extractive answer
 *   bm25       MiniSearch with its default options over newsdesk's chunks; answer = the top
 *              chunk's best sentence
 *   langchain  the stock recipe: RecursiveCharacterTextSplitter(1000/200) over the raw article
 *              text, HNSWLib.fromDocuments with the same offline embedder (fitted on those
 *              chunks), similaritySearch; answer = the top chunk's best sentence
 *
 * Every system sees only the question text, never the choices. Indexes are cached under
 * data/bench-cache/ keyed by their settings, so a second run skips building.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { Document } from "@langchain/core/documents";
import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import MiniSearch from "minisearch";
import { answerFromRetrieval, retrieveForQuestion } from "../../src/answer/ask.js";
import { DEFAULT_EXTRACTIVE } from "../../src/answer/extractive.js";
import { loadConfig } from "../../src/config.js";
import { buildIndex } from "../../src/index/build.js";
import { PIPELINE_VERSION } from "../../src/index/layout.js";
import { type NewsIndex, openIndex } from "../../src/index/open.js";
import { createIndexEmbedder, embedderSettingsOf } from "../../src/providers/embedders.js";
import { HASHED_TFIDF_VERSION, HashedTfidfEmbeddings } from "../../src/providers/offline-embeddings.js";
import { splitSentences } from "../../src/text/sentences.js";
import {
  answerableQuestions,
  bestSentence,
  type CorpusRow,
  corpusPath,
  correctChoice,
  firstHitRank,
  multipleChoiceCredit,
  type QuizQuestion,
  readJsonLines,
  readQuestions,
} from "./quiz-data.js";
import { gitCommit, resultFile } from "./results.js";
import { percentile } from "./stats.js";

const { values } = parseArgs({
  options: {
    data: { type: "string" },
    split: { type: "string", default: "dev" },
    limit: { type: "string" },
    systems: { type: "string", default: "newsdesk,bm25,langchain" },
    cache: { type: "string", default: "data/bench-cache" },
  },
});
if (!values.data) {
  console.error("error: --data <folder> is required, e.g. --data ../shared/bench/realtimeqa");
  process.exit(2);
}
const split = values.split ?? "dev";
if (!["dev", "test"].includes(split)) {
  console.error(`error: --split must be dev or test, got "${split}"`);
  process.exit(2);
}
const dataDir = path.resolve(values.data);
const cacheDir = path.resolve(values.cache ?? "data/bench-cache", split);
const wanted = new Set((values.systems ?? "").split(",").filter(Boolean));
const config = loadConfig({}, process.cwd());

interface SystemRun {
  /** Top-10 chunk texts, best first. */
  chunks: string[];
  answer: string;
  answered: boolean;
}
interface BenchSystem {
  name: string;
  description: string;
  build(): Promise<{ seconds: number; bytes: number; chunks: number; cached: boolean }>;
  run(question: QuizQuestion): Promise<SystemRun>;
}

// --- data -----------------------------------------------------------------------------------
const rows = await readJsonLines<CorpusRow>(corpusPath(dataDir, split));
const allQuestions = await readQuestions(dataDir, split);
const eligible = answerableQuestions(rows, allQuestions);
const limit = values.limit ? Number(values.limit) : eligible.length;
const questions = eligible.slice(0, limit);
console.error(
  `RealTime QA ${split}: ${rows.length} articles, ${allQuestions.length} questions, ${eligible.length} with the answer in the corpus; scoring ${questions.length}.`,
);

// --- systems --------------------------------------------------------------------------------
const settingsKey = (settings: unknown) =>
  createHash("sha256").update(JSON.stringify(settings)).digest("hex").slice(0, 10);

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(full) : (await stat(full)).size;
  }
  return total;
}

let newsIndex: NewsIndex | null = null;
async function newsdeskIndex(): Promise<{ index: NewsIndex; seconds: number; cached: boolean }> {
  const corpusDir = path.join(cacheDir, "corpus");
  await mkdir(corpusDir, { recursive: true });
  const link = path.join(corpusDir, path.basename(corpusPath(dataDir, split)));
  await symlink(corpusPath(dataDir, split), link).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
  const embedder = createIndexEmbedder(config.embeddings, embedderSettingsOf(config));
  const chunking = { size: config.chunkSize, overlap: config.chunkOverlap };
  const indexDir = path.join(cacheDir, `newsdesk-${settingsKey({ spec: embedder.spec, chunking })}`);
  const started = performance.now();
  const report = await buildIndex({
    corpusDir,
    indexDir,
    embedder,
    chunking,
    onProgress: (progress) => {
      if (progress.done === progress.total || progress.done % 2000 === 0) {
        process.stderr.write(`\r  newsdesk ${progress.phase} ${progress.done}/${progress.total}   `);
      }
    },
  });
  process.stderr.write("\n");
  const index = await openIndex(indexDir, embedder);
  return {
    index,
    seconds: report.changed ? (performance.now() - started) / 1000 : index.manifest.buildSeconds,
    cached: !report.changed,
  };
}

const newsdesk: BenchSystem = {
  name: "newsdesk",
  description: "as shipped: cleaning, splitting, hybrid retrieval, extractive answer",
  async build() {
    const { index, seconds, cached } = await newsdeskIndex();
    newsIndex = index;
    return { seconds, bytes: await folderBytes(index.buildDir), chunks: index.manifest.counts.chunks, cached };
  },
  async run(question) {
    if (!newsIndex) throw new Error("build first");
    // Retrieve 10 for recall@10; the answer is composed from the shipped TOP_K, as `ask` does.
    const found = await retrieveForQuestion(newsIndex, question.question, { topK: 10, referenceDate: question.date });
    const answer = answerFromRetrieval(
      newsIndex,
      { ...found, retrieved: found.retrieved.slice(0, config.topK) },
      { ...DEFAULT_EXTRACTIVE, maxSentences: config.answerMaxSentences },
    );
    return {
      chunks: found.retrieved.map((chunk) => chunk.document.pageContent),
      answer: answer.answer,
      answered: answer.answered,
    };
  },
};

let mini: MiniSearch | null = null;
let miniTexts: string[] = [];
const bm25: BenchSystem = {
  name: "bm25",
  description: "MiniSearch 7 defaults over newsdesk's chunks; top chunk's best sentence",
  async build() {
    if (!newsIndex) newsIndex = (await newsdeskIndex()).index;
    const docs = [...(newsIndex.vectorStore?.docstore._docs.values() ?? [])];
    miniTexts = docs.map((doc) => doc.pageContent);
    const started = performance.now();
    mini = new MiniSearch({ fields: ["text"] });
    mini.addAll(miniTexts.map((text, id) => ({ id, text })));
    const seconds = (performance.now() - started) / 1000;
    return { seconds, bytes: Buffer.byteLength(JSON.stringify(mini)), chunks: docs.length, cached: false };
  },
  async run(question) {
    if (!mini) throw new Error("build first");
    const hits = mini.search(question.question).slice(0, 10);
    const chunks = hits.map((hit) => miniTexts[hit.id as number] ?? "");
    return { chunks, answer: bestSentence(question.question, splitSentences(chunks[0] ?? "")), answered: true };
  },
};

let stock: HNSWLib | null = null;
const langchain: BenchSystem = {
  name: "langchain",
  description: "RecursiveCharacterTextSplitter 1000/200 + HNSWLib.fromDocuments + similaritySearch",
  async build() {
    const dir = path.join(
      cacheDir,
      // Keyed by everything that changes the vectors: splitter, embedder version and tokenizer.
      `langchain-${settingsKey({ size: 1000, overlap: 200, dims: config.embeddingDimensions, embedder: HASHED_TFIDF_VERSION, pipeline: PIPELINE_VERSION })}`,
    );
    const started = performance.now();
    try {
      const embeddings = HashedTfidfEmbeddings.deserialize(await readFile(path.join(dir, "embedder.bin")));
      stock = await HNSWLib.load(dir, embeddings);
      const built = JSON.parse(await readFile(path.join(dir, "build.json"), "utf8")) as { seconds: number };
      return { seconds: built.seconds, bytes: await folderBytes(dir), chunks: stock.docstore._docs.size, cached: true };
    } catch {
      // not cached yet
    }
    const splitter = new RecursiveCharacterTextSplitter({ chunkSize: 1000, chunkOverlap: 200 });
    const docs = await splitter.splitDocuments(
      rows.map((row) => new Document({ pageContent: row.text, metadata: { id: row.id, title: row.title } })),
    );
    const embeddings = new HashedTfidfEmbeddings({ dimensions: config.embeddingDimensions }).fit(
      docs.map((doc) => doc.pageContent),
    );
    stock = await HNSWLib.fromDocuments(docs, embeddings);
    const seconds = (performance.now() - started) / 1000;
    await stock.save(dir);
    await writeFile(path.join(dir, "embedder.bin"), embeddings.serialize());
    await writeFile(path.join(dir, "build.json"), JSON.stringify({ seconds }));
    return { seconds, bytes: await folderBytes(dir), chunks: docs.length, cached: false };
  },
  async run(question) {
    if (!stock) throw new Error("build first");
    const docs = await stock.similaritySearch(question.question, 10);
    const chunks = docs.map((doc) => doc.pageContent);
    return { chunks, answer: bestSentence(question.question, splitSentences(chunks[0] ?? "")), answered: true };
  },
};

// --- run ------------------------------------------------------------------------------------
interface SystemResult {
  name: string;
  description: string;
  build: { seconds: number; bytes: number; chunks: number; cached: boolean };
  recallAt1: number;
  recallAt5: number;
  recallAt10: number;
  mrr: number;
  mcAccuracy: number;
  refusalRate: number;
  latencyMs: { p50: number; p95: number };
}

const results: SystemResult[] = [];
const perQuestion: Record<string, { id: string; rank: number | null; credit: number; answered: boolean }[]> = {};
for (const system of [newsdesk, bm25, langchain].filter((s) => wanted.has(s.name))) {
  console.error(`Building ${system.name} ...`);
  const build = await system.build();
  console.error(`  ${build.chunks} chunks, ${build.seconds.toFixed(1)} s${build.cached ? " (cached build)" : ""}`);
  const latencies: number[] = [];
  const records: { id: string; rank: number | null; credit: number; answered: boolean }[] = [];
  for (const question of questions) {
    const started = performance.now();
    const run = await system.run(question);
    latencies.push(performance.now() - started);
    records.push({
      id: question.id,
      rank: firstHitRank(run.chunks, correctChoice(question)),
      credit: multipleChoiceCredit(run.answered ? run.answer : "", question),
      answered: run.answered,
    });
  }
  perQuestion[system.name] = records;
  const recallAt = (k: number) => records.filter((r) => r.rank !== null && r.rank <= k).length / records.length;
  results.push({
    name: system.name,
    description: system.description,
    build,
    recallAt1: recallAt(1),
    recallAt5: recallAt(5),
    recallAt10: recallAt(10),
    mrr: records.reduce((sum, r) => sum + (r.rank ? 1 / r.rank : 0), 0) / records.length,
    mcAccuracy: records.reduce((sum, r) => sum + r.credit, 0) / records.length,
    refusalRate: records.filter((r) => !r.answered).length / records.length,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
  });
}

// --- report ---------------------------------------------------------------------------------
const f3 = (x: number) => x.toFixed(3);
const lines = [
  `RealTime QA ${split}: ${questions.length} questions with the answer in the corpus (commit ${gitCommit()}, ${new Date().toISOString().slice(0, 10)})`,
  "",
  "| system | R@1 | R@5 | R@10 | MRR@10 | MC accuracy | refusals | p50 ms | p95 ms | chunks | build s | index MB |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...results.map(
    (r) =>
      `| ${r.name} | ${f3(r.recallAt1)} | ${f3(r.recallAt5)} | ${f3(r.recallAt10)} | ${f3(r.mrr)} | ${f3(r.mcAccuracy)} | ${(r.refusalRate * 100).toFixed(1)}% | ${r.latencyMs.p50.toFixed(1)} | ${r.latencyMs.p95.toFixed(1)} | ${r.build.chunks} | ${r.build.seconds.toFixed(1)}${r.build.cached ? "*" : ""} | ${(r.build.bytes / 1e6).toFixed(1)} |`,
  ),
];
const ours = results.find((r) => r.name === "newsdesk");
if (ours) {
  lines.push("");
  for (const other of results.filter((r) => r !== ours)) {
    lines.push(
      `newsdesk / ${other.name}: recall@5 ×${(ours.recallAt5 / other.recallAt5).toFixed(2)}, MC accuracy ×${(ours.mcAccuracy / other.mcAccuracy).toFixed(2)}`,
    );
  }
}
lines.push(
  "",
  "MC accuracy: expected accuracy of picking the choice the answer text supports best (ties split, chance = 0.25).",
);
if (results.some((r) => r.build.cached)) lines.push("* build time of the cached index, measured when it was built.");
const table = lines.join("\n");
console.log(table);
const json = await resultFile(`quality-${split}`, "json");
await writeFile(
  json,
  JSON.stringify(
    { split, commit: gitCommit(), date: new Date().toISOString(), questions: questions.length, results, perQuestion },
    null,
    2,
  ),
);
await writeFile(json.replace(/\.json$/, ".md"), `${table}\n`);
console.error(`Wrote ${path.relative(process.cwd(), json)} and .md`);
