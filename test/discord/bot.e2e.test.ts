import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { type Bot, createBot } from "../../src/discord/bot.js";
import { COMMANDS } from "../../src/discord/commands/index.js";
import { deployCommands } from "../../src/discord/deploy.js";
import { buildIndex } from "../../src/index/build.js";
import { createLogger } from "../../src/logger.js";
import { createIndexEmbedder } from "../../src/providers/embedders.js";
import { BotStore } from "../../src/store/bot-store.js";
import { openDatabase } from "../../src/store/database.js";
import { startTestBot } from "../support/bot.js";
import { makeWorkspace } from "../support/corpus.js";
import { FakeDiscord, type RecordedCall } from "../support/fake-discord.js";

/**
 * The real discord.js client, wired as in production, against a local fake Discord that
 * enforces Discord's limits and error codes: any violation by the bot fails these tests.
 */
const MANAGE_GUILD = 1n << 5n;

let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
let app: App;
let discord: FakeDiscord;
let store: BotStore;
let bot: Bot;
let guildId: string;
let channelId: string;
let otherChannelId: string;
const logLines: string[] = [];

function startBot(overrides: Partial<Parameters<typeof createBot>[0]> = {}): Promise<Bot> {
  return startTestBot({ app, store, discord, logLines }, overrides);
}

beforeAll(async () => {
  workspace = await makeWorkspace();
  // Five dated articles besides the seeds, so /sources has two pages and an order to check.
  const harbour = Array.from({ length: 5 }, (_, i) => ({
    id: `h${i}`,
    title: `Harbour story ${i}`,
    source: "Port Weekly",
    published: `2025-0${i + 3}-10`,
    text: `Dock workers in port number ${i} held a meeting about cranes and automation. The union said talks would continue next week.`,
  }));
  await writeFile(
    path.join(workspace.corpusDir, "harbour.jsonl"),
    harbour.map((row) => JSON.stringify(row)).join("\n"),
  );
  const config = loadConfig({
    CORPUS_DIR: workspace.corpusDir,
    INDEX_DIR: workspace.indexDir,
    REFERENCE_DATE: "2025-07-26",
  });
  await buildIndex({
    corpusDir: config.corpusDir,
    indexDir: config.indexDir,
    embedder: createIndexEmbedder("offline", { dimensions: 384 }),
    chunking: { size: config.chunkSize, overlap: config.chunkOverlap },
  });
  app = createApp(config);
  await app.index();
  store = new BotStore(openDatabase(":memory:"));
  discord = await FakeDiscord.start();
  const guild = discord.addGuild({ name: "Newsroom" });
  guildId = guild.id;
  channelId = discord.addChannel(guildId, { name: "news" });
  otherChannelId = discord.addChannel(guildId, { name: "random" });
  bot = await startBot();
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await discord?.close();
  await workspace?.cleanup();
});

/** The edit of an interaction's original reply (found by its token, which is in the path). */
const original = (token: string) => (call: RecordedCall) =>
  call.method === "PATCH" &&
  call.path.includes(`/webhooks/`) &&
  call.path.includes(token) &&
  call.path.endsWith("/messages/@original");
const callback = (interactionId: string) => (call: RecordedCall) =>
  call.method === "POST" && call.path === `/interactions/${interactionId}/${call.path.split("/")[3]}/callback`;

async function ask(question: string, options: { channel?: string; userId?: string } = {}) {
  const sent = await discord.sendSlashCommand({
    guildId,
    channelId: options.channel ?? channelId,
    ...(options.userId ? { userId: options.userId } : {}),
    name: "ask",
    options: [{ name: "question", type: 3, value: question }],
  });
  return sent;
}

