import { ChannelType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder } from "discord.js";
import { nextSlot } from "../../digest/schedule.js";
import { renderDigest, renderNotice } from "../render.js";
import { sendRendered } from "../reply.js";
import type { Command } from "./types.js";

/** True for an IANA zone name Intl knows (e.g. Europe/Berlin, America/New_York, UTC). */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/**
 * `/digest now | setup channel time timezone | off`: the server's daily digest. Setup and off
 * need Manage Server; the schedule is stored per server. `now` shows what the next digest would
 * hold, in the channel where it is asked.
 */
export const digestCommand: Command = {
  data: new SlashCommandBuilder()
    .setName("digest")
    .setDescription("The daily news digest for this server.")
    .setDMPermission(false)
    .addSubcommand((sub) => sub.setName("now").setDescription("Post a digest of the latest stories now."))
    .addSubcommand((sub) =>
      sub
        .setName("setup")
        .setDescription("Post a digest every day (needs Manage Server).")
        .addChannelOption((option) =>
          option
            .setName("channel")
            .setDescription("Where to post it")
            .setRequired(true)
            .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
        )
        .addStringOption((option) =>
          option.setName("time").setDescription("Time of day, HH:MM (24 h)").setRequired(true),
        )
        .addStringOption((option) =>
          option.setName("timezone").setDescription("IANA timezone, e.g. Europe/Berlin").setRequired(true),
        ),
    )
    .addSubcommand((sub) => sub.setName("off").setDescription("Stop the daily digest (needs Manage Server)."))
    .toJSON(),
  rateLimited: true,
  async execute(interaction, { app, store }) {
    const ephemeral = (text: string) => interaction.reply({ ...renderNotice(text), flags: MessageFlags.Ephemeral });
    const guildId = interaction.guildId;
    if (!guildId) {
      await ephemeral("Digests are set up per server: use this command in a server channel.");
      return;
    }
    const sub = interaction.options.getSubcommand();
    if (sub === "now") {
      // A preview of what the next digest would hold, shown only to the asker; it does not count
      // as the day's digest (and, being rate-limited, cannot flood a channel or a model).
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const now = app.now();
      const since = store.lastDigestWindowEnd(guildId) ?? new Date(now.getTime() - 86_400_000);
      await sendRendered(interaction, renderDigest(await app.digest({ since, now })));
      return;
    }
    if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
      await ephemeral("You need the Manage Server permission to change this server's digest.");
      return;
    }
    if (sub === "off") {
      const changed = store.disableDigest(guildId);
      await ephemeral(changed ? "The daily digest is off." : "There was no daily digest to turn off.");
      return;
    }
    const channel = interaction.options.getChannel("channel", true);
    const time = interaction.options.getString("time", true).trim();
    const timezone = interaction.options.getString("timezone", true).trim();
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
      await ephemeral(`"${time}" is not a time of day: use HH:MM in 24-hour time, e.g. 08:30.`);
      return;
    }
    if (!isValidTimeZone(timezone)) {
      await ephemeral(
        `"${timezone}" is not a timezone I know: use an IANA name such as Europe/Berlin or America/New_York.`,
      );
      return;
    }
    store.setDigestSchedule({ guildId, channelId: channel.id, time, timezone });
    const next = nextSlot({ time, timezone }, app.now());
    const when = next ? ` The next one: <t:${Math.floor(next.at.getTime() / 1000)}:F>.` : "";
    await ephemeral(`The daily digest will be posted in <#${channel.id}> at ${time} (${timezone}).${when}`);
  },
};
