import { SlashCommandBuilder } from "discord.js";
import { MAX_QUESTION_LENGTH } from "../../answer/ask.js";
import { partialEditor, sendAnswer } from "../reply.js";
import type { Command } from "./types.js";

/** `/ask question:<text>`: a cited answer from the indexed articles. */
export const askCommand: Command = {
  data: new SlashCommandBuilder()
    .setName("ask")
    .setDescription("Ask a question about the news articles; the answer cites its sources.")
    .addStringOption((option) =>
      option.setName("question").setDescription("Your question").setRequired(true).setMaxLength(MAX_QUESTION_LENGTH),
    )
    .toJSON(),
  rateLimited: true,
  async execute(interaction, { app, store }) {
    // Acknowledge first: Discord drops interactions not acknowledged within 3 seconds, and the
    // index may still be loading or another answer computing.
    await interaction.deferReply();
    // With a model, the reply shows the text as it is written (about once a second).
    const editor = app.writer ? partialEditor(interaction) : null;
    try {
      const answer = await app.ask(interaction.options.getString("question", true), {
        ...(editor ? { onPartial: editor.push } : {}),
      });
      await editor?.finish();
      await sendAnswer(interaction, answer, store);
    } finally {
      await editor?.finish();
    }
  },
};
