/**
 * Child process of the speed benchmark (scripts/bench/speed.ts starts it; not meant to be run by
 * hand). One role per process, so each measurement starts from a fresh heap and reports its own
 * peak memory:
 *
 *   build  buildIndex end to end, timed per phase
 *   real   build, then the raw embedder's throughput on the same chunk texts
 *   load   openIndex in a fresh process, then what each of its parts costs
 *   query  retrieve / ask latency, concurrency, and vector recall against exact search
 *
 * Every role writes one JSON object to --out; a thrown error is written there as {error}.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import type { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import hnswlib from "hnswlib-node";
import { ask } from "../../src/answer/ask.js";
import { DEFAULT_EXTRACTIVE } from "../../src/answer/extractive.js";
import { loadConfig } from "../../src/config.js";
import { type BuildPhase, buildIndex } from "../../src/index/build.js";
import { readJsonLines } from "../../src/index/json-lines.js";
import { KeywordIndex } from "../../src/index/keyword-index.js";
import { type NewsIndex, openIndex } from "../../src/index/open.js";
import { type ChunkMetadata, chunkEmbeddingText, readArticles } from "../../src/index/records.js";
import { VECTOR_FILES } from "../../src/index/vector-store.js";
import { createIndexEmbedder, embedderSettingsOf } from "../../src/providers/embedders.js";
import { retrieve } from "../../src/retrieval/hybrid.js";
import { normaliseAnswerText } from "./quiz-data.js";
import { peakRssBytes } from "./speed-proc.js";
import type { QuestionSets, SynthQuestion } from "./speed-synth.js";
import { percentile } from "./stats.js";

/** Module loading time (tsx compile included), measured from process start. */
const importMs = performance.now();
const ROOT = path.resolve(import.meta.dirname, "../..");
const config = loadConfig({}, ROOT);
const embedder = createIndexEmbedder(config.embeddings, embedderSettingsOf(config));
const chunking = { size: config.chunkSize, overlap: config.chunkOverlap };

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: "string" },
    corpus: { type: "string" },
    index: { type: "string" },
    questions: { type: "string" },
    label: { type: "string", default: "" },
    concurrency: { type: "string", default: "1,4,16" },
  },
});

