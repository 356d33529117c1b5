import { MessageFlags, SlashCommandBuilder } from "discord.js";
import { renderHelp } from "../render.js";
import type { Command } from "./types.js";

/** `/help`: what the bot can do, in one screen. */
export const helpCommand: Command = {
  data: new SlashCommandBuilder().setName("help").setDescription("What newsdesk can do and how to use it.").toJSON(),
  rateLimited: false,
  async execute(interaction) {
    await interaction.reply({ ...renderHelp(), flags: MessageFlags.Ephemeral });
  },
};
