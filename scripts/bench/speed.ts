/**
 * Speed and scale of ingestion and answering, in one run.
 *
 *   npm run bench:speed -- [--data ../shared/bench/realtimeqa] [--sizes 10000,100000,1000000]
 *                          [--queries 200] [--max-minutes 40] [--heap-mb N] [--parts ingest,scale] [--keep]
 *
 * 1. Ingestion on the real corpus (RealTime QA dev): buildIndex end to end into a fresh index,
 *    per phase, next to the raw embedder's throughput on the same chunk texts; the pipeline
 *    overhead is (end-to-end - raw embedding) / raw embedding. The real index is then measured
 *    like the synthetic ones below.
 * 2. Scale: synthetic corpora of about --sizes chunks, drawn from the real corpus's vocabulary and
 *    sentence shapes (speed-synth.ts). Per size: build time and peak memory, size on disk, load
 *    time in a fresh process (median of 3), retrieve and ask latency, ask throughput with 1/4/16
 *    questions in flight, and the vector index's recall@10 against exact search.
 *
 * Two question sets per index (--queries of each): "What <words of a corpus sentence>?" (no time
 * words; retrieve and ask are timed on them) and the first real RealTime QA dev questions, each
 * asked on its own date, so their time words become date preferences as in real use.
 *
 * Every measurement runs in a child process (speed-worker.ts) with Node's default heap unless
 * --heap-mb is given: a crash or a time-out (--max-minutes per size) is recorded and the run goes
 * on. Work folders live under data/bench-cache/speed/ and are removed unless --keep.
 * Results: bench/results/<date>-<commit>-speed.{json,md}. Timings are wall-clock on a shared
 * machine and noisy; the JSON keeps the host's load average.
 */
import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../../src/config.js";
import { type CorpusRow, corpusPath, correctChoice, readJsonLines, readQuestions } from "./quiz-data.js";
import { gitCommit, resultFile } from "./results.js";
import { folderSizes, machine, runWorker, type WorkerOutcome } from "./speed-proc.js";
import { goalRows, type IngestSummary, renderReport, type SizeSummary } from "./speed-report.js";
import { MarkovText, type QuestionSets, sentenceQuestions, writeSyntheticCorpus } from "./speed-synth.js";
import type { BuildResult, LoadResult, QueryResult, RealResult } from "./speed-worker.js";
import { percentile } from "./stats.js";

const USAGE =
  "usage: npm run bench:speed -- [--data <realtimeqa folder>] [--sizes 10000,100000,1000000] [--queries 200] [--max-minutes 40] [--heap-mb N] [--parts ingest,scale] [--keep]";
/** Embedding speed assumed for the projection: a small transformer on CPU. */
const MODEL_CHUNKS_PER_SECOND = 200;
const SEED = 20250828;

interface Options {
  data: string;
  sizes: number[];
  queries: number;
  maxMinutes: number;
  heapMb: number | undefined;
  parts: Set<string>;
  keep: boolean;
  work: string;
}

function fail(message: string): never {
  console.error(`error: ${message}\n${USAGE}`);
  process.exit(2);
}

function readOptions(): Options {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        data: { type: "string", default: "../shared/bench/realtimeqa" },
        sizes: { type: "string", default: "10000,100000,1000000" },
        queries: { type: "string", default: "200" },
        "max-minutes": { type: "string", default: "40" },
        "heap-mb": { type: "string" },
        parts: { type: "string", default: "ingest,scale" },
        work: { type: "string", default: "data/bench-cache/speed" },
        keep: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  const positive = (name: string, text: unknown, integer = true): number => {
    const value = Number(text);
    if (!(value > 0) || (integer && !Number.isInteger(value)))
      fail(`--${name} must be a positive ${integer ? "integer" : "number"}, got "${text}"`);
    return value;
  };
  const sizes = String(values.sizes)
    .split(",")
    .filter(Boolean)
    .map((size) => positive("sizes", size));
  const parts = new Set(String(values.parts).split(",").filter(Boolean));
  for (const part of parts)
    if (part !== "ingest" && part !== "scale") fail(`--parts takes ingest and/or scale, got "${part}"`);
  return {
    data: path.resolve(String(values.data)),
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    queries: positive("queries", values.queries),
    maxMinutes: positive("max-minutes", values["max-minutes"], false),
    heapMb: values["heap-mb"] === undefined ? undefined : positive("heap-mb", values["heap-mb"]),
    parts,
    keep: values.keep === true,
    work: path.resolve(String(values.work), `run-${process.pid}`),
  };
}

const options = readOptions();
const config = loadConfig({}, process.cwd());
const chunking = { size: config.chunkSize, overlap: config.chunkOverlap };
const label = (size: number) =>
  size >= 1e6 && size % 1e6 === 0
    ? `${size / 1e6}M`
    : size >= 1e3 && size % 1e3 === 0
      ? `${size / 1e3}k`
      : String(size);
const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

// --- 1. ingestion on the real corpus -------------------------------------------------------------

