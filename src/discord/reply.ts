import type { ChatInputCommandInteraction, MessageComponentInteraction } from "discord.js";
import type { Answer } from "../answer/types.js";
import type { BotStore } from "../store/bot-store.js";
import { type MessagePayload, renderAnswer } from "./render.js";

/**
 * Sends a rendered answer on a deferred interaction: the first part replaces the deferred
 * "thinking…" reply, further parts follow up. The answer is stored first so its buttons work.
 */
export async function sendAnswer(
  interaction: ChatInputCommandInteraction | MessageComponentInteraction,
  answer: Answer,
  store: BotStore,
): Promise<void> {
  const answerId = store.saveAnswer(
    { guildId: interaction.guildId, channelId: interaction.channelId, userId: interaction.user.id },
    answer,
  );
  const [first, ...rest] = renderAnswer(answer, { answerId });
  if (first) await interaction.editReply(first);
  for (const message of rest) await interaction.followUp(message);
}

/** Sends rendered messages on a deferred interaction: the first edits the reply, the rest follow up. */
export async function sendRendered(
  interaction: ChatInputCommandInteraction,
  messages: readonly MessagePayload[],
): Promise<void> {
  const [first, ...rest] = messages;
  if (first) await interaction.editReply(first);
  for (const message of rest) await interaction.followUp(message);
}
