/** Markdown report and goal checks of the speed benchmark (scripts/bench/speed.ts). */
import type { BuildResult, LoadResult, QueryResult, RealResult } from "./speed-worker.js";

export type IngestSummary =
  | {
      ok: true;
      real: RealResult;
      /** (end-to-end seconds - raw embedding seconds) / raw embedding seconds. */
      overhead: number;
      /** Computed, not measured: the same non-embedding work next to a model-speed embedder. */
      projection: {
        chunksPerSecond: number;
        embedSeconds: number;
        nonEmbeddingSeconds: number;
        overhead: number;
        overheadWithoutFit: number;
      };
    }
  | { ok: false; error: string; lastOutput: string };

export interface SizeSummary {
  /** Chunks asked for (synthetic) or built (the real corpus). */
  size: number;
  label: string;
  synthetic: boolean;
  corpus: {
    articles: number;
    estimatedChunks: number;
    files: number;
    bytes: number;
    questions: number;
    generationSeconds: number;
  };
  failures: { step: string; error: string; lastOutput: string; afterSeconds: number }[];
  build?: BuildResult;
  disk?: { total: number; files: Record<string, number> };
  load?: Omit<LoadResult, "openIndexMs" | "importMs" | "rssAfterLoadBytes"> & {
    runs: number;
    openIndexMs: number;
    openIndexRunsMs: number[];
    importMs: number;
    rssAfterLoadBytes: number;
  };
  query?: QueryResult;
}

export interface GoalRow {
  goal: string;
  target: string;
  measured: string;
  status: string;
}

const PHASES: Record<string, string> = {
  scan: "read and hash files",
  parse: "parse and clean articles",
  fit: "dedupe, MinHash signatures, embedder fit",
  embed: "chunk, embed, add to the HNSW graph",
  vectors: "compact the HNSW graph when needed",
  keywords: "BM25 keyword index",
  stories: "group articles into stories",
  write: "near-duplicate pass, save files",
  publish: "switch CURRENT, remove stale builds",
};