describe("/ask", () => {
  it("defers at once, then edits in a cited answer with sources, no mentions allowed", async () => {
    const sent = await ask("How many Patriot missile systems has Ukraine secured?");
    const ack = await discord.waitForCall(callback(sent.id), { timeoutMs: 3000 });
    expect(ack.body).toMatchObject({ type: 5 });
    expect(ack.status).toBeLessThan(300);
    expect(ack.at - sent.sentAt).toBeLessThan(3000);
    const edit = await discord.waitForCall(original(sent.token), { timeoutMs: 10_000 });
    expect(edit.status).toBe(200);
    const embed = (edit.body as { embeds: { description: string; fields: { name: string; value: string }[] }[] })
      .embeds[0];
    expect(embed?.description).toMatch(/three Patriot missile defence systems.*\[1\]/);
    expect(embed?.fields[0]?.name).toBe("Sources");
    expect(embed?.fields[0]?.value).toMatch(/\*\*\[1\]\*\*/);
    expect((edit.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({ parse: [] });
  });

  it("says plainly when the articles do not cover the question", async () => {
    const sent = await ask("What is the recipe for banana bread?");
    const edit = await discord.waitForCall(original(sent.token), { timeoutMs: 10_000 });
    const embed = (edit.body as { embeds: { description: string; fields?: unknown[] }[] }).embeds[0];
    expect(embed?.description).toBe("The articles I have don't cover that.");
    expect(embed?.fields).toBeUndefined();
  });

  it("acknowledges a burst of 50 simultaneous questions within 3 s and answers them all", async () => {
    const sent = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        ask(
          i % 2
            ? "Who led the Russian delegation at the peace talks?"
            : "What did Erdogan say about a leaders meeting in Istanbul?",
          { userId: String(900000000000000000n + BigInt(i)) },
        ),
      ),
    );
    const acks = await Promise.all(sent.map((s) => discord.waitForCall(callback(s.id), { timeoutMs: 3000 })));
    for (const [i, ack] of acks.entries()) {
      expect(ack.status).toBeLessThan(300);
      expect(ack.at - (sent[i]?.sentAt ?? 0)).toBeLessThan(3000);
    }
    const edits = await Promise.all(sent.map((s) => discord.waitForCall(original(s.token), { timeoutMs: 30_000 })));
    for (const edit of edits) expect(edit.status).toBe(200);
  }, 60_000);

  it("still delivers the answer when the gateway drops mid-answer, after the client resumes", async () => {
    await bot.stop();
    // An answer that cannot finish until the test says so, so the drop really is mid-answer.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: App = { ...app, ask: async (question) => gate.then(() => app.ask(question)) };
    bot = await startBot({ app: slow });
    const resumesBefore = discord.resumeCount;
    const sent = await ask("What did Senator Richard Blumenthal accuse Russia of?");
    await discord.waitForCall(callback(sent.id), { timeoutMs: 3000 });
    discord.dropConnection({ resumable: true });
    await expect.poll(() => discord.resumeCount, { timeout: 10_000 }).toBe(resumesBefore + 1);
    release();
    const edit = await discord.waitForCall(original(sent.token), { timeoutMs: 10_000 });
    expect(JSON.stringify(edit.body)).toMatch(/mocking/);
    // The resumed session keeps working.
    const after = await ask("What was Operation Spider Web?");
    await discord.waitForCall(original(after.token), { timeoutMs: 10_000 });
    await bot.stop();
    bot = await startBot();
  }, 30_000);
});