async function measureIngestion(
  texts: readonly string[],
  realQuestions: QuestionSets["real"],
): Promise<{ ingestion: IngestSummary; row: SizeSummary }> {
  const dir = path.join(options.work, "real");
  const corpusDir = path.join(dir, "corpus");
  const indexDir = path.join(dir, "index");
  await mkdir(corpusDir, { recursive: true });
  const source = corpusPath(options.data, "dev");
  await symlink(source, path.join(corpusDir, path.basename(source)));
  const questionsPath = path.join(dir, "questions.json");
  const sets: QuestionSets = { sentences: sentenceQuestions(texts, options.queries, SEED), real: realQuestions };
  await writeFile(questionsPath, JSON.stringify(sets));
  const row: SizeSummary = {
    size: 0,
    label: "dev (real)",
    synthetic: false,
    corpus: {
      articles: texts.length,
      estimatedChunks: 0,
      files: 1,
      bytes: 0,
      questions: sets.sentences.length,
      generationSeconds: 0,
    },
    failures: [],
  };
  const step = stepRunner(row, dir);
  console.error(`Ingestion: RealTime QA dev corpus (${texts.length} articles) end to end, then the raw embedder ...`);
  try {
    const outcome = await step<RealResult>("real", ["--corpus", corpusDir, "--index", indexDir, "--label", "dev"]);
    if (!outcome.ok) return { ingestion: { ok: false, error: outcome.error, lastOutput: outcome.lastOutput }, row };
    row.build = outcome.result.build;
    row.size = outcome.result.build.chunks;
    await loadAndQuery(row, outcome.result.build.buildDir, indexDir, questionsPath, step);
    return { ingestion: ingestionSummary(outcome.result), row };
  } finally {
    await cleanUp(dir);
  }
}

function ingestionSummary(real: RealResult): IngestSummary {
  const { build } = real;
  const raw = real.rawEmbedMedian;
  const nonEmbedding = build.seconds - raw;
  const modelSeconds = build.chunks / MODEL_CHUNKS_PER_SECOND;
  const fit = build.phases.find((phase) => phase.phase === "fit")?.seconds ?? 0;
  return {
    ok: true,
    real,
    overhead: nonEmbedding / raw,
    projection: {
      chunksPerSecond: MODEL_CHUNKS_PER_SECOND,
      embedSeconds: modelSeconds,
      nonEmbeddingSeconds: nonEmbedding,
      overhead: nonEmbedding / modelSeconds,
      // A model embedder has no fit phase (it does not learn from the corpus).
      overheadWithoutFit: (nonEmbedding - fit) / modelSeconds,
    },
  };
}

// --- 2. scale on synthetic corpora ---------------------------------------------------------------

async function measureSize(model: MarkovText, size: number, realQuestions: QuestionSets["real"]): Promise<SizeSummary> {
  const name = label(size);
  const dir = path.join(options.work, `size-${name}`);
  const corpusDir = path.join(dir, "corpus");
  const indexDir = path.join(dir, "index");
  const questionsPath = path.join(dir, "questions.json");
  console.error(`\nScale ${name}: generating about ${size} chunks of synthetic news ...`);
  const generated = performance.now();
  const corpus = await writeSyntheticCorpus({
    model,
    dir: corpusDir,
    targetChunks: size,
    queries: options.queries,
    chunking,
    seed: SEED + size,
  });
  const sets: QuestionSets = { sentences: corpus.questions, real: realQuestions };
  await writeFile(questionsPath, JSON.stringify(sets));
  const generationSeconds = (performance.now() - generated) / 1000;
  console.error(
    `  ${corpus.articles} articles in ${corpus.files} files (${(corpus.bytes / 1e6).toFixed(0)} MB), ${corpus.questions.length} questions, ${generationSeconds.toFixed(0)} s`,
  );
  const summary: SizeSummary = {
    size,
    label: name,
    synthetic: true,
    corpus: { ...corpus, questions: corpus.questions.length, generationSeconds },
    failures: [],
  };
  const step = stepRunner(summary, dir);
  try {
    const build = await step<BuildResult>("build", ["--corpus", corpusDir, "--index", indexDir, "--label", name]);
    if (!build.ok) return summary;
    summary.build = build.result;
    console.error(`  built ${build.result.chunks} chunks in ${build.result.seconds.toFixed(1)} s`);
    await loadAndQuery(summary, build.result.buildDir, indexDir, questionsPath, step);
    return summary;
  } finally {
    await cleanUp(dir);
  }
}

// --- shared steps ----------------------------------------------------------------------------------

type Step = <T>(role: string, args: string[]) => Promise<WorkerOutcome<T>>;

/**
 * Runs worker roles for one corpus under one time cap (--max-minutes), recording failures in the
 * summary; once the cap is used up, the remaining steps are recorded as not run.
 */
