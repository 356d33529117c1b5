import { retrieveForQuestion } from "../answer/ask.js";
import { sourcesFrom } from "../answer/generated.js";
import { NOT_COVERED } from "../answer/types.js";
import type { Digest, DigestStory } from "../digest/digest.js";
import { type CheckedText, neutraliseInstructions, type Source } from "../generation/citations.js";
import type { PromptName } from "../generation/prompts.js";
import { ModelUnavailableError, type ModelWriter } from "../generation/writer.js";
import type { NewsIndex } from "../index/open.js";
import type { IndexedArticle } from "../index/records.js";
import type { Summary } from "./summarize.js";

/** Characters of each article a model is shown for a summary (the top of a news article). */
const ARTICLE_CHARACTERS = 6000;
const STORY_ARTICLE_CHARACTERS = 2500;

function articleSource(article: IndexedArticle, n: number, characters: number): Source {
  return {
    n,
    docId: article.docId,
    title: article.title,
    source: article.source,
    published: article.published,
    url: article.url,
    file: article.file,
    text: neutraliseInstructions(article.text.slice(0, characters)),
    chunkIds: article.chunkIds,
  };
}

type Outcome = { checked: CheckedText } | { note: string };

async function attempt(
  index: NewsIndex,
  writer: ModelWriter,
  prompt: PromptName,
  values: Record<string, string>,
  sources: Source[],
): Promise<Outcome> {
  try {
    const checked = await writer.write(prompt, values, sources, { idf: (term) => index.keyword.idf(term) });
    if (!checked.notCovered && !checked.text) {
      return {
        note: "The model's summary could not be checked against the articles, so this one quotes them directly.",
      };
    }
    return { checked };
  } catch (error) {
    if (!(error instanceof ModelUnavailableError)) throw error;
    return { note: "The language model was unavailable, so this summary quotes the articles directly." };
  }
}

/**
 * A summary written by the model from the same material the extractive one used (the article;
 * the topic's retrieved chunks), with the same citation checks. The extractive summary stands in,
 * with a note, when the model fails; period summaries, a list of stories, stay extractive.
 */
export async function writeSummary(
  index: NewsIndex,
  extractive: Summary,
  writer: ModelWriter,
  options: { referenceDate: string },
): Promise<Summary> {
  if (extractive.kind === "period" || !extractive.answered) return extractive;
  let outcome: Outcome;
  if (extractive.kind === "article") {
    // An article summary cites its article first.
    const article = index.articles.get(extractive.citations[0]?.docId ?? "");
    if (!article) return extractive;
    outcome = await attempt(index, writer, "article-summary", { title: article.title }, [
      articleSource(article, 1, ARTICLE_CHARACTERS),
    ]);
  } else {
    const found = await retrieveForQuestion(index, extractive.subject, {
      topK: 20,
      referenceDate: options.referenceDate,
    });
    outcome = await attempt(
      index,
      writer,
      "topic-summary",
      { topic: extractive.subject },
      sourcesFrom(found.retrieved),
    );
  }
  if ("note" in outcome) return { ...extractive, note: outcome.note };
  if (outcome.checked.notCovered) return { ...extractive, answered: false, summary: NOT_COVERED, citations: [] };
  return { ...extractive, summary: outcome.checked.text, citations: outcome.checked.citations, note: null };
}

/** Each digest story rewritten by the model from its articles; a story keeps its extractive text when that fails. */
export async function writeDigest(index: NewsIndex, digest: Digest, writer: ModelWriter): Promise<Digest> {
  const stories: DigestStory[] = [];
  for (const story of digest.stories) {
    const articles = story.articles
      .map((docId) => index.articles.get(docId))
      .filter((article): article is IndexedArticle => article !== undefined)
      .slice(0, 5);
    const sources = articles.map((article, i) => articleSource(article, i + 1, STORY_ARTICLE_CHARACTERS));
    const outcome = await attempt(index, writer, "digest-story", { headline: story.headline }, sources);
    stories.push(
      "checked" in outcome && outcome.checked.text
        ? { ...story, summary: outcome.checked.text, citations: outcome.checked.citations }
        : story,
    );
  }
  return { ...digest, stories };
}
