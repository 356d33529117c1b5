import { setTimeout as sleep } from "node:timers/promises";
import {
  AttachmentBuilder,
  type ChatInputCommandInteraction,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Interaction,
  type Message,
  type TextChannel,
  type ThreadChannel,
} from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeDiscord } from "./fake-discord.js";
import { checkMessage, FormErrorCollector } from "./fake-discord-limits.js";

let discord: FakeDiscord;
let client: Client;
let guildId: string;
let channelId: string;
const clientErrors: Error[] = [];

/** Runs `handler` on the next interaction the client receives and resolves with its result. */
function onNextInteraction<T>(handler: (interaction: Interaction) => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    client.once(Events.InteractionCreate, (interaction) => {
      handler(interaction).then(resolve, reject);
    });
  });
}

function asCommand(interaction: Interaction): ChatInputCommandInteraction {
  if (!interaction.isChatInputCommand()) throw new Error(`expected a slash command, got type ${interaction.type}`);
  return interaction;
}

/** What a rejected promise rejected with (or null when it resolved). */
function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

function nextMessage(predicate: (message: Message) => boolean): Promise<Message> {
  return new Promise((resolve) => {
    const listener = (message: Message) => {
      if (!predicate(message)) return;
      client.off(Events.MessageCreate, listener);
      resolve(message);
    };
    client.on(Events.MessageCreate, listener);
  });
}

beforeAll(async () => {
  discord = await FakeDiscord.start();
  const guild = discord.addGuild({ name: "Newsroom" });
  guildId = guild.id;
  channelId = guild.channels[0]!.id;
  client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    rest: { api: discord.apiBase },
  });
  client.on(Events.Error, (error) => clientErrors.push(error));
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(discord.token);
  await ready;
});

afterAll(async () => {
  // The client first: a fake that goes away under a live client makes it reconnect forever.
  await client?.destroy();
  await discord?.close();
});

