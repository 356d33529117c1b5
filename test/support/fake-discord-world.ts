/**
 * The fake Discord's world: users, guilds, channels, messages, threads, interactions and registered commands, and
 * the changes to it that Discord announces over the gateway (MESSAGE_CREATE, THREAD_CREATE, ...). Both the REST
 * routes and the test-facing API change the world only through this class.
 */
import {
  type APIApplicationCommandInteractionDataOption,
  type APIMessage,
  ChannelType,
  GatewayIntentBits,
} from "discord.js";
import {
  BASIC_PERMISSIONS,
  botPermissions,
  channelPayload,
  everyoneRole,
  type FakeChannel,
  type FakeGuild,
  type FakeInteraction,
  type FakeMessage,
  type FakeUser,
  guildCreatePayload,
  isThread,
  memberPayload,
  messagePayload,
  snowflake,
  userPayload,
} from "./fake-discord-model.js";

type Json = Record<string, unknown>;

/** Sends a gateway dispatch; `data` may depend on the session's intents (null withholds the event). */
export type Dispatch = (event: string, data: unknown | ((intents: number) => unknown)) => Promise<void>;

/** A thread the bot created. */
export interface CreatedThread {
  id: string;
  parentId: string;
  /** The message it was started on, or null for a thread made without one. */
  messageId: string | null;
  name: string;
}

/** What a test gets back when it injects an interaction. */
export interface SentInteraction {
  id: string;
  token: string;
  /** Date.now() when the fake dispatched it; Discord's 3 s acknowledgement deadline counts from here. */
  sentAt: number;
}

export interface InteractionTarget {
  guildId: string;
  channelId: string;
  /** The user who acts; created on first use. Default: a fixed test user. */
  userId?: string;
  /** The member's permissions in the channel, exactly (OR in BASIC_PERMISSIONS to add to the basics).
   * Default: BASIC_PERMISSIONS, @everyone's defaults (view, send, threads, embed, attach, history, commands...). */
  memberPermissions?: bigint | string;
}

/** Files of a multipart request, as attachment metadata. */
export interface UploadedFile {
  name: string;
  size: number;
  contentType: string;
}

const DEFAULT_USER_ID = "100000000000000001";
const MENTION = /<@!?(\d{5,25})>/g;

export class FakeWorld {
  readonly users = new Map<string, FakeUser>();
  readonly guilds = new Map<string, FakeGuild>();
  readonly channels = new Map<string, FakeChannel>();
  /** Every message, by id, in creation order. */
  readonly messages = new Map<string, FakeMessage>();
  readonly interactions = new Map<string, FakeInteraction>();
  readonly threads: CreatedThread[] = [];
  readonly commands: { global: Json[] | null; guild: Map<string, Json[]> } = { global: null, guild: new Map() };
  readonly bot: FakeUser;

  constructor(
    readonly applicationId: string,
    botUserId: string,
    private readonly dispatch: Dispatch,
  ) {
    this.bot = { id: botUserId, username: "newsdesk-test-bot", globalName: null, bot: true };
    this.users.set(this.bot.id, this.bot);
    this.user(DEFAULT_USER_ID, "tester");
  }

  /** The user with this id, created (as a human) on first use. */
  user(id: string = DEFAULT_USER_ID, username?: string): FakeUser {
    let user = this.users.get(id);
    if (!user) {
      user = { id, username: username ?? `user${id.slice(-4)}`, globalName: null, bot: false };
      this.users.set(id, user);
    }
    return user;
  }

  guild(id: string): FakeGuild {
    const guild = this.guilds.get(id);
    if (!guild) throw new Error(`FakeDiscord: unknown guild ${id} (add it with addGuild)`);
    return guild;
  }

  channel(id: string): FakeChannel {
    const channel = this.channels.get(id);
    if (!channel) throw new Error(`FakeDiscord: unknown channel ${id} (add it with addChannel)`);
    return channel;
  }

  addGuild(input: { id?: string; name?: string; ownerId?: string }): FakeGuild {
    const id = input.id ?? snowflake();
    if (this.guilds.has(id)) throw new Error(`FakeDiscord: guild ${id} exists already`);
    const owner = this.user(input.ownerId ?? DEFAULT_USER_ID);
    const guild: FakeGuild = {
      id,
      name: input.name ?? "Test Guild",
      ownerId: owner.id,
      joinedAt: new Date().toISOString(),
      channels: [],
    };
    this.guilds.set(id, guild);
    this.addChannel(id, { name: "general" }, false);
    void this.dispatch("GUILD_CREATE", () => guildCreatePayload(guild, this.bot));
    return guild;
  }