function stepRunner(summary: SizeSummary, dir: string): Step {
  const deadline = performance.now() + options.maxMinutes * 60_000;
  return async <T>(role: string, args: string[]): Promise<WorkerOutcome<T>> => {
    const remaining = deadline - performance.now();
    if (remaining <= 0) {
      const error = `not run: the ${options.maxMinutes} min cap was used up`;
      summary.failures.push({ step: role, error, lastOutput: "", afterSeconds: 0 });
      return { ok: false, error, seconds: 0, lastOutput: "" };
    }
    const outcome = await runWorker<T>({
      role,
      args,
      resultPath: path.join(dir, `${role}.json`),
      timeoutMs: remaining,
      heapMb: options.heapMb,
    });
    if (!outcome.ok) {
      summary.failures.push({
        step: role,
        error: outcome.error,
        lastOutput: outcome.lastOutput,
        afterSeconds: outcome.seconds,
      });
      console.error(`  ${role} failed after ${minutes(outcome.seconds * 1000)}: ${outcome.error}`);
    }
    return outcome;
  };
}

/** Size on disk, load time in three fresh processes, then latency, concurrency and recall. */
async function loadAndQuery(
  summary: SizeSummary,
  buildDir: string,
  indexDir: string,
  questionsPath: string,
  step: Step,
): Promise<void> {
  summary.disk = await folderSizes(buildDir);
  console.error(`  ${summary.label}: loading in fresh processes ...`);
  const loads: LoadResult[] = [];
  for (let run = 0; run < 3; run += 1) {
    const load = await step<LoadResult>("load", ["--index", indexDir]);
    if (load.ok) loads.push(load.result);
  }
  if (loads.length > 0) summary.load = summariseLoads(loads);
  console.error(`  load median ${summary.load ? (summary.load.openIndexMs / 1000).toFixed(2) : "?"} s; querying ...`);
  const args = ["--index", indexDir, "--questions", questionsPath, "--label", summary.label];
  const query = await step<QueryResult>("query", args);
  if (query.ok) summary.query = query.result;
}

function summariseLoads(loads: LoadResult[]): NonNullable<SizeSummary["load"]> {
  const median = (pick: (load: LoadResult) => number) => percentile(loads.map(pick), 50);
  return {
    runs: loads.length,
    openIndexMs: median((load) => load.openIndexMs),
    openIndexRunsMs: loads.map((load) => load.openIndexMs),
    importMs: median((load) => load.importMs),
    rssAfterLoadBytes: median((load) => load.rssAfterLoadBytes),
    partsMs: {
      chunks: median((load) => load.partsMs.chunks),
      hnswGraph: median((load) => load.partsMs.hnswGraph),
      keywordIndex: median((load) => load.partsMs.keywordIndex),
      articles: median((load) => load.partsMs.articles),
      embedder: median((load) => load.partsMs.embedder),
    },
  };
}

async function cleanUp(dir: string): Promise<void> {
  if (!options.keep) await rm(dir, { recursive: true, force: true });
}

// --- run -------------------------------------------------------------------------------------------

const started = new Date();
const host = machine();
const command = `npm run bench:speed -- ${process.argv.slice(2).join(" ")}`.trim();
console.error(`Speed benchmark (commit ${gitCommit()}); work folder ${path.relative(process.cwd(), options.work)}`);
console.error(
  `Host: ${host.cpus} cores, ${host.memoryGiB} GiB, load average ${host.loadAverage.join(" ")} (timings are noisy)`,
);
process.on("SIGINT", () => {
  void cleanUp(options.work).finally(() => process.exit(130));
});

let ingestion: IngestSummary | null = null;
const scale: SizeSummary[] = [];
try {
  const rows = await readJsonLines<CorpusRow>(corpusPath(options.data, "dev")).catch((error: Error) =>
    fail(`cannot read ${corpusPath(options.data, "dev")} (${error.message}); pass --data <realtimeqa folder>`),
  );
  await mkdir(options.work, { recursive: true });
  // Real questions, each with its own date as "today"; the needle is the correct choice's text.
  const realQuestions = (await readQuestions(options.data, "dev"))
    .slice(0, options.queries)
    .map((question) => ({ question: question.question, needle: correctChoice(question), date: question.date }));
  if (options.parts.has("ingest")) {
    const measured = await measureIngestion(
      rows.map((row) => row.text),
      realQuestions,
    );
    ingestion = measured.ingestion;
    scale.push(measured.row);
  }
  if (options.parts.has("scale")) {
    console.error("\nTraining the synthetic text model on the dev corpus ...");
    const model = new MarkovText(rows);
    for (const size of options.sizes) scale.push(await measureSize(model, size, realQuestions));
  }
} finally {
  await cleanUp(options.work);
}

const finished = new Date();
const meta = {
  command,
  commit: gitCommit(),
  date: started.toISOString(),
  wallMinutes: (finished.getTime() - started.getTime()) / 60_000,
  machine: { ...host, loadAverageAtEnd: machine().loadAverage },
  settings: {
    chunking,
    embeddings: config.embeddings,
    dimensions: config.embeddingDimensions,
    topK: config.topK,
    queries: options.queries,
    heapMb: options.heapMb ?? "node default",
  },
};
const report = renderReport(meta, ingestion, scale);
console.log(report);
const json = await resultFile("speed", "json");
await writeFile(json, JSON.stringify({ ...meta, ingestion, scale, goals: goalRows(ingestion, scale) }, null, 2));
await writeFile(json.replace(/\.json$/, ".md"), `${report}\n`);
console.error(`Wrote ${path.relative(process.cwd(), json)} and .md`);
