import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { Bot } from "../../src/discord/bot.js";
import { BotStore } from "../../src/store/bot-store.js";
import { openDatabase } from "../../src/store/database.js";
import { startTestBot } from "../support/bot.js";
import { makeWorkspace } from "../support/corpus.js";
import { FakeDiscord } from "../support/fake-discord.js";

/**
 * The scheduled daily digest through the real discord.js client and the local fake Discord, with
 * a fixed clock: 09:00 Europe/Berlin on the day the clocks go forward is 07:00 UTC.
 */
let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
let app: App;
let discord: FakeDiscord;
let store: BotStore;
let bot: Bot;
// Set up the day before; the digest is due at 07:00 UTC on the 29th.
let clock = new Date("2026-03-28T12:00:00Z");
const logLines: string[] = [];
let newsroom: { guildId: string; digestChannel: string };
let locked: { guildId: string; systemChannel: string; digestChannel: string };

beforeAll(async () => {
  workspace = await makeWorkspace();
  const config = loadConfig({ CORPUS_DIR: workspace.corpusDir, INDEX_DIR: workspace.indexDir });
  // The seeds arrive an hour before the digest is due.
  await createApp(config, { now: () => new Date("2026-03-29T06:00:00Z") }).ingest();
  app = createApp(config, { now: () => clock });
  store = new BotStore(openDatabase(":memory:"), () => clock);
  discord = await FakeDiscord.start();

  const first = discord.addGuild({ name: "Newsroom" });
  newsroom = { guildId: first.id, digestChannel: discord.addChannel(first.id, { name: "digest" }) };
  store.setDigestSchedule({
    guildId: first.id,
    channelId: newsroom.digestChannel,
    time: "09:00",
    timezone: "Europe/Berlin",
  });

  // A server whose digest channel the bot may no longer post in; #general is its system channel.
  const second = discord.addGuild({ name: "Locked" });
  const general = second.channels[0]?.id ?? "";
  locked = {
    guildId: second.id,
    systemChannel: general,
    digestChannel: discord.addChannel(second.id, { name: "digest", botCanSend: false }),
  };
  store.setDigestSchedule({
    guildId: second.id,
    channelId: locked.digestChannel,
    time: "09:00",
    timezone: "Europe/Berlin",
  });

  clock = new Date("2026-03-29T07:00:20Z");
  bot = await startTestBot(
    { app, store, discord, logLines },
    { digest: { graceHours: 6, whenEmpty: "post", intervalMs: 100 } },
  );
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await discord?.close();
  await workspace?.cleanup();
});

describe("the scheduled digest", () => {
  it("is posted to the configured channel as embeds, with a thread opened on it", async () => {
    await expect.poll(() => discord.messages(newsroom.digestChannel).length, { timeout: 10_000 }).toBeGreaterThan(0);
    const [message] = discord.messages(newsroom.digestChannel);
    expect(message?.authorId).toBe(discord.botUserId);
    expect(message?.content).toMatch(/^\*\*Daily digest for 2026-03-29\*\*: 5 stories, most covered first/);
    const embeds = message?.embeds as {
      title: string;
      description: string;
      fields: { name: string; value: string }[];
    }[];
    expect(embeds).toHaveLength(5);
    expect(embeds[0]?.title).toBe("1. Russia rules out Putin-Zelenskyy meeting until end of peace talks");
    expect(embeds[0]?.description).toMatch(/\[1\]\[2\]\[3\]/);
    expect(embeds[0]?.fields[0]).toEqual({ name: "Coverage", value: "outlet not given · 3 articles" });
    expect(message?.allowed_mentions).toEqual({ parse: [] });

    await expect
      .poll(() => discord.threads.find((thread) => thread.messageId === message?.id), { timeout: 5000 })
      .toBeDefined();
    const thread = discord.threads.find((t) => t.messageId === message?.id);
    expect(thread?.parentId).toBe(newsroom.digestChannel);
    expect(store.digestRun(newsroom.guildId, "2026-03-29")).toMatchObject({ status: "posted", messageId: message?.id });
  });

  it("answers follow-up questions in the digest's thread", async () => {
    const [message] = discord.messages(newsroom.digestChannel);
    const thread = discord.threads.find((t) => t.messageId === message?.id);
    if (!thread) throw new Error("no digest thread");
    await discord.sendMessage({
      guildId: newsroom.guildId,
      channelId: thread.id,
      content: "What did Peskov say about a summit?",
    });
    await expect.poll(() => discord.messages(thread.id).length, { timeout: 10_000 }).toBeGreaterThan(0);
    const answer = discord.messages(thread.id)[0];
    expect(JSON.stringify(answer?.embeds)).toMatch(/Peskov/);
    expect(JSON.stringify(answer?.embeds)).toMatch(/\[1\]/);
  });

  it("is not posted again on later ticks the same day", async () => {
    clock = new Date("2026-03-29T09:00:00Z");
    await new Promise((resolve) => setTimeout(resolve, 500)); // several ticks
    expect(discord.messages(newsroom.digestChannel)).toHaveLength(1);
  });

  it("pauses where the bot lost permission and tells the server once, in its system channel", async () => {
    await expect
      .poll(() => store.digestSchedule(locked.guildId)?.pausedReason, { timeout: 10_000 })
      .toMatch(/lost permission to post/);
    await expect.poll(() => discord.messages(locked.systemChannel).length, { timeout: 5000 }).toBe(1);
    expect(discord.messages(locked.systemChannel)[0]?.content).toMatch(
      /^The daily digest is paused: the bot lost permission to post in its channel\..*Run `\/digest setup` again/,
    );
    // The next day: still paused, nobody told twice.
    clock = new Date("2026-03-30T07:00:20Z");
    await expect.poll(() => discord.messages(newsroom.digestChannel).length, { timeout: 10_000 }).toBe(2);
    expect(discord.messages(locked.systemChannel)).toHaveLength(1);
    expect(discord.messages(locked.digestChannel)).toHaveLength(0);
  });
});