  addChannel(
    guildId: string,
    input: { id?: string; name?: string; type?: 0 | 5 | 11 | 12; parentId?: string; botCanSend?: boolean },
    announce = true,
    extra: { messageId?: string; ownerId?: string } = {},
  ): FakeChannel {
    const guild = this.guild(guildId);
    const type = input.type ?? ChannelType.GuildText;
    const threadType = type === ChannelType.PublicThread || type === ChannelType.PrivateThread;
    const parentId = threadType ? (input.parentId ?? guild.channels.find((c) => !isThread(c))?.id ?? null) : null;
    if (threadType && (parentId === null || !this.channels.has(parentId))) {
      throw new Error(`FakeDiscord: a thread needs an existing parent channel (got ${String(input.parentId)})`);
    }
    const parent = parentId === null ? undefined : this.channels.get(parentId);
    const channel: FakeChannel = {
      id: input.id ?? snowflake(),
      guildId,
      name: input.name ?? (threadType ? "thread" : "channel"),
      type,
      parentId,
      botCanSend: input.botCanSend ?? parent?.botCanSend ?? true,
      messageId: extra.messageId ?? null,
      ownerId: extra.ownerId ?? guild.ownerId,
      createdAt: Date.now(),
    };
    if (this.channels.has(channel.id)) throw new Error(`FakeDiscord: channel ${channel.id} exists already`);
    this.channels.set(channel.id, channel);
    guild.channels.push(channel);
    if (announce) {
      const event = threadType ? "THREAD_CREATE" : "CHANNEL_CREATE";
      void this.dispatch(event, (intents: number) =>
        intents & GatewayIntentBits.Guilds
          ? { ...channelPayload(channel, this.bot.id), ...(threadType ? { newly_created: true } : {}) }
          : null,
      );
    }
    return channel;
  }

  /** Creates a thread the bot asked for (REST), and announces it with THREAD_CREATE. */
  createThread(parent: FakeChannel, name: string, type: 11 | 12, message: FakeMessage | null): FakeChannel {
    // A thread started on a message has that message's id, as on Discord.
    const input = { name, type, parentId: parent.id, ...(message ? { id: message.id } : {}) };
    const thread = this.addChannel(parent.guildId, input, true, {
      ownerId: this.bot.id,
      ...(message ? { messageId: message.id } : {}),
    });
    if (message) message.flags |= MESSAGE_FLAG_HAS_THREAD;
    this.threads.push({ id: thread.id, parentId: parent.id, messageId: message?.id ?? null, name });
    return thread;
  }

  readyData(sessionId: string, resumeUrl: string): Json {
    return {
      v: 10,
      user: { ...userPayload(this.bot), verified: true, mfa_enabled: false, email: null },
      guilds: [...this.guilds.keys()].map((id) => ({ id, unavailable: true })),
      session_id: sessionId,
      resume_gateway_url: resumeUrl,
      shard: [0, 1],
      application: { id: this.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      guild_join_requests: [],
    };
  }

  guildCreates(): unknown[] {
    return [...this.guilds.values()].map((guild) => guildCreatePayload(guild, this.bot));
  }

  /** Messages in a channel, oldest first. */
  channelMessages(channelId: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.channelId === channelId);
  }

  messagePayload(message: FakeMessage): APIMessage {
    const payload = messagePayload(message, this.users, this.guilds.get(message.guildId), this.applicationId);
    const interaction = message.interactionId ? this.interactions.get(message.interactionId) : undefined;
    if (interaction) {
      const user = userPayload(this.user(interaction.userId));
      const metadata = { id: interaction.id, type: interaction.type, user };
      Object.assign(payload, {
        interaction_metadata: { ...metadata, authorizing_integration_owners: { "0": interaction.guildId } },
        interaction: { ...metadata, name: interaction.name },
      });
    }
    return payload;
  }

  /** Stores a new message and announces it (MESSAGE_CREATE) unless it is ephemeral. */
  async postMessage(init: {
    channel: FakeChannel;
    authorId: string;
    body: Json;
    files?: UploadedFile[];
    interactionId?: string | null;
    type?: number;
  }): Promise<FakeMessage> {
    const { channel, body } = init;
    const message: FakeMessage = {
      id: snowflake(),
      channelId: channel.id,
      guildId: channel.guildId,
      authorId: init.authorId,
      content: "",
      embeds: [],
      components: [],
      attachments: [],
      flags: 0,
      mentions: [],
      allowed_mentions: null,
      message_reference: null,
      interactionId: init.interactionId ?? null,
      webhookId: init.interactionId ? this.applicationId : null,
      type: init.type ?? (isJson(body.message_reference) ? 19 : 0),
      createdAt: Date.now(),
      editedAt: null,
      deleted: false,
    };
    applyBody(message, body, init.files ?? [], this.channels);
    this.messages.set(message.id, message);
    await this.announce("MESSAGE_CREATE", message);
    return message;
  }

