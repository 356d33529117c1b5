import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../../src/answer/ask.js";
import { NOT_COVERED } from "../../src/answer/types.js";
import type { NewsIndex } from "../../src/index/open.js";
import { splitSentences } from "../../src/text/sentences.js";
import { indexedWorkspace } from "../support/corpus.js";

interface Expectation {
  file: string;
  title?: string;
}
interface QuestionSet {
  referenceDate: string;
  answerable: { question: string; expect: Expectation[]; answer: string[] }[];
  unanswerable: string[];
}

const questions = JSON.parse(
  await readFile(path.resolve(import.meta.dirname, "../fixtures/seed-questions.json"), "utf8"),
) as QuestionSet;

let workspace: Awaited<ReturnType<typeof indexedWorkspace>>["workspace"];
let index: NewsIndex;
beforeAll(async () => {
  ({ workspace, index } = await indexedWorkspace());
});
afterAll(async () => {
  await workspace.cleanup();
});

const matches = (citation: { file: string; title: string }, expected: Expectation) =>
  citation.file === expected.file && (!expected.title || citation.title.includes(expected.title));

const options = () => ({ topK: 6, referenceDate: questions.referenceDate });

describe("answers over the seeds (test/fixtures/seed-questions.json)", () => {
  it.each(questions.answerable)("answers and cites the right article: $question", async (item) => {
    const answer = await ask(index, item.question, options());
    expect(answer.answered).toBe(true);
    const retrievedTop = answer.retrieved.slice(0, 3).map((chunk) => chunk.document.metadata);
    expect(retrievedTop.some((metadata) => item.expect.some((expected) => matches(metadata, expected)))).toBe(true);
    expect(answer.citations.some((citation) => item.expect.some((expected) => matches(citation, expected)))).toBe(true);
    for (const word of item.answer) expect(answer.answer).toContain(word);
  });

  it.each(questions.unanswerable)("refuses a question the corpus does not cover: %s", async (question) => {
    const answer = await ask(index, question, options());
    expect(answer.answered).toBe(false);
    expect(answer.answer).toBe(NOT_COVERED);
    expect(answer.citations).toEqual([]);
  });
});

describe("citations", () => {
  it("maps every [n] to a cited source whose quote is a sentence of that source, numbered in order of first use", async () => {
    for (const item of questions.answerable) {
      const answer = await ask(index, item.question, options());
      const markers = [...answer.answer.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1]));
      expect(markers.length).toBeGreaterThan(0);
      const firstUse = [...new Set(markers)];
      expect(firstUse).toEqual(answer.citations.map((citation) => citation.n));
      expect(answer.citations.map((citation) => citation.n)).toEqual(answer.citations.map((_, i) => i + 1));
      for (const citation of answer.citations) {
        const article = index.articles.get(citation.docId);
        expect(article).toBeDefined();
        const sentences = splitSentences(article?.text ?? "");
        for (const quote of citation.quotes) expect(sentences).toContain(quote);
        expect(answer.answer).toContain(citation.quote);
      }
    }
  });

  it("lists only sources the answer cites", async () => {
    const answer = await ask(index, "How many Patriot missile systems has Ukraine secured?", options());
    const cited = new Set([...answer.answer.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1])));
    expect(answer.citations.every((citation) => cited.has(citation.n))).toBe(true);
  });
});