const s1 = (seconds: number) => seconds.toFixed(1);
const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
const table = (header: string[], rows: string[][], align = header.map((_, i) => (i === 0 ? "---" : "---:"))) =>
  [`| ${header.join(" | ")} |`, `|${align.join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");

/** Goal status for "lower is better": met with headroom, or missed by a factor. */
function below(measured: number, target: number, unit: string, format: (x: number) => string): Omit<GoalRow, "goal"> {
  const status =
    measured < target
      ? `met (${((1 - measured / target) * 100).toFixed(0)}% under)`
      : `**missed** by ${format(measured - target)}${unit} (${(measured / target).toFixed(1)}x the target)`;
  return { target: `< ${format(target)}${unit}`, measured: `${format(measured)}${unit}`, status };
}

function atLeast(measured: number, target: number): Omit<GoalRow, "goal"> {
  const status =
    measured >= target ? `met (+${(measured - target).toFixed(3)})` : `**missed** by ${(target - measured).toFixed(3)}`;
  return { target: `>= ${target}`, measured: measured.toFixed(3), status };
}

/** The measured size nearest to 100k chunks, where the latency and load goals are set. */
function near100k(scale: readonly SizeSummary[]): SizeSummary | undefined {
  return scale
    .filter((size) => size.synthetic)
    .sort((a, b) => Math.abs(Math.log(a.size / 1e5)) - Math.abs(Math.log(b.size / 1e5)))[0];
}

export function goalRows(ingestion: IngestSummary | null, scale: readonly SizeSummary[]): GoalRow[] {
  const rows: GoalRow[] = [];
  const notMeasured = (goal: string, target: string, why: string) =>
    rows.push({ goal, target, measured: "-", status: `not measured (${why})` });
  const reference = near100k(scale);
  if (reference) {
    const at = `at ${reference.label} chunks`;
    const query = reference.query;
    if (query) {
      const p95 = (value: number) => below(value, 200, " ms", (x) => x.toFixed(0));
      rows.push({ goal: `ask p95 ${at}, real RealTime QA questions (time words)`, ...p95(query.askRealMs.p95) });
      rows.push({ goal: `ask p95 ${at}, sentence questions (no time words)`, ...p95(query.askSentenceMs.p95) });
    } else {
      notMeasured(`ask p95 ${at}`, "< 200 ms", reference.failures.map((f) => f.step).join(", ") || "no result");
    }
    if (reference.load)
      rows.push({
        goal: `load (openIndex) ${at}`,
        ...below(reference.load.openIndexMs / 1000, 2, " s", (x) => x.toFixed(2)),
      });
    else notMeasured(`load ${at}`, "< 2 s", "no result");
  }
  if (ingestion?.ok) {
    rows.push({
      goal: "pipeline overhead over raw embedding (real corpus)",
      ...below(ingestion.overhead * 100, 10, "%", (x) => x.toFixed(0)),
    });
  } else if (ingestion) {
    notMeasured("pipeline overhead", "< 10%", ingestion.error);
  }
  for (const size of scale) {
    if (size.query)
      rows.push({
        goal: `vector recall@10 at ef=${size.query.shippedEf}, ${size.label} chunks`,
        ...atLeast(size.query.recallAt10, 0.95),
      });
  }
  return rows;
}

function ingestionSection(ingestion: IngestSummary): string {
  if (!ingestion.ok)
    return `### 1. Ingestion (real corpus)\n\nFailed: ${ingestion.error}\n\n\`\`\`\n${ingestion.lastOutput}\n\`\`\``;
  const { real, projection } = ingestion;
  const { build } = real;
  const raw = real.rawEmbedMedian;
  const lines = [
    `### 1. Ingestion: RealTime QA dev corpus, ${build.documents} articles -> ${build.chunks} chunks`,
    "",
    table(
      ["measure", "seconds", "chunks/s"],
      [
        ["end to end (buildIndex into a fresh index)", s1(build.seconds), build.chunksPerSecond.toFixed(0)],
        [
          `raw embedding (embedDocuments only, median of ${real.rawEmbedSeconds.length}: ${real.rawEmbedSeconds.map(s1).join(", ")})`,
          s1(raw),
          (build.chunks / raw).toFixed(0),
        ],
        ["embedder fit on the articles (once; not in raw)", s1(real.fitSeconds), "-"],
      ],
    ),
    "",
    `Pipeline overhead = (end-to-end - raw embedding) / raw embedding = (${s1(build.seconds)} - ${s1(raw)}) / ${s1(raw)} = **${pct(ingestion.overhead)}** (goal < 10%). Peak RSS of the build process: ${gib(build.peakRssBytes)}.${real.sameEmbedder ? "" : " (Warning: the refitted embedder's id differs from the build's.)"}`,
    "",
    table(
      ["phase", "what", "seconds", "share"],
      build.phases.map((phase) => [
        phase.phase,
        PHASES[phase.phase] ?? "",
        s1(phase.seconds),
        pct(phase.seconds / build.seconds),
      ]),
      ["---", "---", "---:", "---:"],
    ),
    "",
    `Of the embed phase, ${s1(build.embedSeconds)} s is inside the embedder and ${s1(build.graphSeconds)} s adding to the HNSW graph (one \`addPoint\` at a time); the rest is chunking.`,
    "",
    `**Projection (computed, not measured):** with a model embedder at an assumed ${projection.chunksPerSecond} chunks/s (a small transformer on CPU), embedding these ${build.chunks} chunks would take ${s1(projection.embedSeconds)} s; the measured non-embedding work (${s1(projection.nonEmbeddingSeconds)} s) would then be an overhead of ${pct(projection.overhead)}, or ${pct(projection.overheadWithoutFit)} without the offline embedder's fit phase (a model embedder learns nothing from the corpus).`,
  ];
  return lines.join("\n");
}