  /** Applies an edit body to a message and announces it (MESSAGE_UPDATE). */
  async editMessage(message: FakeMessage, body: Json, files: UploadedFile[] = [], clearLoading = false): Promise<void> {
    applyBody(message, body, files, this.channels);
    if (clearLoading) message.flags &= ~MESSAGE_FLAG_LOADING;
    message.editedAt = Date.now();
    await this.announce("MESSAGE_UPDATE", message);
  }

  async deleteMessage(message: FakeMessage): Promise<void> {
    message.deleted = true;
    if ((message.flags & MESSAGE_FLAG_EPHEMERAL) !== 0) return;
    await this.dispatch("MESSAGE_DELETE", (intents: number) =>
      intents & GatewayIntentBits.GuildMessages
        ? { id: message.id, channel_id: message.channelId, guild_id: message.guildId }
        : null,
    );
  }

  /** MESSAGE_CREATE / MESSAGE_UPDATE with Discord's intent rules: GuildMessages to get it at all, and without the
   * privileged MessageContent intent, content/embeds/attachments/components stay empty unless the message mentions
   * the bot or is the bot's own. Ephemeral messages are never dispatched. */
  private announce(event: string, message: FakeMessage): Promise<void> {
    if ((message.flags & MESSAGE_FLAG_EPHEMERAL) !== 0) return Promise.resolve();
    return this.dispatch(event, (intents: number) => {
      if ((intents & GatewayIntentBits.GuildMessages) === 0) return null;
      const payload = this.messagePayload(message);
      const seesContent =
        (intents & GatewayIntentBits.MessageContent) !== 0 ||
        message.authorId === this.bot.id ||
        message.mentions.includes(this.bot.id);
      return seesContent ? payload : { ...payload, content: "", embeds: [], attachments: [], components: [] };
    });
  }

  /** Builds and dispatches INTERACTION_CREATE. */
  async sendInteraction(
    target: InteractionTarget,
    type: FakeInteraction["type"],
    name: string,
    data: Json,
    sourceMessage: FakeMessage | null = null,
  ): Promise<SentInteraction> {
    const guild = this.guild(target.guildId);
    const channel = this.channel(target.channelId);
    if (channel.guildId !== guild.id) throw new Error(`FakeDiscord: channel ${channel.id} is not in guild ${guild.id}`);
    const user = this.user(target.userId);
    const permissions = BigInt(target.memberPermissions ?? BASIC_PERMISSIONS).toString();
    const interaction: FakeInteraction = {
      id: snowflake(),
      token: `aW50ZXJhY3Rpb246${snowflake()}${Math.random().toString(36).slice(2)}`,
      type,
      name,
      guildId: guild.id,
      channelId: channel.id,
      userId: user.id,
      sentAt: Date.now(),
      callbackType: null,
      acknowledgedAt: null,
      originalMessageId: null,
      sourceMessageId: sourceMessage?.id ?? null,
    };
    this.interactions.set(interaction.id, interaction);
    const payload: Json = {
      id: interaction.id,
      application_id: this.applicationId,
      type,
      token: interaction.token,
      version: 1,
      guild_id: guild.id,
      guild: { id: guild.id, locale: "en-US", features: [] },
      channel_id: channel.id,
      channel: { ...channelPayload(channel, this.bot.id), permissions },
      member: { ...memberPayload(guild, user), permissions },
      app_permissions: botPermissions(channel).toString(),
      locale: "en-US",
      guild_locale: "en-US",
      entitlements: [],
      authorizing_integration_owners: { "0": guild.id },
      context: 0,
      attachment_size_limit: 10 * 1024 * 1024,
      data,
      ...(sourceMessage ? { message: this.messagePayload(sourceMessage) } : {}),
    };
    await this.dispatch("INTERACTION_CREATE", payload);
    return { id: interaction.id, token: interaction.token, sentAt: interaction.sentAt };
  }

