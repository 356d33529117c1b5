import { UserError } from "../errors.js";
import type { IndexEmbedder, ReadyEmbedder } from "../index/embedder.js";
import { HashedTfidfEmbeddings } from "./offline-embeddings.js";

/** Settings the embedder registry needs from the configuration. */
export interface EmbedderSettings {
  /** Dense dimensions of the offline embedder. */
  dimensions: number;
}

/** Provider ids accepted in EMBEDDINGS, for error messages. */
export const EMBEDDING_PROVIDERS = ["offline"] as const;

/**
 * Turns an EMBEDDINGS value ("offline", later "openai:<model>", ...) into an index embedder.
 * Throws a {@link UserError} naming the variable for an unknown provider.
 */
export function createIndexEmbedder(spec: string, settings: EmbedderSettings): IndexEmbedder {
  const [provider] = spec.split(":", 1);
  switch (provider) {
    case "offline":
      return offlineEmbedder(settings.dimensions);
    default:
      throw new UserError(`Unknown EMBEDDINGS provider "${provider}". Use one of: ${EMBEDDING_PROVIDERS.join(", ")}.`);
  }
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
