import type { EmbeddingsInterface } from "@langchain/core/embeddings";

/**
 * What indexing needs from an embedding provider. Corpus-fitted embedders (the offline default)
 * learn statistics at build time and save them with the index; model-backed ones (OpenAI,
 * Ollama, transformers.js) ignore the corpus and have no state.
 */
export interface IndexEmbedder {
  /** The configured embedder ("offline", "openai:text-embedding-3-small"); a change rebuilds the index. */
  readonly spec: string;
  /** True when {@link fit} learns from the corpus (and so must be re-fitted as the corpus drifts). */
  readonly learnsFromCorpus: boolean;
  /** An embedder ready for a new build; corpus-fitted embedders learn from `corpusTexts`. */
  fit(corpusTexts: readonly string[]): Promise<ReadyEmbedder>;
  /** The embedder saved with an index (its {@link ReadyEmbedder.state}). */
  restore(state: Buffer | null): Promise<ReadyEmbedder>;
}

/** An embedder with everything it needs to embed chunks and queries for one index. */
export interface ReadyEmbedder {
  readonly embeddings: EmbeddingsInterface;
  /** Identity of the vectors it makes: same id, comparable vectors. Recorded in the manifest. */
  readonly id: string;
  /** Learned state to save beside the index, or null for stateless providers. */
  state(): Buffer | null;
}
