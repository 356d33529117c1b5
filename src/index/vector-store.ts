import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { SynchronousInMemoryDocstore } from "@langchain/community/stores/doc/in_memory";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { Document } from "@langchain/core/documents";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import hnswlib from "hnswlib-node";
import { readJsonLines, writeJsonLines } from "./json-lines.js";
import type { ChunkMetadata } from "./records.js";

/**
 * Saving and loading LangChain's `HNSWLib` store.
 *
 * The graph is hnswlib's own file (`hnswlib.index`) and `args.json` is LangChain's, as
 * `HNSWLib.save` writes them; the chunks go to `chunks.jsonl`, one `[label, text, metadata]` per
 * line, instead of LangChain's `docstore.json`, which is one `JSON.stringify` of every chunk and
 * fails past V8's string limit (about 480k chunks of news text).
 */

export const VECTOR_FILES = { graph: "hnswlib.index", args: "args.json", chunks: "chunks.jsonl" } as const;

type ChunkLine = [label: number, text: string, metadata: ChunkMetadata];

export async function saveVectorStore(store: HNSWLib, dir: string): Promise<void> {
  const { space, numDimensions } = store.args;
  await store.index.writeIndex(path.join(dir, VECTOR_FILES.graph));
  await writeFile(path.join(dir, VECTOR_FILES.args), JSON.stringify({ space, numDimensions }));
  await writeJsonLines(
    path.join(dir, VECTOR_FILES.chunks),
    (function* (): Generator<ChunkLine> {
      for (const [key, document] of store.docstore._docs) {
        yield [Number(key), document.pageContent, document.metadata as ChunkMetadata];
      }
    })(),
  );
}

export async function loadVectorStore(dir: string, embeddings: EmbeddingsInterface): Promise<HNSWLib> {
  const args = JSON.parse(await readFile(path.join(dir, VECTOR_FILES.args), "utf8")) as {
    space: "cosine";
    numDimensions: number;
  };
  const index = new hnswlib.HierarchicalNSW(args.space, args.numDimensions);
  const docs = new Map<string, Document<ChunkMetadata>>();
  await Promise.all([
    index.readIndex(path.join(dir, VECTOR_FILES.graph)),
    readJsonLines<ChunkLine>(path.join(dir, VECTOR_FILES.chunks), ([label, pageContent, metadata]) => {
      docs.set(String(label), new Document({ pageContent, metadata }));
    }),
  ]);
  return new HNSWLib(embeddings, { ...args, index, docstore: new SynchronousInMemoryDocstore(docs) });
}