export interface LatencyStats {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

function stats(samples: readonly number[]): LatencyStats {
  const mean = samples.reduce((sum, value) => sum + value, 0) / Math.max(1, samples.length);
  return {
    n: samples.length,
    mean,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
  };
}

const seconds = (from: number) => (performance.now() - from) / 1000;

function required(name: "out" | "corpus" | "index" | "questions"): string {
  const value = values[name];
  if (!value) throw new Error(`speed-worker: --${name} is required`);
  return value;
}

// --- build ------------------------------------------------------------------------------------

export interface PhaseTime {
  phase: BuildPhase;
  seconds: number;
}

export interface BuildResult {
  seconds: number;
  documents: number;
  chunks: number;
  chunksPerSecond: number;
  phases: PhaseTime[];
  /** Of the embed phase: seconds inside the embedder and adding to the HNSW graph (measured by buildIndex). */
  embedSeconds: number;
  graphSeconds: number;
  peakRssBytes: number;
  buildDir: string;
  embedderId: string;
}

/**
 * buildIndex with phase boundaries taken from its afterPhase hook (called when each phase is
 * done), so a phase's time runs from the end of the previous one. "fit" covers dedupe, MinHash
 * signatures and the embedder's fit; "embed" chunking, embedding and adding to the HNSW graph
 * (batch by batch; buildIndex reports the embedder's and the graph's share); "write" the near-duplicate
 * pass and saving. A progress line (phase, count, RSS) goes to stderr.
 */
async function timedBuild(corpusDir: string, indexDir: string, label: string): Promise<BuildResult> {
  const started = performance.now();
  const ends: { phase: BuildPhase; at: number }[] = [];
  let phase = "";
  let printed = 0;
  const report = await buildIndex({
    corpusDir,
    indexDir,
    embedder,
    chunking,
    onProgress: (progress) => {
      const now = performance.now();
      if (progress.phase !== phase || now - printed > 2000 || progress.done === progress.total) {
        const rss = (process.memoryUsage().rss / 2 ** 30).toFixed(2);
        const newline = progress.phase !== phase && phase !== "" ? "\n" : "";
        process.stderr.write(
          `${newline}\r  [${label}] ${progress.phase} ${progress.done}/${progress.total}  ${seconds(started).toFixed(0)} s  rss ${rss} GiB   `,
        );
        phase = progress.phase;
        printed = now;
      }
    },
    afterPhase: (done) => {
      ends.push({ phase: done, at: performance.now() });
    },
  });
  process.stderr.write("\n");
  const total = seconds(started);
  const phases = ends.map((end, i) => ({ phase: end.phase, seconds: (end.at - (ends[i - 1]?.at ?? started)) / 1000 }));
  const manifest = JSON.parse(await readFile(path.join(report.buildDir, "manifest.json"), "utf8")) as {
    embedder: { id: string };
  };
  return {
    seconds: total,
    documents: report.documents,
    chunks: report.chunks,
    chunksPerSecond: report.chunks / total,
    phases,
    embedSeconds: report.embedSeconds,
    graphSeconds: report.graphSeconds,
    peakRssBytes: peakRssBytes(),
    buildDir: report.buildDir,
    embedderId: manifest.embedder.id,
  };
}

// --- real: end to end next to the raw embedder ------------------------------------------------------

export interface RealResult {
  build: BuildResult;
  fitSeconds: number;
  /** Seconds of embedDocuments over all chunk texts, one entry per repetition. */
  rawEmbedSeconds: number[];
  rawEmbedMedian: number;
  sameEmbedder: boolean;
}

/**
 * The raw embedder on exactly the texts the build embedded (title + chunk text, read back from the
 * stored chunks): fitted once on the build's articles, then only embedDocuments is timed, in the build's
 * batches of 256, three times (the median is reported).
 */
async function real(): Promise<RealResult> {
  const build = await timedBuild(required("corpus"), required("index"), values.label || "real");
  const articles = await readArticles(build.buildDir);
  const fitStarted = performance.now();
  const ready = await embedder.fit(articles.map((article) => `${article.title}\n${article.text}`));
  const fitSeconds = seconds(fitStarted);
  const texts: string[] = [];
  await readJsonLines<[number, string, ChunkMetadata]>(path.join(build.buildDir, VECTOR_FILES.chunks), (line) =>
    texts.push(chunkEmbeddingText(line[2].title, line[1])),
  );
  const rawEmbedSeconds: number[] = [];
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now();
    for (let start = 0; start < texts.length; start += 256) {
      await ready.embeddings.embedDocuments(texts.slice(start, start + 256));
    }
    rawEmbedSeconds.push(seconds(started));
    process.stderr.write(
      `  raw embedding run ${run + 1}: ${rawEmbedSeconds.at(-1)?.toFixed(2)} s for ${texts.length} chunks\n`,
    );
  }
  return {
    build,
    fitSeconds,
    rawEmbedSeconds,
    rawEmbedMedian: percentile(rawEmbedSeconds, 50),
    sameEmbedder: ready.id === build.embedderId,
  };
}

// --- load -------------------------------------------------------------------------------------------

export interface LoadResult {
  importMs: number;
  openIndexMs: number;
  rssAfterLoadBytes: number;
  /** Each part of openIndex on its own, run after it (warm page cache). */
  partsMs: { chunks: number; hnswGraph: number; keywordIndex: number; articles: number; embedder: number };
}

async function load(): Promise<LoadResult> {
  const indexDir = required("index");
  const started = performance.now();
  const index = await openIndex(indexDir, embedder);
  const openIndexMs = performance.now() - started;
  const rssAfterLoadBytes = peakRssBytes();
  const dir = index.buildDir;
  const time = async (work: () => Promise<unknown>) => {
    const from = performance.now();
    await work();
    return performance.now() - from;
  };
  const partsMs = {
    chunks: await time(() => readJsonLines(path.join(dir, VECTOR_FILES.chunks), () => {})),
    hnswGraph: await time(async () => {
      const graph = new hnswlib.HierarchicalNSW("cosine", index.manifest.embedder.dimensions);
      await graph.readIndex(path.join(dir, "hnswlib.index"));
    }),
    keywordIndex: await time(() => KeywordIndex.load(path.join(dir, "keyword.bin"))),
    articles: await time(() => readArticles(dir)),
    embedder: await time(async () => embedder.restore(await readFile(path.join(dir, "embedder.bin")))),
  };
  return { importMs, openIndexMs, rssAfterLoadBytes, partsMs };
}

// --- query ------------------------------------------------------------------------------------------

export interface ConcurrencyResult {
  inFlight: number;
  questionsPerSecond: number;
  latency: LatencyStats;
}

export interface EfPoint {
  ef: number;
  recallAt10: number;
  searchMs: LatencyStats;
}

