import { MessageFlags, SlashCommandBuilder } from "discord.js";
import { DISCORD_LIMITS, renderNotice, truncate } from "../render.js";
import type { Command } from "./types.js";

/**
 * `/summary topic:<text> | article:<title> | period:<today|week|all>`. The summaries themselves
 * come with the stories feature; until then the command says so plainly. Article autocomplete
 * already works, so the command's shape is final.
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
  async execute(interaction) {
    const given = ["topic", "article", "period"].filter((name) => interaction.options.getString(name) !== null);
    if (given.length !== 1) {
      await interaction.reply({
        ...renderNotice("Give exactly one of `topic`, `article` or `period`, e.g. `/summary topic: peace talks`."),
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    await interaction.reply({
      ...renderNotice("Summaries are not available yet: they arrive with the stories feature. Meanwhile, try `/ask`."),
      flags: MessageFlags.Ephemeral,
    });
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
