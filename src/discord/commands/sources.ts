import { SlashCommandBuilder } from "discord.js";
import type { App } from "../../app.js";
import type { IndexedArticle } from "../../index/records.js";
import { renderSourcesPage } from "../render.js";
import type { Command } from "./types.js";

/** The indexed articles matching an optional query, newest first (undated ones last). */
export async function listArticles(app: App, query: string): Promise<IndexedArticle[]> {
  const index = await app.index();
  let articles = [...index.articles.values()];
  if (query.trim()) {
    const docIds = new Set(
      index.keyword
        .search(query, 200)
        .map((hit) => index.chunk(hit.label)?.metadata.docId)
        .filter(Boolean),
    );
    articles = articles.filter((article) => docIds.has(article.docId));
  }
  return articles.sort(
    (a, b) =>
      (b.published ?? "").localeCompare(a.published ?? "") ||
      b.ingestedAt.localeCompare(a.ingestedAt) ||
      a.title.localeCompare(b.title),
  );
}

/** `/sources [query]`: the indexed articles, newest first, paginated with buttons. */
export const sourcesCommand: Command = {
  data: new SlashCommandBuilder()
    .setName("sources")
    .setDescription("List the indexed articles, newest first.")
    .addStringOption((option) => option.setName("query").setDescription("Only articles about this").setMaxLength(100))
    .toJSON(),
  rateLimited: false,
  async execute(interaction, { app }) {
    await interaction.deferReply();
    const query = interaction.options.getString("query") ?? "";
    await interaction.editReply(renderSourcesPage(await listArticles(app, query), 0, query));
  },
};