export interface QueryResult {
  chunks: number;
  sentenceQuestions: number;
  realQuestions: number;
  /** retrieve(k=10) over the sentence questions. */
  retrieveMs: LatencyStats;
  /** Share of sentence questions whose source words occur in a top-10 chunk (a sanity check, not quality). */
  sourceHitAt10: number;
  /** ask over the sentence questions (no time words). */
  askSentenceMs: LatencyStats;
  /** ask over real RealTime QA questions, each with its own date as "today" (many have time words). */
  askRealMs: LatencyStats;
  /** Share of the real questions whose time words became a date preference. */
  realWithTimeWords: number;
  /** retrieve(k=10) with a date preference no chunk matches (a time word for a period the corpus lacks). */
  emptyPreferenceMs: LatencyStats;
  servingPeakRssBytes: number;
  /** ask over the real questions with 1, 4, 16 in flight. */
  concurrency: ConcurrencyResult[];
  shippedEf: number;
  recallAt10: number;
  /** Recall of the 40 candidates retrieve() asks the vector index for. */
  recallAt40: number;
  /** Mean cosine similarity of the top 10, exact and from hnswlib at the shipped ef: how much the misses cost. */
  meanCosineAt10: { exact: number; hnsw: number };
  exactSearchMs: LatencyStats;
  efSweep: EfPoint[];
}

type AskOptions = Parameters<typeof ask>[2];

async function timeEach<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (const item of items) {
    const started = performance.now();
    await work(item);
    samples.push(performance.now() - started);
  }
  return samples;
}

async function query(): Promise<QueryResult> {
  const index = await openIndex(required("index"), embedder);
  const sets = JSON.parse(await readFile(required("questions"), "utf8")) as QuestionSets;
  const label = values.label || "query";
  const extractive = { ...DEFAULT_EXTRACTIVE, maxSentences: config.answerMaxSentences };
  const askOptions = (date: string | null): AskOptions => ({
    topK: config.topK,
    referenceDate: date ?? new Date().toISOString().slice(0, 10),
    extractive,
  });
  const progress = (what: string) => process.stderr.write(`  [${label}] ${what}\n`);
  for (const question of sets.real.slice(0, 10)) await ask(index, question.question, askOptions(question.date)); // warm-up

  progress(`retrieve x${sets.sentences.length} (sentence questions)`);
  let hits = 0;
  const retrieveMs = await timeEach(sets.sentences, async (question) => {
    const found = await retrieve(index, question.question, { k: 10 });
    const needle = normaliseAnswerText(question.needle);
    if (found.some((chunk) => normaliseAnswerText(chunk.document.pageContent).includes(needle))) hits += 1;
  });
  progress(`ask x${sets.sentences.length} (sentence questions)`);
  const askSentenceMs = await timeEach(sets.sentences, (question) => ask(index, question.question, askOptions(null)));
  progress(`ask x${sets.real.length} (real questions)`);
  let withTimeWords = 0;
  const askRealMs = await timeEach(sets.real, async (question) => {
    const answer = await ask(index, question.question, askOptions(question.date));
    if (answer.timeFilter) withTimeWords += 1;
  });
  const emptyRange = { from: "1900-01-01", to: "1900-01-07" };
  const worstCase = sets.sentences.slice(0, 50);
  progress(`retrieve x${worstCase.length} with a date preference nothing matches`);
  const emptyPreferenceMs = await timeEach(worstCase, (question) =>
    retrieve(index, question.question, { k: 10, prefer: emptyRange }),
  );
  const servingPeakRssBytes = peakRssBytes();

  const concurrency: ConcurrencyResult[] = [];
  for (const inFlight of values.concurrency
    .split(",")
    .map(Number)
    .filter((n) => n > 0)) {
    progress(`ask with ${inFlight} in flight (real questions)`);
    concurrency.push(await askConcurrently(index, sets.real, inFlight, askOptions));
  }

  progress("vector recall against exact search");
  const recall = await vectorRecall(index, [...sets.sentences, ...sets.real]);
  return {
    chunks: index.manifest.counts.chunks,
    sentenceQuestions: sets.sentences.length,
    realQuestions: sets.real.length,
    retrieveMs: stats(retrieveMs),
    sourceHitAt10: hits / Math.max(1, sets.sentences.length),
    askSentenceMs: stats(askSentenceMs),
    askRealMs: stats(askRealMs),
    realWithTimeWords: withTimeWords / Math.max(1, sets.real.length),
    emptyPreferenceMs: stats(emptyPreferenceMs),
    servingPeakRssBytes,
    concurrency,
    ...recall,
  };
}