function scaleSection(scale: readonly SizeSummary[]): string {
  const done = scale.filter((size) => size.build);
  const lines = [
    "### 2. Scale: the real corpus, then synthetic corpora (its vocabulary and sentence shapes, word-bigram Markov chain)",
    "",
    table(
      [
        "target",
        "chunks",
        "articles",
        "build s",
        "chunks/s",
        "peak RSS (build)",
        "disk MB",
        "load s (median of 3)",
        "RSS after load",
        "retrieve p50/p95/p99 ms",
        "ask p50/p95 ms (sentence q.)",
        "ask p50/p95 ms (real q.)",
        "recall@10",
        "source hit@10",
      ],
      scale.map((size) => [
        size.label,
        size.build ? String(size.build.chunks) : "-",
        size.build ? String(size.build.documents) : String(size.corpus.articles),
        size.build ? s1(size.build.seconds) : "failed",
        size.build ? size.build.chunksPerSecond.toFixed(0) : "-",
        size.build ? gib(size.build.peakRssBytes) : "-",
        size.disk ? mb(size.disk.total) : "-",
        size.load ? (size.load.openIndexMs / 1000).toFixed(2) : "-",
        size.load ? gib(size.load.rssAfterLoadBytes) : "-",
        size.query
          ? `${ms(size.query.retrieveMs.p50)} / ${ms(size.query.retrieveMs.p95)} / ${ms(size.query.retrieveMs.p99)}`
          : "-",
        size.query ? `${ms(size.query.askSentenceMs.p50)} / ${ms(size.query.askSentenceMs.p95)}` : "-",
        size.query ? `${ms(size.query.askRealMs.p50)} / ${ms(size.query.askRealMs.p95)}` : "-",
        size.query ? size.query.recallAt10.toFixed(3) : "-",
        size.query ? pct(size.query.sourceHitAt10) : "-",
      ]),
    ),
    "",
    'Sentence questions: "What <6-9 consecutive words of a corpus sentence>?" (no time words); retrieve is timed on them (k=10). Real questions: the first RealTime QA dev questions, each asked with its own date as today, so time words ("this week") become a date preference. Source hit@10: share of sentence questions whose words occur in a top-10 chunk (a sanity check that retrieval works at that size, not a quality measure). Load: openIndex in a fresh process, warm page cache. Recall@10: hnswlib at the shipped ef against exact cosine search, over both question sets.',
  ];
  if (done.length > 0) {
    const phases = done[0]?.build?.phases.map((phase) => phase.phase) ?? [];
    lines.push(
      "",
      "Build time per phase (seconds):",
      "",
      table(
        ["target", ...phases, "total"],
        done.map((size) => [
          size.label,
          ...phases.map((name) => s1(size.build?.phases.find((p) => p.phase === name)?.seconds ?? 0)),
          s1(size.build?.seconds ?? 0),
        ]),
      ),
    );
    const files = ["hnswlib.index", "chunks.jsonl", "articles.jsonl", "keyword.bin", "embedder.bin"];
    lines.push(
      "",
      "Size on disk (MB):",
      "",
      table(
        ["target", ...files, "total"],
        done.map((size) => [
          size.label,
          ...files.map((file) => mb(size.disk?.files[file] ?? 0)),
          mb(size.disk?.total ?? 0),
        ]),
      ),
    );
  }
  const loaded = scale.filter((size) => size.load);
  if (loaded.length > 0) {
    lines.push(
      "",
      "Load time by part (ms, median of 3; each part timed on its own after openIndex, which runs them concurrently but JSON.parse blocks the thread):",
      "",
      table(
        [
          "target",
          "openIndex",
          "chunks.jsonl read+parse",
          "hnsw graph read",
          "keyword.bin",
          "articles.jsonl read+parse",
          "embedder",
          "module import (process start)",
        ],
        loaded.map((size) => {
          const load = size.load;
          if (!load) return [size.label];
          return [
            size.label,
            ms(load.openIndexMs),
            ms(load.partsMs.chunks),
            ms(load.partsMs.hnswGraph),
            ms(load.partsMs.keywordIndex),
            ms(load.partsMs.articles),
            ms(load.partsMs.embedder),
            ms(load.importMs),
          ];
        }),
      ),
    );
  }
  const queried = scale.filter((size) => size.query);
  if (queried.length > 0) {
    lines.push(
      "",
      "Vector search: recall@10 against exact cosine search, and searchKnn time per query, by ef (shipped ef marked *):",
      "",
      table(
        [
          "target",
          ...(queried[0]?.query?.efSweep.map(
            (point) => `ef ${point.ef}${point.ef === queried[0]?.query?.shippedEf ? "*" : ""}`,
          ) ?? []),
          "exact scan ms",
          "recall@40 (retrieve's candidates)",
          "mean cosine of top 10: exact / hnsw",
        ],
        queried.map((size) => [
          size.label,
          ...(size.query?.efSweep.map((point) => `${point.recallAt10.toFixed(3)} / ${ms(point.searchMs.p50)} ms`) ??
            []),
          ms(size.query?.exactSearchMs.p50 ?? 0),
          size.query?.recallAt40.toFixed(3) ?? "-",
          size.query
            ? `${size.query.meanCosineAt10.exact.toFixed(3)} / ${size.query.meanCosineAt10.hnsw.toFixed(3)}`
            : "-",
        ]),
      ),
      "",
      "Date preferences: retrieve(k=10) when a time word's range matches no chunk (hnswlib's filtered search then walks the whole graph, calling the JS filter for every chunk), next to retrieve without a preference (the same sentence questions; the preference case uses the first 50):",
      "",
      table(
        [
          "target",
          "real questions with time words",
          "retrieve p50/p95 ms",
          "retrieve, preference matching nothing, p50/p95 ms",
        ],
        queried.map((size) => {
          const query = size.query;
          if (!query) return [size.label];
          return [
            size.label,
            pct(query.realWithTimeWords),
            `${ms(query.retrieveMs.p50)} / ${ms(query.retrieveMs.p95)}`,
            `${ms(query.emptyPreferenceMs.p50)} / ${ms(query.emptyPreferenceMs.p95)}`,
          ];
        }),
      ),
      "",
      "Ask throughput on the real questions with several in flight at once (Node runs retrieval on one thread, so concurrency queues work rather than parallelising it; throughput stays flat and latency grows with the queue):",
      "",
      table(
        ["target", "in flight", "questions/s", "latency p50 ms", "latency p95 ms"],
        queried.flatMap((size) =>
          (size.query?.concurrency ?? []).map((point) => [
            size.label,
            String(point.inFlight),
            point.questionsPerSecond.toFixed(1),
            ms(point.latency.p50),
            ms(point.latency.p95),
          ]),
        ),
      ),
    );
  }
  const failures = scale.flatMap((size) => size.failures.map((failure) => ({ size, failure })));
  if (failures.length > 0) {
    lines.push("", "Failures:", "");
    for (const { size, failure } of failures) {
      lines.push(`- **${size.label}**, ${failure.step}, after ${s1(failure.afterSeconds / 60)} min: ${failure.error}`);
      if (failure.lastOutput)
        lines.push("", "  ```", ...failure.lastOutput.split("\n").map((line) => `  ${line}`), "  ```");
    }
  }
  return lines.join("\n");
}

