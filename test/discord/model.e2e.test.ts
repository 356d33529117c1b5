import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { Bot } from "../../src/discord/bot.js";
import { createModelWriter } from "../../src/generation/writer.js";
import { BotStore } from "../../src/store/bot-store.js";
import { openDatabase } from "../../src/store/database.js";
import { startTestBot } from "../support/bot.js";
import { makeWorkspace } from "../support/corpus.js";
import { FakeDiscord, type RecordedCall } from "../support/fake-discord.js";
import { FakeLlm, promptSources } from "../support/fake-llm.js";

/** /ask with a model that streams: the deferred reply shows the text as it comes, then the checked answer. */
let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
let app: App;
let discord: FakeDiscord;
let fake: FakeLlm;
let bot: Bot;
let guildId: string;
let channelId: string;

beforeAll(async () => {
  workspace = await makeWorkspace();
  const config = loadConfig({ CORPUS_DIR: workspace.corpusDir, INDEX_DIR: workspace.indexDir });
  await createApp(config).ingest();
  fake = await FakeLlm.start();
  app = createApp(config, {
    writer: createModelWriter({
      spec: "openai:fake-model",
      openai: { baseUrl: fake.openaiBaseUrl, apiKey: "sk-test-not-a-real-key-0000" },
      ollama: { baseUrl: fake.ollamaBaseUrl },
      timeoutMs: 20_000,
      maxRetries: 0,
    }),
  });
  discord = await FakeDiscord.start();
  const guild = discord.addGuild({ name: "Newsroom" });
  guildId = guild.id;
  channelId = discord.addChannel(guildId, { name: "news" });
  bot = await startTestBot({ app, store: new BotStore(openDatabase(":memory:")), discord, logLines: [] });
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await discord?.close();
  await fake?.close();
  await workspace?.cleanup();
});

describe("/ask with a streaming model", () => {
  it("edits the deferred reply with the text so far, at most about once a second, then the checked answer", async () => {
    fake.script = (request) => {
      const [n, text] = [...promptSources(request)].find(([, source]) => source.includes("three Patriot")) ?? [1, ""];
      const sentence = text.split(/(?<=[.!?])\s+/).find((s) => s.includes("three Patriot")) ?? "";
      // About 3 s of writing, word by word.
      const pieces = `${sentence} [${n}]`.match(/\S+\s*/g) ?? [];
      return { pieces, delayMs: Math.ceil(3000 / pieces.length) };
    };
    const sent = await discord.sendSlashCommand({
      guildId,
      channelId,
      name: "ask",
      options: [{ name: "question", type: 3, value: "How many Patriot missile systems has Ukraine secured?" }],
    });
    const isEdit = (call: RecordedCall) =>
      call.method === "PATCH" && call.path.includes(sent.token) && call.path.endsWith("/messages/@original");
    await expect
      .poll(() => discord.calls.filter(isEdit).some((call) => JSON.stringify(call.body).includes("Sources")), {
        timeout: 15_000,
      })
      .toBe(true);
    const edits = discord.calls.filter(isEdit);
    const partial = edits.filter((call) => JSON.stringify(call.body).includes("Writing…"));
    expect(partial.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < partial.length; i += 1) {
      expect((partial[i]?.at ?? 0) - (partial[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    }
    // Each partial shows more of the text; the final edit is the checked answer, last.
    const texts = partial.map(
      (call) => (call.body as { embeds: { description: string }[] }).embeds[0]?.description ?? "",
    );
    expect(texts.at(-1)?.length).toBeGreaterThan(texts[0]?.length ?? 0);
    const final = edits.at(-1)?.body as { embeds: { description: string; fields: { name: string }[] }[] };
    expect(final.embeds[0]?.description).toMatch(/three Patriot missile defence systems.*\[1\]$/);
    expect(final.embeds[0]?.fields[0]?.name).toBe("Sources");
    for (const call of edits) expect(call.status).toBe(200);
  });
});
