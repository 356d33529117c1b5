import { type AskOptions, answerFromRetrieval, retrieveForQuestion, validateQuestion } from "./answer/ask.js";
import { standaloneQuestion, type Turn } from "./answer/conversation.js";
import { DEFAULT_EXTRACTIVE } from "./answer/extractive.js";
import { answerWithModel } from "./answer/generated.js";
import type { Answer } from "./answer/types.js";
import type { Config } from "./config.js";
import { type Digest, digestOfIndex } from "./digest/digest.js";
import { createModelWriter, type ModelWriter } from "./generation/writer.js";
import { type BuildOptions, type BuildReport, buildIndex } from "./index/build.js";
import type { IndexEmbedder } from "./index/embedder.js";
import { currentBuildDir } from "./index/layout.js";
import { type NewsIndex, openIndex } from "./index/open.js";
import { createIndexEmbedder, embedderSettingsOf } from "./providers/embedders.js";
import {
  type PeriodName,
  type Summary,
  summarizeArticle,
  summarizePeriod,
  summarizeTopic,
} from "./summary/summarize.js";
import { writeDigest, writeSummary } from "./summary/written.js";

/** How often a loaded index checks whether a newer build was published. */
const POINTER_CHECK_MS = 5000;

/** What to summarise: exactly one of a topic, an article (docId) or a period. */
export type SummaryRequest = { topic: string } | { article: string } | { period: PeriodName };

/** Collaborators a caller (a test, a benchmark) may replace. */
export interface AppOverrides {
  embedder?: IndexEmbedder;
  /** The clock; "today" for time words comes from it unless REFERENCE_DATE is set. */
  now?: () => Date;
  /** Replaces the model writer chosen by LLM (null: extractive). */
  writer?: ModelWriter | null;
  /** How often a loaded index checks for a newer published build (default 5 s). */
  indexCheckMs?: number;
}

export type IngestListeners = Pick<BuildOptions, "onProgress" | "onWarning" | "onNotice">;

/** The wired application: the one place where concrete parts are chosen from configuration. */
export interface App {
  readonly config: Config;
  readonly embedder: IndexEmbedder;
  /** Ingests the corpus folder into the index (incremental). */
  ingest(listeners?: IngestListeners): Promise<BuildReport>;
  /** The loaded index, read once and kept; `reload` picks up a new build. */
  index(options?: { reload?: boolean }): Promise<NewsIndex>;
  /**
   * Answers from the index: model-written when LLM names a model (`onPartial` then receives the
   * text as it streams), extractive otherwise or when the model fails.
   */
  ask(question: string, options?: Partial<AskOptions> & { onPartial?: (text: string) => void }): Promise<Answer>;
  /** A thread follow-up as a question that stands alone (the model rewrites it when there is one). */
  standalone(history: readonly Turn[], question: string): Promise<string>;
  /** The model writer, or null for the extractive default. */
  readonly writer: ModelWriter | null;
  /** "Today" as YYYY-MM-DD, for time words in questions. */
  referenceDate(): string;
  /** The clock (REFERENCE_DATE does not move it). */
  now(): Date;
  summarize(request: SummaryRequest): Promise<Summary>;
  /** Stories with articles that arrived in (since, now]; `since` null: every story. */
  digest(options: { since: Date | null; now?: Date }): Promise<Digest>;
}

export function createApp(config: Config, overrides: AppOverrides = {}): App {
  const now = overrides.now ?? (() => new Date());
  const embedder = overrides.embedder ?? createIndexEmbedder(config.embeddings, embedderSettingsOf(config));
  let loaded: Promise<NewsIndex> | null = null;
  let loadedDir: string | null = null;
  let pointerCheckedAt = Date.now();
  const writer =
    overrides.writer !== undefined
      ? overrides.writer
      : config.llm === "extractive"
        ? null
        : createModelWriter({
            spec: config.llm,
            openai: config.openai,
            ollama: config.ollama,
            timeoutMs: config.llmTimeoutSeconds * 1000,
            maxRetries: config.llmMaxRetries,
          });

  const app: App = {
    config,
    embedder,
    ingest: (listeners = {}) =>
      buildIndex({
        corpusDir: config.corpusDir,
        indexDir: config.indexDir,
        embedder,
        chunking: { size: config.chunkSize, overlap: config.chunkOverlap },
        stories: { ...config.stories },
        now,
        ...listeners,
      }),
    index: async ({ reload = false } = {}) => {
      // A long-running bot picks up a build published by `npm run ingest` (the pointer file is
      // checked at most every few seconds; a build is immutable once published).
      if (loaded && !reload && Date.now() - pointerCheckedAt >= (overrides.indexCheckMs ?? POINTER_CHECK_MS)) {
        pointerCheckedAt = Date.now();
        const live = await currentBuildDir(config.indexDir).catch(() => null);
        if (live && loadedDir && live !== loadedDir) reload = true;
      }
      if (!loaded || reload) {
        const loading = openIndex(config.indexDir, embedder);
        loaded = loading;
        loading.then(
          (index) => {
            loadedDir = index.buildDir;
          },
          // A failed load must not be cached: the next call retries (e.g. after an ingest).
          () => {
            if (loaded === loading) loaded = null;
          },
        );
      }
      return loaded;
    },
    referenceDate: () => config.referenceDate ?? now().toISOString().slice(0, 10),
    now,
    summarize: async (request) => {
      if ("topic" in request) validateQuestion(request.topic);
      const index = await app.index();
      const referenceDate = app.referenceDate();
      const extractive =
        "topic" in request
          ? await summarizeTopic(index, request.topic, { referenceDate })
          : "article" in request
            ? summarizeArticle(index, request.article)
            : summarizePeriod(index, request.period, { referenceDate });
      return writer ? writeSummary(index, extractive, writer, { referenceDate }) : extractive;
    },
    digest: async ({ since, now: at }) => {
      const index = await app.index();
      const digest = digestOfIndex(index, { since, now: at ?? now(), maxStories: config.digest.maxStories });
      return writer ? writeDigest(index, digest, writer) : digest;
    },
    writer,
    ask: async (question, { onPartial, ...options } = {}) => {
      // Validate before loading so a bad question is reported as such even without an index.
      validateQuestion(question);
      const index = await app.index();
      const extractive = { ...DEFAULT_EXTRACTIVE, maxSentences: config.answerMaxSentences, ...options.extractive };
      const found = await retrieveForQuestion(index, question, {
        topK: config.topK,
        referenceDate: app.referenceDate(),
        ...options,
      });
      if (!writer) return answerFromRetrieval(index, found, extractive);
      return answerWithModel(index, found, writer, { extractive, ...(onPartial ? { onPartial } : {}) });
    },
    standalone: async (history, question) => {
      const heuristic = standaloneQuestion(history, question);
      if (!writer || history.length === 0) return heuristic;
      try {
        const conversation = history.map((turn) => `Q: ${turn.question}\nA: ${turn.answer}`).join("\n");
        const rewritten = (await writer.complete("follow-up", { history: conversation, question })).trim();
        // A usable rewrite is one line of question-like length; anything else keeps the heuristic.
        return rewritten && !rewritten.includes("\n") && rewritten.length <= 500 ? rewritten : heuristic;
      } catch {
        return heuristic;
      }
    },
  };
  return app;
}
