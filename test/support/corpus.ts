import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { buildIndex } from "../../src/index/build.js";
import type { IndexEmbedder, ReadyEmbedder } from "../../src/index/embedder.js";
import { type NewsIndex, openIndex } from "../../src/index/open.js";
import { createIndexEmbedder } from "../../src/providers/embedders.js";

export const SEEDS_DIR = path.resolve(import.meta.dirname, "../../seeds");

/** A temporary workspace with a copy of the seeds as its corpus and an empty index folder. */
export async function makeWorkspace(): Promise<{
  root: string;
  corpusDir: string;
  indexDir: string;
  cleanup: () => Promise<void>;
}> {
  const root = await mkdtemp(path.join(tmpdir(), "newsdesk-test-"));
  const corpusDir = path.join(root, "corpus");
  await cp(SEEDS_DIR, corpusDir, { recursive: true });
  return {
    root,
    corpusDir,
    indexDir: path.join(root, "index"),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/**
 * The real offline embedder, wrapped so a test can see what it was asked to do: how many texts
 * were embedded and how often it was fitted.
 */
export function recordingEmbedder(spec = "offline"): IndexEmbedder & { embedded: string[]; fits: number } {
  const inner = createIndexEmbedder("offline", { dimensions: 384 });
  const record = {
    embedded: [] as string[],
    fits: 0,
  };
  const wrap = (ready: ReadyEmbedder): ReadyEmbedder => {
    const embeddings: EmbeddingsInterface = {
      embedDocuments: async (texts) => {
        record.embedded.push(...texts);
        return ready.embeddings.embedDocuments(texts);
      },
      embedQuery: (text) => ready.embeddings.embedQuery(text),
    };
    return { embeddings, id: ready.id, state: () => ready.state() };
  };
  return Object.assign(record, {
    spec,
    learnsFromCorpus: true,
    fit: async (texts: readonly string[]) => {
      record.fits += 1;
      return wrap(await inner.fit(texts));
    },
    restore: async (state: Buffer | null) => wrap(await inner.restore(state)),
  });
}

/** A workspace whose corpus (the seeds, plus whatever `prepare` adds) is indexed and opened. */
export async function indexedWorkspace(
  prepare: (corpusDir: string) => Promise<void> = async () => {},
): Promise<{ workspace: Awaited<ReturnType<typeof makeWorkspace>>; index: NewsIndex }> {
  const workspace = await makeWorkspace();
  await prepare(workspace.corpusDir);
  await buildIndex({
    corpusDir: workspace.corpusDir,
    indexDir: workspace.indexDir,
    embedder: recordingEmbedder(),
    chunking: { size: 900, overlap: 150 },
  });
  return { workspace, index: await openIndex(workspace.indexDir, recordingEmbedder()) };
}
