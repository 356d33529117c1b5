/**
 * `npm run calibrate:stories`: the story similarity of every pair of seed articles, against the
 * grouping the stories issue defines (test/fixtures/seed-stories.json), and the margin the
 * threshold leaves on each side. Reads the index built by `npm run ingest` from the seeds.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { profileArticles, storySimilarity } from "../src/stories/profile.js";

const fixture = JSON.parse(
  await readFile(path.resolve(import.meta.dirname, "../test/fixtures/seed-stories.json"), "utf8"),
) as { stories: string[][] };
const config = loadConfig();
const app = createApp(config);
await app.ingest();
const index = await app.index();
const articles = [...index.articles.values()];
const key = (article: (typeof articles)[number]) =>
  article.file.startsWith("003") ? `003.${article.part}` : article.file.slice(0, 3);
const label = new Map<string, number>();
fixture.stories.forEach((members, story) => {
  for (const member of members) label.set(member, story);
});
const { profiles } = profileArticles(articles);
const rows: { pair: string; similarity: number; same: boolean }[] = [];
for (let i = 0; i < articles.length; i += 1) {
  for (let j = i + 1; j < articles.length; j += 1) {
    const a = articles[i];
    const b = articles[j];
    const pa = profiles[i];
    const pb = profiles[j];
    if (!a || !b || !pa || !pb) continue;
    rows.push({
      pair: `${key(a)} – ${key(b)}`,
      similarity: storySimilarity(pa, pb),
      same: label.get(key(a)) === label.get(key(b)),
    });
  }
}
rows.sort((x, y) => y.similarity - x.similarity);
console.log("| pair | similarity | same story |\n|---|---:|---|");
for (const row of rows) console.log(`| ${row.pair} | ${row.similarity.toFixed(3)} | ${row.same ? "yes" : ""} |`);
const within = Math.min(...rows.filter((row) => row.same).map((row) => row.similarity));
const across = Math.max(...rows.filter((row) => !row.same).map((row) => row.similarity));
const threshold = config.stories.threshold;
console.log(
  `\nSame-story pairs: lowest ${within.toFixed(3)}. Different-story pairs: highest ${across.toFixed(3)}. STORY_SIMILARITY=${threshold}: ${
    within >= threshold && across < threshold
      ? `separates them (margins ${(within - threshold).toFixed(3)} above, ${(threshold - across).toFixed(3)} below)`
      : "does NOT separate them"
  }.`,
);