describe("buttons", () => {
  it("stores feedback and shows the quoted sentences ephemerally", async () => {
    const sent = await ask("Which US envoys met Putin in Moscow?");
    const edit = await discord.waitForCall(original(sent.token), { timeoutMs: 10_000 });
    const buttons =
      (edit.body as { components: { components: { custom_id: string }[] }[] }).components[0]?.components ?? [];
    const [up, , quotes] = buttons.map((button) => button.custom_id);
    expect(up).toMatch(/^fb:up:/);
    const answerId = (up ?? "").split(":")[2] ?? "";

    const click = await discord.clickButton({ guildId, channelId, customId: up ?? "" });
    const reply = await discord.waitForCall(callback(click.id), { timeoutMs: 3000 });
    expect(reply.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(store.feedback(answerId)).toEqual([{ userId: expect.any(String), helpful: true }]);

    const quoteClick = await discord.clickButton({ guildId, channelId, customId: quotes ?? "" });
    const quoteReply = await discord.waitForCall(callback(quoteClick.id), { timeoutMs: 3000 });
    expect(JSON.stringify(quoteReply.body)).toMatch(/Witkoff/);
    expect(quoteReply.body).toMatchObject({ data: { flags: 64 } });
  });
});

describe("mentions and threads", () => {
  it("answers a mention in a new thread and follows up in that thread using the conversation", async () => {
    await discord.sendMessage({
      guildId,
      channelId,
      content: "How many Patriot missile systems has Ukraine secured?",
      mentionBot: true,
    });
    const thread = await expect
      .poll(() => discord.threads[discord.threads.length - 1], { timeout: 10_000 })
      .toBeDefined();
    void thread;
    const created = discord.threads[discord.threads.length - 1];
    expect(created?.parentId).toBe(channelId);
    await expect.poll(() => discord.messages(created?.id ?? "").length, { timeout: 10_000 }).toBeGreaterThan(0);
    const first = discord.messages(created?.id ?? "")[0];
    expect(JSON.stringify(first?.embeds)).toMatch(/Patriot/);
    expect(first?.allowed_mentions).toEqual({ parse: [] });

    await discord.sendMessage({ guildId, channelId: created?.id ?? "", content: "and what did Germany send?" });
    await expect.poll(() => discord.messages(created?.id ?? "").length, { timeout: 10_000 }).toBe(2);
    const followUp = discord.messages(created?.id ?? "")[1];
    expect(JSON.stringify(followUp?.embeds)).toMatch(/Germany for two systems/);
  });
});

describe("without the privileged MessageContent intent", () => {
  it("falls back when the portal has not enabled it, and still answers mentions", async () => {
    const strict = await FakeDiscord.start({ privilegedIntents: 0 });
    const strictGuild = strict.addGuild({ name: "Strict" });
    const strictChannel = strict.addChannel(strictGuild.id, { name: "news" });
    const lines: string[] = [];
    const strictBot = createBot({
      app,
      store,
      logger: createLogger("info", { redact: [strict.token], write: (line) => lines.push(line) }),
      token: strict.token,
      apiBase: strict.apiBase,
      messageContent: true,
      allowedChannelIds: [],
      rateLimitPerMinute: 100,
    });
    try {
      await strictBot.start();
      expect(lines.some((line) => line.includes("MessageContent intent is not enabled"))).toBe(true);
      await strict.sendMessage({
        guildId: strictGuild.id,
        channelId: strictChannel,
        content: "Which US envoys met Putin in Moscow?",
        mentionBot: true,
      });
      await expect.poll(() => strict.threads.length, { timeout: 10_000 }).toBe(1);
      const thread = strict.threads[0];
      await expect.poll(() => strict.messages(thread?.id ?? "").length, { timeout: 10_000 }).toBe(1);
      expect(JSON.stringify(strict.messages(thread?.id ?? "")[0]?.embeds)).toMatch(/Witkoff/);
    } finally {
      await strictBot.stop();
      await strict.close();
    }
  }, 30_000);
});

/** `/digest setup` in the news channel, with the member's permissions. */
function digestSetup(values: { time: string; timezone: string }, memberPermissions?: bigint) {
  return discord.sendSlashCommand({
    guildId,
    channelId,
    ...(memberPermissions === undefined ? {} : { memberPermissions }),
    name: "digest",
    options: [
      {
        name: "setup",
        type: 1,
        options: [
          { name: "channel", type: 7, value: channelId },
          { name: "time", type: 3, value: values.time },
          { name: "timezone", type: 3, value: values.timezone },
        ],
      },
    ],
  });
}

describe("permissions, limits and failures", () => {
  it("refuses /digest setup without Manage Server, rejects a bad time or zone, and stores a good one", async () => {
    const denied = await digestSetup({ time: "08:30", timezone: "Europe/Berlin" });
    const deniedReply = await discord.waitForCall(callback(denied.id), { timeoutMs: 3000 });
    expect(JSON.stringify(deniedReply.body)).toMatch(/Manage Server/);
    expect(store.digestSchedule(guildId)).toBeNull();

    const badZone = await digestSetup({ time: "08:30", timezone: "Mars/Olympus" }, MANAGE_GUILD);
    expect(JSON.stringify((await discord.waitForCall(callback(badZone.id), { timeoutMs: 3000 })).body)).toMatch(
      /not a timezone I know/,
    );
    const badTime = await digestSetup({ time: "25:99", timezone: "Europe/Berlin" }, MANAGE_GUILD);
    expect(JSON.stringify((await discord.waitForCall(callback(badTime.id), { timeoutMs: 3000 })).body)).toMatch(
      /not a time of day/,
    );
    expect(store.digestSchedule(guildId)).toBeNull();

    const allowed = await digestSetup({ time: "08:30", timezone: "Europe/Berlin" }, MANAGE_GUILD);
    await discord.waitForCall(callback(allowed.id), { timeoutMs: 3000 });
    expect(store.digestSchedule(guildId)).toMatchObject({
      channelId,
      time: "08:30",
      timezone: "Europe/Berlin",
      enabled: true,
    });

    const sub = (name: string, memberPermissions?: bigint) =>
      discord.sendSlashCommand({
        guildId,
        channelId,
        ...(memberPermissions === undefined ? {} : { memberPermissions }),
        name: "digest",
        options: [{ name, type: 1 }],
      });
    const offDenied = await sub("off");
    expect(JSON.stringify((await discord.waitForCall(callback(offDenied.id), { timeoutMs: 3000 })).body)).toMatch(
      /Manage Server/,
    );
    expect(store.digestSchedule(guildId)?.enabled).toBe(true);
    const off = await sub("off", MANAGE_GUILD);
    expect(JSON.stringify((await discord.waitForCall(callback(off.id), { timeoutMs: 3000 })).body)).toMatch(
      /digest is off/,
    );
    expect(store.digestSchedule(guildId)?.enabled).toBe(false);
    // `now` previews the next digest: deferred, then the stories as embeds, one per story.
    const now = await sub("now");
    expect((await discord.waitForCall(callback(now.id), { timeoutMs: 3000 })).body).toMatchObject({ type: 5 });
    const preview = await discord.waitForCall(original(now.token), { timeoutMs: 10_000 });
    expect(preview.status).toBe(200);
    const body = preview.body as { content: string; embeds: { title: string }[] };
    expect(body.content).toMatch(/^\*\*Daily digest\*\*: 5 stories/);
    expect(body.embeds[0]?.title).toBe("1. Russia rules out Putin-Zelenskyy meeting until end of peace talks");
  });

  it("rate-limits a user with a friendly ephemeral line", async () => {
    await bot.stop();
    bot = await startBot({ rateLimitPerMinute: 2 });
    const userId = "800000000000000001";
    for (let i = 0; i < 2; i += 1) {
      const sent = await ask("What deadline did Trump give for a peace deal?", { userId });
      await discord.waitForCall(original(sent.token), { timeoutMs: 10_000 });
    }
    const third = await ask("What deadline did Trump give for a peace deal?", { userId });
    const reply = await discord.waitForCall(callback(third.id), { timeoutMs: 3000 });
    expect(reply.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(JSON.stringify(reply.body)).toMatch(/try again in \d+ s/);
    await bot.stop();
    bot = await startBot();
  }, 30_000);

  it("keeps to the channel allow-list", async () => {
    await bot.stop();
    bot = await startBot({ allowedChannelIds: [channelId] });
    const sent = await ask("What was Operation Spider Web?", { channel: otherChannelId });
    const reply = await discord.waitForCall(callback(sent.id), { timeoutMs: 3000 });
    expect(JSON.stringify(reply.body)).toMatch(/not set up to answer in this channel/);
    await bot.stop();
    bot = await startBot();
  }, 30_000);

  it("turns a failure inside a handler into one short line for the user and a log entry, and carries on", async () => {
    await bot.stop();
    const failing: App = { ...app, ask: async () => Promise.reject(new Error("index exploded")) };
    bot = await startBot({ app: failing });
    const sent = await ask("What was Operation Spider Web?");
    const edit = await discord.waitForCall(original(sent.token), { timeoutMs: 10_000 });
    expect(JSON.stringify(edit.body)).toMatch(/something went wrong/);
    expect(JSON.stringify(edit.body)).not.toMatch(/exploded/);
    expect(logLines.some((line) => line.includes("index exploded"))).toBe(true);
    await bot.stop();
    bot = await startBot();
    const again = await ask("What was Operation Spider Web?");
    await discord.waitForCall(original(again.token), { timeoutMs: 10_000 });
  }, 30_000);

  it("never writes the token to the log", () => {
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(line).not.toContain(discord.token);
  });
});

describe("other commands", () => {
  it("/sources lists articles newest first and pages with buttons", async () => {
    const sent = await discord.sendSlashCommand({ guildId, channelId, name: "sources" });
    const edit = await discord.waitForCall(original(sent.token), { timeoutMs: 10_000 });
    expect(JSON.stringify(edit.body)).toMatch(/Page 1 of 2 · 13 articles, newest first/);
    // Newest first: the dated harbour stories lead, July before June.
    const description = (edit.body as { embeds: { description: string }[] }).embeds[0]?.description ?? "";
    expect(description.indexOf("Harbour story 4")).toBeLessThan(description.indexOf("Harbour story 0"));
    const next = (
      edit.body as { components: { components: { custom_id: string; label: string }[] }[] }
    ).components[0]?.components.find((button) => button.label.startsWith("Next"));
    const click = await discord.clickButton({ guildId, channelId, customId: next?.custom_id ?? "" });
    const update = await discord.waitForCall(callback(click.id), { timeoutMs: 3000 });
    expect(update.body).toMatchObject({ type: 7 });
    expect(JSON.stringify(update.body)).toMatch(/Page 2 of 2/);

    const narrowed = await discord.sendSlashCommand({
      guildId,
      channelId,
      name: "sources",
      options: [{ name: "query", type: 3, value: "Zaporizhzhia power" }],
    });
    const narrowedEdit = await discord.waitForCall(original(narrowed.token), { timeoutMs: 10_000 });
    expect(JSON.stringify(narrowedEdit.body)).toMatch(/Ukrainian strikes cut power/);
    expect(JSON.stringify(narrowedEdit.body)).not.toMatch(/13 articles/);
  });

  it("/summary autocompletes article titles and summarises a topic, an article and a period with citations", async () => {
    const auto = await discord.sendAutocomplete({
      guildId,
      channelId,
      name: "summary",
      options: [{ name: "article", type: 3, value: "kremlin", focused: true }],
    });
    const choices = await discord.waitForCall(callback(auto.id), { timeoutMs: 3000 });
    const list = choices.body as { type: number; data: { choices: { name: string }[] } };
    expect(list.type).toBe(8);
    expect(list.data.choices.length).toBeGreaterThan(0);
    for (const choice of list.data.choices) expect(choice.name.toLowerCase()).toContain("kremlin");

    const summary = async (name: string, value: string) => {
      const sent = await discord.sendSlashCommand({
        guildId,
        channelId,
        name: "summary",
        options: [{ name, type: 3, value }],
      });
      expect((await discord.waitForCall(callback(sent.id), { timeoutMs: 3000 })).body).toMatchObject({ type: 5 });
      const edit = await discord.waitForCall(original(sent.token), { timeoutMs: 10_000 });
      expect(edit.status).toBe(200);
      return edit.body as {
        embeds: { title: string; description: string; fields?: { name: string; value: string }[] }[];
      };
    };
    const topic = await summary("topic", "Putin Zelensky meeting");
    expect(topic.embeds[0]?.title).toBe("Summary: Putin Zelensky meeting");
    expect(topic.embeds[0]?.description).toMatch(/Kremlin .*\[1\]/);
    expect(topic.embeds[0]?.fields?.[0]?.name).toBe("Sources");

    const docId = (list.data.choices[0] as unknown as { value: string }).value;
    const article = await summary("article", docId);
    expect(article.embeds[0]?.title).toMatch(/^Key points: .*Kremlin/i);
    expect(article.embeds[0]?.description).toMatch(/\[1\]$/);

    const period = await summary("period", "all");
    expect(period.embeds[0]?.title).toBe("Stories: everything");
    expect(period.embeds[0]?.description).toMatch(/^\*\*Russia rules out Putin-Zelenskyy meeting/);
  });

  it("/help answers in one ephemeral screen", async () => {
    const sent = await discord.sendSlashCommand({ guildId, channelId, name: "help" });
    const reply = await discord.waitForCall(callback(sent.id), { timeoutMs: 3000 });
    expect(reply.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(JSON.stringify(reply.body)).toMatch(/\/ask/);
  });

  it("deploy registers every command globally without a server id", async () => {
    const result = await deployCommands({ token: discord.token, apiBase: discord.apiBase });
    expect(result.scope).toMatch(/global/);
    expect(discord.registeredCommands.global?.map((command) => command.name)).toEqual(
      COMMANDS.map((command) => command.data.name),
    );
  });

  it("deploy registers every command for one server", async () => {
    const result = await deployCommands({ token: discord.token, guildId, apiBase: discord.apiBase });
    expect(result.count).toBe(COMMANDS.length);
    expect(discord.registeredCommands.guild.get(guildId)?.map((command: { name: string }) => command.name)).toEqual(
      COMMANDS.map((command) => command.data.name),
    );
  });
});
