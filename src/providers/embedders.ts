import { existsSync } from "node:fs";
import path from "node:path";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { Config } from "../config.js";
import { UserError } from "../errors.js";
import type { IndexEmbedder, ReadyEmbedder } from "../index/embedder.js";
import { HashedTfidfEmbeddings } from "./offline-embeddings.js";

/** Settings the embedder registry needs from the configuration. */
export interface EmbedderSettings {
  /** Dense dimensions of the offline embedder. */
  dimensions: number;
  openai?: { baseUrl: string | undefined; apiKey: string | undefined };
  ollama?: { baseUrl: string };
  /** Cache folder for models downloaded by transformers.js. */
  modelsDir?: string;
  /** Per request, for API embedders. */
  timeoutMs?: number;
  maxRetries?: number;
}

/** The embedder settings of a configuration. */
export function embedderSettingsOf(config: Config): EmbedderSettings {
  return {
    dimensions: config.embeddingDimensions,
    openai: config.openai,
    ollama: config.ollama,
    modelsDir: config.modelsDir,
    timeoutMs: config.llmTimeoutSeconds * 1000,
    maxRetries: config.llmMaxRetries,
  };
}

/** Provider ids accepted in EMBEDDINGS, for error messages. */
export const EMBEDDING_PROVIDERS = ["offline", "openai", "ollama", "transformers"] as const;

/**
 * Turns an EMBEDDINGS value into an index embedder: "offline" (the default, fitted to the
 * corpus), "openai:<model>" (any OpenAI-compatible server), "ollama:<model>", or
 * "transformers:<hub id or local folder>". Model clients come from LangChain's integrations and
 * are created lazily, so a bad model shows up at the first embedding, as one line.
 * Throws a {@link UserError} naming the variable for an unknown provider.
 */
export function createIndexEmbedder(spec: string, settings: EmbedderSettings): IndexEmbedder {
  const separator = spec.indexOf(":");
  const provider = separator === -1 ? spec : spec.slice(0, separator);
  const model = separator === -1 ? "" : spec.slice(separator + 1);
  switch (provider) {
    case "offline":
      return offlineEmbedder(model ? Number(model) : settings.dimensions);
    case "openai":
      return modelEmbedder(spec, async () => {
        const { OpenAIEmbeddings } = await import("@langchain/openai");
        return new OpenAIEmbeddings({
          model,
          // A local OpenAI-compatible server needs no key; the client insists on one.
          apiKey: settings.openai?.apiKey ?? "not-needed",
          maxRetries: settings.maxRetries ?? 2,
          ...(settings.timeoutMs ? { timeout: settings.timeoutMs } : {}),
          ...(settings.openai?.baseUrl ? { configuration: { baseURL: settings.openai.baseUrl } } : {}),
        });
      });
    case "ollama":
      return modelEmbedder(spec, async () => {
        const { OllamaEmbeddings } = await import("@langchain/ollama");
        const embeddings = new OllamaEmbeddings({
          model,
          baseUrl: settings.ollama?.baseUrl ?? "http://127.0.0.1:11434",
          maxRetries: settings.maxRetries ?? 2,
        });
        // The Ollama client has no timeout of its own.
        return settings.timeoutMs ? withDeadline(embeddings, settings.timeoutMs, spec) : embeddings;
      });
    case "transformers":
      return modelEmbedder(spec, () => transformersEmbeddings(model, settings.modelsDir));
    default:
      throw new UserError(`Unknown EMBEDDINGS provider "${provider}". Use one of: ${EMBEDDING_PROVIDERS.join(", ")}.`);
  }
}

/**
 * An embedder backed by a model: nothing learned from the corpus, no state; its id is the spec,
 * so a different model (or provider) makes the index unusable until re-ingested.
 */
function modelEmbedder(spec: string, load: () => Promise<EmbeddingsInterface>): IndexEmbedder {
  let loaded: Promise<EmbeddingsInterface> | null = null;
  const ready = async (): Promise<ReadyEmbedder> => {
    const loading = loaded ?? load();
    loaded = loading;
    // A failed load (a download cut off, a server down) is tried again next time.
    loading.catch(() => {
      if (loaded === loading) loaded = null;
    });
    return { embeddings: await loading, id: spec, state: () => null };
  };
  return { spec, learnsFromCorpus: false, fit: ready, restore: ready };
}

/** Embeddings whose calls fail with one clear line after `ms` instead of hanging. */
function withDeadline(inner: EmbeddingsInterface, ms: number, spec: string): EmbeddingsInterface {
  const cut = <T>(work: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UserError(`EMBEDDINGS=${spec}: no reply within ${ms / 1000} s.`)), ms);
    });
    work.catch(() => {});
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  };
  return {
    embedDocuments: (texts) => cut(inner.embedDocuments(texts)),
    embedQuery: (text) => cut(inner.embedQuery(text)),
  };
}

/**
 * transformers.js through LangChain's HuggingFaceTransformersEmbeddings. A local folder (holding
 * config.json, tokenizer.json and onnx/model.onnx) is read with remote downloads switched off; a
 * hub id downloads once where the network allows and is cached under DATA_DIR/models.
 */
async function transformersEmbeddings(model: string, modelsDir: string | undefined): Promise<EmbeddingsInterface> {
  const { env } = await import("@huggingface/transformers");
  const { HuggingFaceTransformersEmbeddings } = await import(
    "@langchain/community/embeddings/huggingface_transformers"
  );
  const folder = path.resolve(model);
  if (existsSync(path.join(folder, "config.json"))) {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = path.dirname(folder);
    return new HuggingFaceTransformersEmbeddings({
      model: path.basename(folder),
      // fp32 reads onnx/model.onnx (not a quantised variant the folder may not have).
      pretrainedOptions: { local_files_only: true, dtype: "fp32" } as Record<string, unknown>,
    });
  }
  if (model.startsWith(".") || model.startsWith("/")) {
    throw new UserError(
      `EMBEDDINGS=transformers:${model}: no model folder there (it needs config.json, tokenizer.json and onnx/model.onnx).`,
    );
  }
  if (modelsDir) env.cacheDir = modelsDir;
  return new HuggingFaceTransformersEmbeddings({
    model,
    pretrainedOptions: { dtype: "fp32" } as Record<string, unknown>,
  });
}

/**
 * The offline default: hashed TF-IDF vectors whose weights are learned from the corpus itself,
 * saved with the index so queries are embedded exactly as the chunks were.
 */
function offlineEmbedder(dimensions: number): IndexEmbedder {
  const ready = (embeddings: HashedTfidfEmbeddings): ReadyEmbedder => ({
    embeddings,
    id: embeddings.id,
    state: () => embeddings.serialize(),
  });
  return {
    spec: dimensions === 384 ? "offline" : `offline:${dimensions}`,
    learnsFromCorpus: true,
    fit: async (corpusTexts) => ready(new HashedTfidfEmbeddings({ dimensions }).fit(corpusTexts)),
    restore: async (state) => {
      if (!state)
        throw new UserError("The index has no saved embedder statistics. Run `npm run ingest` to rebuild it.");
      return ready(HashedTfidfEmbeddings.deserialize(state));
    },
  };
}