describe("FakeDiscord with the real discord.js client", () => {
  it("logs in: READY, the guild and its channel cached, one authorised GET /gateway/bot", () => {
    expect(client.isReady()).toBe(true);
    expect(client.user?.id).toBe(discord.botUserId);
    expect(client.guilds.cache.get(guildId)?.name).toBe("Newsroom");
    expect(client.channels.cache.get(channelId)?.isTextBased()).toBe(true);
    expect(discord.connected).toBe(true);
    expect(discord.identifyCount).toBe(1);
    const gatewayCall = discord.calls.find((call) => call.path === "/gateway/bot");
    expect(gatewayCall).toMatchObject({ method: "GET", auth: true, status: 200 });
    expect(JSON.stringify(discord.calls)).not.toContain(discord.token);
  });

  it("delivers a slash command; deferReply then editReply arrive in order, with the ack latency measured", async () => {
    const handled = onNextInteraction(async (interaction) => {
      const command = asCommand(interaction);
      expect(command.commandName).toBe("ask");
      expect(command.options.getString("question")).toBe("What happened in Lisbon?");
      expect(command.guildId).toBe(guildId);
      // Channel and user options come with data.resolved, as on Discord.
      expect(command.options.getChannel("where", true).id).toBe(channelId);
      expect(command.options.getUser("about", true).id).toBe("100000000000000042");
      await command.deferReply();
      await command.editReply({ content: "Answer [1]", embeds: [{ description: "[1] Lisbon Times" }] });
    });
    const sent = await discord.sendSlashCommand({
      guildId,
      channelId,
      name: "ask",
      options: [
        { name: "question", type: 3, value: "What happened in Lisbon?" },
        { name: "where", type: 7, value: channelId },
        { name: "about", type: 6, value: "100000000000000042" },
      ],
    });
    await handled;

    const responses = discord.interactionResponses(sent.id);
    expect(responses.map((r) => r.kind)).toEqual(["callback", "edit"]);
    const [callback, edit] = responses;
    expect(callback).toMatchObject({ body: { type: 5 }, status: 204, auth: false });
    expect(edit).toMatchObject({ method: "PATCH", status: 200, auth: false });
    expect(edit?.path).toBe(`/webhooks/${discord.applicationId}/${sent.token}/messages/@original`);
    expect(callback!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(callback!.latencyMs).toBeLessThan(3000);
    expect(edit!.at).toBeGreaterThanOrEqual(callback!.at);

    const posted = discord.messages(channelId).at(-1);
    expect(posted).toMatchObject({ content: "Answer [1]", interactionId: sent.id, flags: 0 });
    expect(posted?.embeds).toEqual([{ description: "[1] Lisbon Times" }]);
  });

  it("rejects bodies over Discord's limits with DiscordAPIError 50035, as Discord does", async () => {
    const handled = onNextInteraction(async (interaction) => {
      const command = asCommand(interaction);
      const tooLongEmbed = await rejection(command.reply({ embeds: [{ description: "d".repeat(4097) }] }));
      await command.deferReply();
      const tooLongContent = await rejection(command.editReply("x".repeat(2001)));
      return { tooLongEmbed, tooLongContent };
    });
    await discord.sendSlashCommand({ guildId, channelId, name: "ask" });
    const { tooLongEmbed, tooLongContent } = await handled;

    expect(tooLongContent).toBeInstanceOf(DiscordAPIError);
    expect(tooLongContent).toMatchObject({ code: 50035, status: 400 });
    expect((tooLongContent as DiscordAPIError).rawError).toEqual({
      code: 50035,
      message: "Invalid Form Body",
      errors: { content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 2000 or fewer in length." }] } },
    });
    expect(tooLongEmbed).toMatchObject({ code: 50035 });
    expect((tooLongEmbed as DiscordAPIError).rawError).toMatchObject({
      errors: { data: { embeds: { "0": { description: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } } } },
    });
  });

  it("answers a second callback with 40060", async () => {
    const handled = onNextInteraction(async (interaction) => asCommand(interaction).reply("first"));
    const sent = await discord.sendSlashCommand({ guildId, channelId, name: "ask" });
    await handled;
    // discord.js refuses a second reply itself, so send it the way a buggy bot would reach Discord.
    const response = await fetch(`${discord.apiBase}/v10/interactions/${sent.id}/${sent.token}/callback`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: 4, data: { content: "second" } }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ code: 40060, message: "Interaction has already been acknowledged." });
  });

  it("answers a callback sent more than 3 s after the interaction with 10062 Unknown interaction", async () => {
    const handled = onNextInteraction(async (interaction) => {
      await sleep(3100);
      return rejection(asCommand(interaction).deferReply());
    });
    const sent = await discord.sendSlashCommand({ guildId, channelId, name: "ask" });
    const error = await handled;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ code: 10062, status: 404 });
    const [callback] = discord.interactionResponses(sent.id);
    expect(callback?.latencyMs).toBeGreaterThan(3000);
  });

  it("delivers a mention as messageCreate with the bot in mentions, and withholds content otherwise", async () => {
    const mention = nextMessage((m) => m.content.includes("what's new?"));
    const id = await discord.sendMessage({ guildId, channelId, content: "what's new?", mentionBot: true });
    const message = await mention;
    expect(message.id).toBe(id);
    expect(message.author.bot).toBe(false);
    expect(message.mentions.users.has(discord.botUserId)).toBe(true);
    expect(message.content).toBe(`<@${discord.botUserId}> what's new?`);

    // Without the privileged MessageContent intent Discord sends other messages with empty content.
    const plain = nextMessage((m) => m.author.id !== client.user?.id && m.content === "");
    const plainId = await discord.sendMessage({ guildId, channelId, content: "chatter" });
    expect((await plain).id).toBe(plainId);
  });

  it("creates a thread on message.startThread, announced by THREAD_CREATE, and posts in it", async () => {
    const received = nextMessage((m) => m.content.includes("start a thread"));
    await discord.sendMessage({ guildId, channelId, content: "start a thread", mentionBot: true });
    const message = await received;

    const threadCreate = new Promise<{ thread: ThreadChannel; newlyCreated: boolean }>((resolve) =>
      client.once(Events.ThreadCreate, (thread, newlyCreated) => resolve({ thread, newlyCreated })),
    );
    const thread = await message.startThread({ name: "Answer: start a thread" });
    const announced = await threadCreate;
    expect(thread.id).toBe(message.id);
    expect(announced.thread.id).toBe(thread.id);
    expect(announced.newlyCreated).toBe(true);
    expect(announced.thread.parentId).toBe(channelId);
    expect(discord.threads).toContainEqual({
      id: thread.id,
      parentId: channelId,
      messageId: message.id,
      name: "Answer: start a thread",
    });

    await thread.send({ content: "Here is what I found.", allowedMentions: { parse: [] } });
    expect(discord.messages(thread.id)).toMatchObject([
      { content: "Here is what I found.", allowed_mentions: { parse: [] } },
    ]);
    const inThread = nextMessage((m) => m.channelId === thread.id && m.author.id !== client.user?.id);
    await discord.sendMessage({ channelId: thread.id, content: "thanks", mentionBot: true });
    expect((await inThread).channel.isThread()).toBe(true);
  });

  it("resumes after a resumable drop, replaying what was sent meanwhile, and still delivers interactions", async () => {
    const resumed = new Promise<number>((resolve) =>
      client.once(Events.ShardResume, (_id, replayed) => resolve(replayed)),
    );
    discord.dropConnection({ resumable: true });
    expect(discord.connected).toBe(false);

    const answeredAway = onNextInteraction(async (interaction) => asCommand(interaction).reply("while away"));
    const away = await discord.sendSlashCommand({ guildId, channelId, name: "ask" });
    expect(await resumed).toBeGreaterThanOrEqual(1);
    await answeredAway;
    expect(discord.resumeCount).toBe(1);
    expect(discord.identifyCount).toBe(1);
    expect(discord.connected).toBe(true);
    expect(discord.interactionResponses(away.id)[0]?.status).toBe(204);

    const answered = onNextInteraction(async (interaction) => asCommand(interaction).reply("after resume"));
    const after = await discord.sendSlashCommand({ guildId, channelId, name: "ask" });
    await answered;
    expect(discord.interactionResponses(after.id)).toMatchObject([{ kind: "callback", status: 204 }]);
  });

  it("re-identifies after a drop that is not resumable", async () => {
    discord.dropConnection({ resumable: false });
    expect(discord.connected).toBe(false);
    // discord.js waits for its identify throttle (5 s after the previous IDENTIFY) before identifying again.
    await discord.waitUntilConnected({ timeoutMs: 8000 });
    expect(discord.identifyCount).toBe(2);
    expect(discord.resumeCount).toBe(1);

    const answered = onNextInteraction(async (interaction) => asCommand(interaction).reply("new session"));
    const sent = await discord.sendSlashCommand({ guildId, channelId, name: "ask" });
    await answered;
    expect(discord.interactionResponses(sent.id)[0]?.status).toBe(204);
  });

  it("delivers a button click as an isButton() interaction carrying its message", async () => {
    const channel = client.channels.cache.get(channelId) as TextChannel;
    const posted = await channel.send({
      content: "Sources",
      components: [{ type: 1, components: [{ type: 2, style: 1, label: "More", custom_id: "more:1" }] }],
    });
    const handled = onNextInteraction(async (interaction) => {
      if (!interaction.isButton()) throw new Error("expected a button interaction");
      expect(interaction.customId).toBe("more:1");
      expect(interaction.message.id).toBe(posted.id);
      await interaction.update({ content: "More sources", components: [] });
    });
    const sent = await discord.clickButton({ guildId, channelId, customId: "more:1", messageId: posted.id });
    await handled;
    await expect(discord.clickButton({ guildId, channelId, customId: "more:1", messageId: "1" })).rejects.toThrow(
      /no message 1/,
    );
    expect(discord.interactionResponses(sent.id)).toMatchObject([{ kind: "callback", body: { type: 7 }, status: 204 }]);
    expect(discord.messages(channelId).find((m) => m.id === posted.id)).toMatchObject({
      content: "More sources",
      components: [],
    });

    // Without messageId the click lands on the newest message carrying that custom_id.
    const second = await channel.send({
      content: "Page 1",
      components: [{ type: 1, components: [{ type: 2, style: 2, label: "Next", custom_id: "page:2" }] }],
    });
    const clicked = onNextInteraction(async (interaction) => {
      if (!interaction.isButton()) throw new Error("expected a button interaction");
      await interaction.deferUpdate();
      return interaction.message.id;
    });
    await discord.clickButton({ guildId, channelId, customId: "page:2" });
    expect(await clicked).toBe(second.id);
  });

  it("delivers autocomplete and records respond(); more than 25 choices is a 50035", async () => {
    const handled = onNextInteraction(async (interaction) => {
      if (!interaction.isAutocomplete()) throw new Error("expected autocomplete");
      expect(interaction.commandName).toBe("ask");
      expect(interaction.options.getFocused(true)).toMatchObject({ name: "topic", value: "elec" });
      const tooMany = Array.from({ length: 26 }, (_, i) => ({ name: `topic ${i}`, value: `t${i}` }));
      const error = await rejection(interaction.respond(tooMany));
      await interaction.respond([{ name: "elections", value: "elections" }]);
      return error;
    });
    const sent = await discord.sendAutocomplete({
      guildId,
      channelId,
      name: "ask",
      focused: { name: "topic", value: "elec" },
    });
    const error = await handled;
    expect(error).toMatchObject({ code: 50035 });
    const responses = discord.interactionResponses(sent.id);
    expect(responses.map((r) => r.status)).toEqual([400, 204]);
    expect(responses[1]?.body).toEqual({ type: 8, data: { choices: [{ name: "elections", value: "elections" }] } });
  });

  it("registers commands, refuses invalid ones, answers 403 50013 and 404 like Discord", async () => {
    const commands = [{ name: "ask", description: "Ask about the news" }];
    await client.application!.commands.set(commands);
    await client.application!.commands.set(commands, guildId);
    expect(discord.registeredCommands.global).toMatchObject([{ name: "ask", type: 1 }]);
    expect(discord.registeredCommands.guild.get(guildId)).toMatchObject([{ name: "ask", guild_id: guildId }]);
    const invalid = await rejection(client.application!.commands.set([{ name: "Ask", description: "x" }]));
    expect(invalid).toMatchObject({ code: 50035 });

    const readOnlyId = discord.addChannel(guildId, { name: "announcements", botCanSend: false });
    await sleep(50); // CHANNEL_CREATE reaches the client
    const readOnly = client.channels.cache.get(readOnlyId) as TextChannel;
    expect(readOnly.permissionsFor(client.user!)?.has("SendMessages")).toBe(false);
    expect(await rejection(readOnly.send("hello"))).toMatchObject({ code: 50013, status: 403 });

    const unknown = await rejection(client.rest.get("/no/such/route"));
    expect(unknown).toMatchObject({ code: 0, status: 404 });
    expect(discord.calls.at(-1)).toMatchObject({ method: "GET", path: "/no/such/route", status: 404 });
  });

  it("accepts multipart bodies (files): payload_json is parsed and the files become attachments", async () => {
    const channel = client.channels.cache.get(channelId) as TextChannel;
    const sent = await channel.send({
      content: "Sources attached",
      files: [new AttachmentBuilder(Buffer.from("[1] Lisbon Times"), { name: "sources.txt" })],
    });
    expect(sent.attachments.first()?.name).toBe("sources.txt");
    expect(discord.calls.at(-1)).toMatchObject({
      method: "POST",
      body: { content: "Sources attached" },
      files: [{ name: "sources.txt", size: 16 }],
      status: 200,
    });
  });

  it("answers 401 only to a missing or wrong Authorization", async () => {
    const url = `${discord.apiBase}/v10/users/@me`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: "Bot wrong" } })).status).toBe(401);
    const good = await fetch(url, { headers: { authorization: `Bot ${discord.token}` } });
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ id: discord.botUserId, bot: true });
  });

  it("saw no client errors", () => {
    expect(clientErrors).toEqual([]);
  });
});