export function renderReport(
  meta: {
    command: string;
    commit: string;
    date: string;
    wallMinutes: number;
    machine: {
      cpus: number;
      memoryGiB: number;
      cpuModel: string;
      loadAverage: number[];
      loadAverageAtEnd: number[];
      node: string;
    };
    settings: Record<string, unknown>;
  },
  ingestion: IngestSummary | null,
  scale: readonly SizeSummary[],
): string {
  const m = meta.machine;
  const sections = [
    `## Speed benchmark (commit ${meta.commit}, ${meta.date.slice(0, 10)})`,
    "",
    `\`${meta.command}\` - ${meta.wallMinutes.toFixed(1)} min wall. Host: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}; load average ${m.loadAverage.join("/")} at start, ${m.loadAverageAtEnd.join("/")} at end. Other work shares this machine: timings are noisy. Settings: ${JSON.stringify(meta.settings)}.`,
  ];
  if (ingestion) sections.push("", ingestionSection(ingestion));
  if (scale.length > 0) sections.push("", scaleSection(scale));
  sections.push(
    "",
    "### Goals",
    "",
    table(
      ["goal", "target", "measured", "status"],
      goalRows(ingestion, scale).map((row) => [row.goal, row.target, row.measured, row.status]),
    ),
  );
  return sections.join("\n");
}
