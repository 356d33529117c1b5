/**
 * Tuning on RealTime QA dev only (never test): tries retrieval and answer variants against the
 * cached newsdesk index and prints one row per variant.
 *
 *   npm run bench:tune -- --data ../shared/bench/realtimeqa [--limit N]
 */

import { readdir } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { type AskOptions, answerFromRetrieval, retrieveForQuestion } from "../../src/answer/ask.js";
import { DEFAULT_EXTRACTIVE, type ExtractiveOptions } from "../../src/answer/extractive.js";
import { loadConfig } from "../../src/config.js";
import { currentBuildDir } from "../../src/index/layout.js";
import { openIndex } from "../../src/index/open.js";
import { createIndexEmbedder, embedderSettingsOf } from "../../src/providers/embedders.js";
import {
  answerableQuestions,
  type CorpusRow,
  corpusPath,
  correctChoice,
  firstHitRank,
  multipleChoiceCredit,
  readJsonLines,
  readQuestions,
} from "./quiz-data.js";

const { values } = parseArgs({
  options: {
    data: { type: "string" },
    limit: { type: "string" },
    cache: { type: "string", default: "data/bench-cache" },
  },
});
const dataDir = path.resolve(values.data ?? "../shared/bench/realtimeqa");
const config = loadConfig({}, process.cwd());
const cache = path.resolve(values.cache ?? "data/bench-cache", "dev");
const dirs = (await readdir(cache)).filter((name) => name.startsWith("newsdesk-"));
const embedder = createIndexEmbedder(config.embeddings, embedderSettingsOf(config));
let index = null;
for (const dir of dirs) {
  if (!(await currentBuildDir(path.join(cache, dir)))) continue;
  try {
    index = await openIndex(path.join(cache, dir), embedder);
    break;
  } catch {
    /* other settings */
  }
}
if (!index) throw new Error("run bench:quality on dev first to build the cached index");
const rows = await readJsonLines<CorpusRow>(corpusPath(dataDir, "dev"));
const questions = answerableQuestions(rows, await readQuestions(dataDir, "dev")).slice(
  0,
  values.limit ? Number(values.limit) : undefined,
);

interface Variant {
  name: string;
  ask?: Partial<AskOptions>;
  extractive?: Partial<ExtractiveOptions>;
  answerK?: number;
}
const variants: Variant[] = JSON.parse(process.env.VARIANTS ?? "null") ?? [
  { name: "shipped" },
  { name: "no time words", ask: { timeWords: false } },
  { name: "cap 3", ask: { retrieval: { maxPerDocument: 3 } } },
  { name: "cap 10", ask: { retrieval: { maxPerDocument: 10 } } },
  { name: "kw 2", ask: { retrieval: { keywordWeight: 2 } } },
  { name: "kw 0.5", ask: { retrieval: { keywordWeight: 0.5 } } },
  { name: "cand 100", ask: { retrieval: { candidates: 100 } } },
];
console.log(`dev: ${questions.length} questions`);
console.log("| variant | R@1 | R@5 | R@10 | MC | refusals |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const variant of variants) {
  let r1 = 0,
    r5 = 0,
    r10 = 0,
    mc = 0,
    refused = 0;
  for (const q of questions) {
    const found = await retrieveForQuestion(index, q.question, { topK: 10, referenceDate: q.date, ...variant.ask });
    const rank = firstHitRank(
      found.retrieved.map((c) => c.document.pageContent),
      correctChoice(q),
    );
    if (rank === 1) r1 += 1;
    if (rank && rank <= 5) r5 += 1;
    if (rank) r10 += 1;
    const answer = answerFromRetrieval(
      index,
      { ...found, retrieved: found.retrieved.slice(0, variant.answerK ?? config.topK) },
      { ...DEFAULT_EXTRACTIVE, ...variant.extractive },
    );
    if (!answer.answered) refused += 1;
    mc += multipleChoiceCredit(answer.answered ? answer.answer : "", q);
  }
  const n = questions.length;
  console.log(
    `| ${variant.name} | ${(r1 / n).toFixed(3)} | ${(r5 / n).toFixed(3)} | ${(r10 / n).toFixed(3)} | ${(mc / n).toFixed(3)} | ${((refused / n) * 100).toFixed(1)}% |`,
  );
}
