/**
 * The fake Discord's state (users, guilds, channels, messages, interactions) and the JSON payloads built from it,
 * typed against discord-api-types so that they carry every field discord.js reads.
 */
import {
  type APIGuild,
  type APIGuildMember,
  type APIMessage,
  type APIRole,
  type APITextChannel,
  type APIThreadChannel,
  type APIUser,
  type ChannelFlags,
  ChannelType,
  type GatewayGuildCreateDispatchData,
  type GuildMemberFlags,
  type GuildSystemChannelFlags,
  type GuildTextChannelType,
  PermissionFlagsBits,
  type RoleFlags,
  type UserFlags,
} from "discord.js";

/** Discord's epoch (2015-01-01) in Unix milliseconds. */
const DISCORD_EPOCH = 1420070400000n;
let snowflakeCounter = 0n;
let lastSnowflake = 0n;

/** A fresh, numeric, strictly increasing snowflake id (timestamp << 22 | counter), as Discord makes them. */
export function snowflake(): string {
  snowflakeCounter = (snowflakeCounter + 1n) & 0xfffn;
  let id = ((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | snowflakeCounter;
  if (id <= lastSnowflake) id = lastSnowflake + 1n;
  lastSnowflake = id;
  return id.toString();
}

/** What every member may do in a fresh guild (@everyone's defaults), and what the bot may do. */
export const BASIC_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.CreateInstantInvite |
  PermissionFlagsBits.ChangeNickname |
  PermissionFlagsBits.Connect |
  PermissionFlagsBits.Speak;

const SEND_PERMISSIONS = PermissionFlagsBits.SendMessages | PermissionFlagsBits.SendMessagesInThreads;

export interface FakeUser {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

/** A text channel or a thread in a fake guild. */
export interface FakeChannel {
  id: string;
  guildId: string;
  name: string;
  /** 0 text, 5 announcement, 11 public thread, 12 private thread. */
  type: 0 | 5 | 11 | 12;
  /** The text channel a thread belongs to; null for text channels. */
  parentId: string | null;
  /** False: the bot lacks Send Messages here (REST answers 403 50013, and the channel denies it to the bot). */
  botCanSend: boolean;
  /** For a thread started on a message: that message's id (which is also the thread's id, as on Discord). */
  messageId: string | null;
  ownerId: string;
  createdAt: number;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  joinedAt: string;
  /** Its channels and threads, in creation order (the first is #general, made by addGuild). */
  channels: FakeChannel[];
}

/** A message in a fake channel, posted by a user (injected) or by the bot. */
export interface FakeMessage {
  id: string;
  channelId: string;
  guildId: string;
  authorId: string;
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: unknown[];
  flags: number;
  /** Users mentioned (ids). */
  mentions: string[];
  allowed_mentions: unknown;
  message_reference: { message_id?: string; channel_id?: string; guild_id?: string } | null;
  /** The interaction this message answers (original response or follow-up), if any. */
  interactionId: string | null;
  webhookId: string | null;
  /** Message type: 0 default, 19 reply, 20 chat-input command response. */
  type: number;
  createdAt: number;
  editedAt: number | null;
  deleted: boolean;
}

/** An interaction the fake sent, and how the bot answered it. */
export interface FakeInteraction {
  id: string;
  token: string;
  /** 2 application command, 3 message component, 4 autocomplete, 5 modal submit. */
  type: 2 | 3 | 4 | 5;
  name: string;
  guildId: string;
  channelId: string;
  userId: string;
  sentAt: number;
  /** The callback type the bot answered with, once it did. */
  callbackType: number | null;
  acknowledgedAt: number | null;
  /** The message that `@original` refers to, once there is one. */
  originalMessageId: string | null;
  /** For component interactions: the message whose component was used. */
  sourceMessageId: string | null;
}

export function isThread(channel: FakeChannel): boolean {
  return channel.type === ChannelType.PublicThread || channel.type === ChannelType.PrivateThread;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function userPayload(user: FakeUser): APIUser {
  return {
    id: user.id,
    username: user.username,
    discriminator: "0",
    global_name: user.globalName,
    avatar: null,
    bot: user.bot,
    public_flags: 0 as UserFlags,
    flags: 0 as UserFlags,
  };
}

export function memberPayload(guild: FakeGuild, user: FakeUser): APIGuildMember {
  return {
    user: userPayload(user),
    nick: null,
    avatar: null,
    banner: null,
    roles: [],
    joined_at: guild.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

export function everyoneRole(guild: FakeGuild): APIRole {
  return {
    id: guild.id,
    name: "@everyone",
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: 0,
    permissions: BASIC_PERMISSIONS.toString(),
    managed: false,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}

/** The bot's permissions in a channel (what Discord sends as `app_permissions`). */
export function botPermissions(channel: FakeChannel): bigint {
  return channel.botCanSend ? BASIC_PERMISSIONS : BASIC_PERMISSIONS & ~SEND_PERMISSIONS;
}

export function channelPayload(channel: FakeChannel, botUserId: string): APITextChannel | APIThreadChannel {
  if (isThread(channel)) {
    return {
      id: channel.id,
      type: channel.type as ChannelType.PublicThread | ChannelType.PrivateThread,
      guild_id: channel.guildId,
      parent_id: channel.parentId ?? "",
      owner_id: channel.ownerId,
      name: channel.name,
      last_message_id: null,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      rate_limit_per_user: 0,
      flags: 0 as ChannelFlags,
      applied_tags: [],
      thread_metadata: {
        archived: false,
        auto_archive_duration: 1440,
        archive_timestamp: iso(channel.createdAt),
        locked: false,
        create_timestamp: iso(channel.createdAt),
      },
    } satisfies APIThreadChannel;
  }
  const denied = channel.botCanSend ? [] : [{ id: botUserId, type: 1, allow: "0", deny: SEND_PERMISSIONS.toString() }];
  return {
    id: channel.id,
    type: channel.type as GuildTextChannelType as ChannelType.GuildText,
    guild_id: channel.guildId,
    name: channel.name,
    position: 0,
    parent_id: null,
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    default_auto_archive_duration: 1440,
    default_thread_rate_limit_per_user: 0,
    last_pin_timestamp: null,
    flags: 0 as ChannelFlags,
    permission_overwrites: denied as NonNullable<APITextChannel["permission_overwrites"]>,
  } satisfies APITextChannel;
}

export function guildPayload(guild: FakeGuild): APIGuild {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [everyoneRole(guild)],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: guild.channels[0]?.id ?? null,
    system_channel_flags: 0 as GuildSystemChannelFlags,
    rules_channel_id: null,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: "en-US" as APIGuild["preferred_locale"],
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    max_members: 500000,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
  };
}

/** GUILD_CREATE: the guild with its channels, active threads, @everyone, and the bot's own member. */
export function guildCreatePayload(guild: FakeGuild, bot: FakeUser): GatewayGuildCreateDispatchData {
  const channels = guild.channels.map((c) => channelPayload(c, bot.id));
  return {
    ...guildPayload(guild),
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    member_count: 2,
    voice_states: [],
    members: [memberPayload(guild, bot)],
    channels: channels.filter((c) => c.type === ChannelType.GuildText) as GatewayGuildCreateDispatchData["channels"],
    threads: channels.filter((c) => c.type !== ChannelType.GuildText) as GatewayGuildCreateDispatchData["threads"],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** A message as Discord returns it (REST) or dispatches it (gateway). */
export function messagePayload(
  message: FakeMessage,
  users: ReadonlyMap<string, FakeUser>,
  guild: FakeGuild | undefined,
  applicationId: string,
): APIMessage {
  const user = (id: string): FakeUser => users.get(id) ?? { id, username: `user${id}`, globalName: null, bot: false };
  const partialMember = (u: FakeUser) => {
    if (!guild) return {};
    const { user: _user, ...member } = memberPayload(guild, u);
    return { member };
  };
  const author = user(message.authorId);
  const payload: APIMessage & Record<string, unknown> = {
    id: message.id,
    channel_id: message.channelId,
    guild_id: message.guildId,
    author: userPayload(author),
    content: message.content,
    timestamp: iso(message.createdAt),
    edited_timestamp: message.editedAt === null ? null : iso(message.editedAt),
    tts: false,
    mention_everyone: false,
    mentions: message.mentions.map((id) => ({ ...userPayload(user(id)), ...partialMember(user(id)) })),
    mention_roles: [],
    attachments: message.attachments as APIMessage["attachments"],
    embeds: message.embeds as APIMessage["embeds"],
    components: message.components as NonNullable<APIMessage["components"]>,
    pinned: false,
    type: message.type,
    flags: message.flags,
  };
  if (!author.bot) Object.assign(payload, partialMember(author));
  if (message.message_reference) {
    payload.message_reference = { type: 0, guild_id: message.guildId, ...message.message_reference } as NonNullable<
      APIMessage["message_reference"]
    >;
  }
  if (message.webhookId) {
    payload.webhook_id = message.webhookId;
    payload.application_id = applicationId;
  }
  return payload;
}