  /** The `data` of a chat-input command or autocomplete interaction. */
  commandData(guildId: string, name: string, options: APIApplicationCommandInteractionDataOption[] | undefined): Json {
    const registered = [...(this.commands.guild.get(guildId) ?? []), ...(this.commands.global ?? [])].find(
      (c) => c.name === name && (c.type ?? 1) === 1,
    );
    const fromGuild = this.commands.guild.get(guildId)?.includes(registered as Json) ?? false;
    const resolved = this.resolveOptions(guildId, options ?? []);
    return {
      id: typeof registered?.id === "string" ? registered.id : snowflake(),
      name,
      type: 1,
      ...(fromGuild ? { guild_id: guildId } : {}),
      ...(options && options.length > 0 ? { options } : {}),
      ...(resolved ? { resolved } : {}),
    };
  }

  /**
   * `data.resolved` as Discord fills it for user (6), channel (7), role (8) and mentionable (9) options, so that
   * discord.js's options.getUser/getMember/getChannel/getRole work. Channels must exist; users are made on use.
   */
  private resolveOptions(guildId: string, options: readonly unknown[]): Json | null {
    const guild = this.guild(guildId);
    const users: Json = {};
    const members: Json = {};
    const channels: Json = {};
    const roles: Json = {};
    const addUser = (id: string) => {
      const user = this.user(id);
      users[id] = userPayload(user);
      const { user: _user, ...member } = memberPayload(guild, user);
      members[id] = { ...member, permissions: BASIC_PERMISSIONS.toString() };
    };
    const visit = (list: readonly unknown[]) => {
      for (const item of list) {
        if (!isJson(item)) continue;
        if (Array.isArray(item.options)) visit(item.options);
        const value = String(item.value);
        if (item.type === 6) addUser(value);
        else if (item.type === 8 || (item.type === 9 && value === guild.id)) roles[value] = everyoneRole(guild);
        else if (item.type === 9) addUser(value);
        else if (item.type === 7) {
          const channel = this.channel(value);
          const { id, name, type, parent_id, thread_metadata } = channelPayload(
            channel,
            this.bot.id,
          ) as unknown as Json;
          channels[value] = {
            id,
            name,
            type,
            permissions: BASIC_PERMISSIONS.toString(),
            ...(parent_id ? { parent_id } : {}),
            ...(thread_metadata ? { thread_metadata } : {}),
          };
        }
      }
    };
    visit(options);
    const parts = Object.entries({ users, members, channels, roles }).filter(([, v]) => Object.keys(v).length > 0);
    return parts.length > 0 ? Object.fromEntries(parts) : null;
  }
}

export const MESSAGE_FLAG_HAS_THREAD = 1 << 5;
export const MESSAGE_FLAG_EPHEMERAL = 1 << 6;
export const MESSAGE_FLAG_LOADING = 1 << 7;

function isJson(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Copies the message fields present in a create/edit body onto a message. */
function applyBody(
  message: FakeMessage,
  body: Json,
  files: UploadedFile[],
  channels: ReadonlyMap<string, FakeChannel>,
): void {
  if (typeof body.content === "string") message.content = body.content;
  else if (body.content === null) message.content = "";
  if (Array.isArray(body.embeds)) message.embeds = body.embeds;
  if (Array.isArray(body.components)) message.components = body.components;
  if (typeof body.flags === "number") message.flags = (message.flags & MESSAGE_FLAG_LOADING) | body.flags;
  if ("allowed_mentions" in body) message.allowed_mentions = body.allowed_mentions;
  if (isJson(body.message_reference)) {
    const ref = body.message_reference;
    const channelId = typeof ref.channel_id === "string" ? ref.channel_id : message.channelId;
    message.message_reference = {
      ...(typeof ref.message_id === "string" ? { message_id: ref.message_id } : {}),
      channel_id: channelId,
      guild_id: channels.get(channelId)?.guildId ?? message.guildId,
    };
  }
  if (Array.isArray(body.attachments) || files.length > 0) {
    message.attachments = files.map((file) => {
      const id = snowflake();
      const url = `https://cdn.discordapp.com/attachments/${message.channelId}/${id}/${encodeURIComponent(file.name)}`;
      return { id, filename: file.name, size: file.size, content_type: file.contentType, url, proxy_url: url };
    });
  }
  message.mentions = mentionedUsers(message.content, message.allowed_mentions);
}

/** User ids mentioned in content, as Discord fills `mentions` (honouring allowed_mentions). */
function mentionedUsers(content: string, allowed: unknown): string[] {
  const ids = [...new Set([...content.matchAll(MENTION)].map((m) => m[1] ?? ""))].filter(Boolean);
  if (!isJson(allowed)) return ids;
  const parse = Array.isArray(allowed.parse) ? allowed.parse : [];
  const users = Array.isArray(allowed.users) ? allowed.users.map(String) : [];
  return ids.filter((id) => parse.includes("users") || users.includes(id));
}
