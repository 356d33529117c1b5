import { type AskOptions, ask, validateQuestion } from "./answer/ask.js";
import { DEFAULT_EXTRACTIVE } from "./answer/extractive.js";
import type { Answer } from "./answer/types.js";
import type { Config } from "./config.js";
import { type BuildOptions, type BuildReport, buildIndex } from "./index/build.js";
import type { IndexEmbedder } from "./index/embedder.js";
import { type NewsIndex, openIndex } from "./index/open.js";
import { createIndexEmbedder } from "./providers/embedders.js";

/** Collaborators a caller (a test, a benchmark) may replace. */
export interface AppOverrides {
  embedder?: IndexEmbedder;
  /** The clock; "today" for time words comes from it unless REFERENCE_DATE is set. */
  now?: () => Date;
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
  ask(question: string, options?: Partial<AskOptions>): Promise<Answer>;
  /** "Today" as YYYY-MM-DD, for time words in questions. */
  referenceDate(): string;
}

export function createApp(config: Config, overrides: AppOverrides = {}): App {
  const now = overrides.now ?? (() => new Date());
  const embedder =
    overrides.embedder ?? createIndexEmbedder(config.embeddings, { dimensions: config.embeddingDimensions });
  let loaded: Promise<NewsIndex> | null = null;

  const app: App = {
    config,
    embedder,
    ingest: (listeners = {}) =>
      buildIndex({
        corpusDir: config.corpusDir,
        indexDir: config.indexDir,
        embedder,
        chunking: { size: config.chunkSize, overlap: config.chunkOverlap },
        now,
        ...listeners,
      }),
    index: ({ reload = false } = {}) => {
      if (!loaded || reload) {
        loaded = openIndex(config.indexDir, embedder);
        // A failed load must not be cached: the next call retries (e.g. after an ingest).
        loaded.catch(() => {
          loaded = null;
        });
      }
      return loaded;
    },
    referenceDate: () => config.referenceDate ?? now().toISOString().slice(0, 10),
    ask: async (question, options = {}) => {
      // Validate before loading so a bad question is reported as such even without an index.
      validateQuestion(question);
      return ask(await app.index(), question, {
        topK: config.topK,
        referenceDate: app.referenceDate(),
        extractive: { ...DEFAULT_EXTRACTIVE, maxSentences: config.answerMaxSentences },
        ...options,
      });
    },
  };
  return app;
}