describe("Discord's message limits", () => {
  const row = (buttons: number, label = "ok") => ({
    type: 1,
    components: Array.from({ length: buttons }, (_, i) => ({ type: 2, style: 1, label, custom_id: `b${i}` })),
  });
  const cases: [string, Record<string, unknown>, string][] = [
    ["content over 2000", { content: "x".repeat(2001) }, "content"],
    ["11 embeds", { embeds: Array.from({ length: 11 }, () => ({ description: "d" })) }, "embeds"],
    ["title over 256", { embeds: [{ title: "t".repeat(257) }] }, "embeds.0.title"],
    ["description over 4096", { embeds: [{ description: "d".repeat(4097) }] }, "embeds.0.description"],
    [
      "26 fields",
      { embeds: [{ fields: Array.from({ length: 26 }, () => ({ name: "n", value: "v" })) }] },
      "embeds.0.fields",
    ],
    [
      "field name over 256",
      { embeds: [{ fields: [{ name: "n".repeat(257), value: "v" }] }] },
      "embeds.0.fields.0.name",
    ],
    [
      "field value over 1024",
      { embeds: [{ fields: [{ name: "n", value: "v".repeat(1025) }] }] },
      "embeds.0.fields.0.value",
    ],
    ["footer over 2048", { embeds: [{ footer: { text: "f".repeat(2049) } }] }, "embeds.0.footer.text"],
    ["author name over 256", { embeds: [{ author: { name: "a".repeat(257) } }] }, "embeds.0.author.name"],
    [
      "6001 chars across embeds",
      { embeds: [{ description: "d".repeat(4000) }, { description: "d".repeat(2001) }] },
      "embeds",
    ],
    ["6 action rows", { components: Array.from({ length: 6 }, () => row(1)) }, "components"],
    ["6 buttons in a row", { components: [row(6)] }, "components.0.components"],
    ["button label over 80", { components: [row(1, "l".repeat(81))] }, "components.0.components.0.label"],
    [
      "custom_id over 100",
      { components: [{ type: 1, components: [{ type: 2, style: 1, label: "l", custom_id: "c".repeat(101) }] }] },
      "components.0.components.0.custom_id",
    ],
  ];
  it.each(cases)("refuses %s", (_name, body, path) => {
    const errors = new FormErrorCollector();
    checkMessage(errors, body);
    let node: unknown = errors.result()?.errors;
    for (const key of path.split(".")) node = (node as Record<string, unknown> | undefined)?.[key];
    expect((node as { _errors?: unknown[] } | undefined)?._errors?.length).toBeGreaterThan(0);
  });

  it("accepts a message at the limits", () => {
    const errors = new FormErrorCollector();
    checkMessage(errors, {
      content: "x".repeat(2000),
      embeds: [
        { title: "t".repeat(256), description: "d".repeat(4096), fields: [{ name: "n", value: "v".repeat(1024) }] },
      ],
      components: Array.from({ length: 5 }, (_, r) => ({
        type: 1,
        components: Array.from({ length: 5 }, (_, i) => ({
          type: 2,
          style: 1,
          label: "l".repeat(80),
          custom_id: `r${r}b${i}`,
        })),
      })),
    });
    expect(errors.result()).toBeNull();
  });
});
