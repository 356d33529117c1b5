import { MessageFlags, SlashCommandBuilder } from "discord.js";
import type { PeriodName } from "../../summary/summarize.js";
import { DISCORD_LIMITS, renderNotice, renderSummary, truncate } from "../render.js";
import { sendRendered } from "../reply.js";
import type { Command } from "./types.js";

/**
 * `/summary topic:<text> | article:<title> | period:<today|week|all>`: a cited summary of what
 * the corpus says about a topic, the key points of one article, or the stories of a period.
 */
export const summaryCommand: Command = {
  data: new SlashCommandBuilder()
    .setName("summary")
    .setDescription("Summarise a topic, an article or a period, with citations.")
    .addStringOption((option) =>
      option.setName("topic").setDescription("A topic, e.g. Ukraine peace talks").setMaxLength(200),
    )
    .addStringOption((option) =>
      option.setName("article").setDescription("An article (start typing its title)").setAutocomplete(true),
    )
    .addStringOption((option) =>
      option
        .setName("period")
        .setDescription("A period")
        .addChoices(
          { name: "today", value: "today" },
          { name: "this week", value: "week" },
          { name: "everything", value: "all" },
        ),
    )
    .toJSON(),
  rateLimited: true,
  async execute(interaction, { app }) {
    const given = ["topic", "article", "period"].filter((name) => interaction.options.getString(name) !== null);
    if (given.length !== 1) {
      await interaction.reply({
        ...renderNotice("Give exactly one of `topic`, `article` or `period`, e.g. `/summary topic: peace talks`."),
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    await interaction.deferReply();
    const topic = interaction.options.getString("topic");
    const article = interaction.options.getString("article");
    const period = interaction.options.getString("period") as PeriodName | null;
    const summary = await app.summarize(
      topic !== null ? { topic } : article !== null ? { article } : { period: period ?? "all" },
    );
    await sendRendered(interaction, renderSummary(summary));
  },
  async autocomplete(interaction, { app }) {
    const typed = interaction.options.getFocused().toLowerCase();
    const index = await app.index();
    const choices = [...index.articles.values()]
      .filter((article) => article.title.toLowerCase().includes(typed))
      .slice(0, DISCORD_LIMITS.autocompleteChoices)
      .map((article) => ({ name: truncate(article.title, DISCORD_LIMITS.choiceName), value: article.docId }));
    await interaction.respond(choices);
  },
};