/**
 * All questions through `ask` with `inFlight` of them pending at once. Retrieval is synchronous
 * CPU work on Node's one thread, so this measures queueing, not parallel speed-up.
 */
async function askConcurrently(
  index: NewsIndex,
  questions: QuestionSets["real"],
  inFlight: number,
  options: (date: string | null) => AskOptions,
): Promise<ConcurrencyResult> {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const lane = async () => {
    while (next < questions.length) {
      const question = questions[next];
      next += 1;
      if (!question) continue;
      const from = performance.now();
      await ask(index, question.question, options(question.date));
      latencies.push(performance.now() - from);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return { inFlight, questionsPerSecond: questions.length / seconds(started), latency: stats(latencies) };
}

/**
 * Recall@k of hnswlib's searchKnn at the shipped ef (openIndex sets it from the manifest) against
 * exact cosine search over every stored vector (hnswlib's BruteforceSearch fed with the graph's
 * own points). Ties at the k-th distance count as found.
 */
async function vectorRecall(
  index: NewsIndex,
  questions: readonly SynthQuestion[],
): Promise<
  Pick<QueryResult, "shippedEf" | "recallAt10" | "recallAt40" | "meanCosineAt10" | "exactSearchMs" | "efSweep">
> {
  const store = index.vectorStore as HNSWLib;
  const graph = store.index;
  const shippedEf = graph.getEf();
  const labels = [...store.docstore._docs.keys()].map(Number);
  const exact = new hnswlib.BruteforceSearch("cosine", index.manifest.embedder.dimensions);
  exact.initIndex(labels.length);
  for (const label of labels) exact.addPoint(graph.getPoint(label), label);
  const vectors = await Promise.all(questions.map((question) => index.embeddings.embedQuery(question.question)));
  const exactMs: number[] = [];
  const truth = vectors.map((vector) => {
    const started = performance.now();
    const result = exact.searchKnn(vector, Math.min(40, labels.length));
    exactMs.push(performance.now() - started);
    return result.distances.sort((a, b) => a - b);
  });
  const cosine = (distances: readonly number[]) => distances.reduce((sum, distance) => sum + (1 - distance), 0);
  const measure = (wanted: number) => {
    const k = Math.min(wanted, labels.length);
    let found = 0;
    let exactCosine = 0;
    let graphCosine = 0;
    vectors.forEach((vector, i) => {
      const kth = truth[i]?.[k - 1] ?? Number.POSITIVE_INFINITY;
      const result = graph.searchKnn(vector, k);
      found += result.distances.filter((distance) => distance <= kth + 1e-6).length;
      exactCosine += cosine(truth[i]?.slice(0, k) ?? []);
      graphCosine += cosine(result.distances);
    });
    const pairs = vectors.length * k;
    return { recall: found / pairs, exact: exactCosine / pairs, graph: graphCosine / pairs };
  };
  const at10 = measure(10);
  const recallAt40 = measure(40).recall;
  const efSweep: EfPoint[] = [];
  for (const ef of [16, 32, 64, 128, 256, 512]) {
    graph.setEf(ef);
    const searchMs: number[] = [];
    for (const vector of vectors) {
      const started = performance.now();
      graph.searchKnn(vector, Math.min(10, labels.length));
      searchMs.push(performance.now() - started);
    }
    efSweep.push({ ef, recallAt10: measure(10).recall, searchMs: stats(searchMs) });
  }
  graph.setEf(shippedEf);
  return {
    shippedEf,
    recallAt10: at10.recall,
    recallAt40,
    meanCosineAt10: { exact: at10.exact, hnsw: at10.graph },
    exactSearchMs: stats(exactMs),
    efSweep,
  };
}

// --- main -------------------------------------------------------------------------------------------

const roles: Record<string, () => Promise<unknown>> = {
  build: () => timedBuild(required("corpus"), required("index"), values.label || "build"),
  real,
  load,
  query,
};
const out = required("out");
const role = roles[positionals[0] ?? ""];
try {
  if (!role) throw new Error(`speed-worker: unknown role "${positionals[0]}"`);
  await writeFile(out, JSON.stringify(await role()));
} catch (error) {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`\n  worker error: ${message}\n`);
  await writeFile(out, JSON.stringify({ error: message, peakRssBytes: peakRssBytes() }));
  process.exitCode = 1;
}
