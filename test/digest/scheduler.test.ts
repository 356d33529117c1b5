import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Digest } from "../../src/digest/digest.js";
import { DigestChannelError, type DigestPoster, DigestScheduler } from "../../src/digest/scheduler.js";
import { createLogger } from "../../src/logger.js";
import { BotStore, type DigestSchedule } from "../../src/store/bot-store.js";
import { openDatabase } from "../../src/store/database.js";
import { runScript } from "../support/spawn.js";

let dir: string;
let dbFile: string;
let clock: Date;
const stores: BotStore[] = [];
const dbs: ReturnType<typeof openDatabase>[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "newsdesk-scheduler-"));
  dbFile = path.join(dir, "bot.db");
  // Schedules are set up the day before the tests' slots (slots before setup are not posted).
  clock = new Date("2026-03-26T12:00:00Z");
});
afterEach(async () => {
  for (const db of dbs.splice(0)) db.close();
  stores.length = 0;
  await rm(dir, { recursive: true, force: true });
});

/** A store on the shared database file, as a (re)started process would open it. */
function openStore(): BotStore {
  const db = openDatabase(dbFile);
  dbs.push(db);
  const store = new BotStore(db, () => clock);
  stores.push(store);
  return store;
}

interface Recorder extends DigestPoster {
  posts: { schedule: DigestSchedule; digest: Digest }[];
  notices: { guildId: string; message: string }[];
}

function recorder(fail?: (attempt: number) => Error | null): Recorder {
  let attempt = 0;
  const posts: Recorder["posts"] = [];
  const notices: Recorder["notices"] = [];
  return {
    posts,
    notices,
    async post(schedule, digest) {
      attempt += 1;
      const error = fail?.(attempt);
      if (error) throw error;
      posts.push({ schedule, digest });
      return { messageId: `m${posts.length}` };
    },
    async notifyAdmins(guildId, message) {
      notices.push({ guildId, message });
    },
  };
}

const digestWith =
  (stories: number) =>
  async (since: Date, now: Date): Promise<Digest> => ({
    generatedAt: now.toISOString(),
    since: since.toISOString(),
    coveredUntil: now.toISOString(),
    stories: Array.from({ length: stories }, (_, i) => ({
      id: `s${i}`,
      headline: `Story ${i}`,
      summary: `Something happened. [1]`,
      outlets: [],
      articles: [],
      files: [],
      citations: [],
      articleCount: 1,
      newArticles: 1,
    })),
  });

function scheduler(
  store: BotStore,
  poster: DigestPoster,
  options: { whenEmpty?: "post" | "skip"; stories?: number } = {},
) {
  return new DigestScheduler({
    store,
    poster,
    makeDigest: digestWith(options.stories ?? 2),
    now: () => clock,
    graceHours: 6,
    whenEmpty: options.whenEmpty ?? "post",
    logger: createLogger("error", { write: () => {} }),
  });
}

const BERLIN = {
  guildId: "111111111111111111",
  channelId: "222222222222222222",
  time: "09:00",
  timezone: "Europe/Berlin",
};

describe("the digest scheduler", () => {
  it("posts at the server's local time across a daylight-saving change, once a day", async () => {
    const store = openStore();
    store.setDigestSchedule(BERLIN);
    const poster = recorder();
    const run = scheduler(store, poster);
    const postedAt: string[] = [];
    // Tick every 30 minutes from Friday 27 March to Monday 30 March (clocks change on the 29th).
    for (let t = Date.parse("2026-03-27T00:00:00Z"); t < Date.parse("2026-03-30T12:00:00Z"); t += 30 * 60_000) {
      clock = new Date(t);
      const outcomes = await run.tick();
      if (outcomes.some((outcome) => outcome.status === "posted")) postedAt.push(clock.toISOString());
    }
    expect(postedAt).toEqual([
      "2026-03-27T08:00:00.000Z",
      "2026-03-28T08:00:00.000Z",
      "2026-03-29T07:00:00.000Z",
      "2026-03-30T07:00:00.000Z",
    ]);
    // Each digest starts where the previous one ended.
    expect(poster.posts[1]?.digest.since).toBe("2026-03-27T08:00:00.000Z");
    expect(poster.posts[0]?.digest.since).toBe("2026-03-26T08:00:00.000Z");
  });

  it("catches up once after downtime within the grace window, and skips a day missed by more", async () => {
    const store = openStore();
    store.setDigestSchedule(BERLIN);
    const poster = recorder();
    const run = scheduler(store, poster);
    clock = new Date("2026-03-27T13:30:00Z"); // down at 09:00 local, back 5.5 h later
    expect(await run.tick()).toEqual([{ guildId: BERLIN.guildId, day: "2026-03-27", status: "posted" }]);
    expect(await run.tick()).toEqual([]);
    clock = new Date("2026-03-28T14:30:00Z"); // 6.5 h after the next slot: too late
    expect(await run.tick()).toEqual([]);
    expect(poster.posts).toHaveLength(1);
  });

  it("never posts the same day twice across a restart", async () => {
    const first = openStore();
    first.setDigestSchedule(BERLIN);
    clock = new Date("2026-03-27T08:00:30Z");
    const poster = recorder();
    await scheduler(first, poster).tick();
    // The process restarts: a new connection and scheduler, same day, still within grace.
    const second = openStore();
    clock = new Date("2026-03-27T08:05:00Z");
    await scheduler(second, poster).tick();
    expect(poster.posts).toHaveLength(1);
    expect(second.digestRun(BERLIN.guildId, "2026-03-27")).toMatchObject({ status: "posted", messageId: "m1" });
  });

  it("posts once when two schedulers on two connections race for the same slot", async () => {
    openStore().setDigestSchedule(BERLIN);
    clock = new Date("2026-03-27T08:00:30Z");
    const poster = recorder();
    const slow: DigestPoster = {
      post: async (schedule, digest, day) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return poster.post(schedule, digest, day);
      },
      notifyAdmins: poster.notifyAdmins,
    };
    await Promise.all([scheduler(openStore(), slow).tick(), scheduler(openStore(), slow).tick()]);
    expect(poster.posts).toHaveLength(1);
  });

  it("posts once when two processes race for the same slot", async () => {
    const store = openStore();
    store.setDigestSchedule(BERLIN);
    const startAt = String(Date.now() + 2500);
    const runs = await Promise.all(
      [0, 1].map(() =>
        runScript("test/support/digest-race.ts", [dbFile, "2026-03-27T08:00:30Z"], { env: { RACE_START_AT: startAt } }),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const results = runs.map((run) => JSON.parse(run.stdout) as { posts: string[] });
    expect(results.flatMap((result) => result.posts)).toEqual([BERLIN.guildId]);
    expect(store.digestRun(BERLIN.guildId, "2026-03-27")).toMatchObject({ status: "posted" });
  }, 30_000);

  it("pauses the schedule when the channel is gone and tells the admins once", async () => {
    const store = openStore();
    store.setDigestSchedule(BERLIN);
    const poster = recorder(() => new DigestChannelError("its channel no longer exists. (channel 2222)"));
    const run = scheduler(store, poster);
    clock = new Date("2026-03-27T08:00:30Z");
    expect(await run.tick()).toEqual([{ guildId: BERLIN.guildId, day: "2026-03-27", status: "paused" }]);
    clock = new Date("2026-03-28T08:00:30Z");
    expect(await run.tick()).toEqual([]);
    expect(poster.notices).toEqual([
      {
        guildId: BERLIN.guildId,
        message:
          "The daily digest is paused: its channel no longer exists. (channel 2222) Run `/digest setup` again to resume it.",
      },
    ]);
    expect(store.digestSchedule(BERLIN.guildId)?.pausedReason).toMatch(/no longer exists/);
    // Setting it up again resumes it.
    store.setDigestSchedule(BERLIN);
    expect(store.activeDigestSchedules()).toHaveLength(1);
  });

  it("retries a passing failure on later ticks, at most three attempts a day", async () => {
    const store = openStore();
    store.setDigestSchedule(BERLIN);
    const flaky = recorder((attempt) => (attempt <= 2 ? new Error("503 from Discord") : null));
    const run = scheduler(store, flaky);
    clock = new Date("2026-03-27T08:00:30Z");
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await run.tick())[0]?.status ?? "none");
    expect(statuses).toEqual(["failed", "failed", "posted", "none"]);
    expect(flaky.posts).toHaveLength(1);

    const broken = recorder(() => new Error("503 from Discord"));
    const again = scheduler(store, broken);
    clock = new Date("2026-03-28T08:00:30Z");
    const brokenStatuses = [];
    for (let i = 0; i < 5; i += 1) brokenStatuses.push((await again.tick())[0]?.status ?? "none");
    expect(brokenStatuses).toEqual(["failed", "failed", "failed", "none", "none"]);
    expect(store.digestRun(BERLIN.guildId, "2026-03-28")).toMatchObject({ status: "failed", attempts: 3 });
  });

  it("posts a short line when nothing is new, or nothing at all when set to skip", async () => {
    const store = openStore();
    store.setDigestSchedule(BERLIN);
    const poster = recorder();
    clock = new Date("2026-03-27T08:00:30Z");
    await scheduler(store, poster, { stories: 0 }).tick();
    expect(poster.posts).toHaveLength(1);
    expect(poster.posts[0]?.digest.stories).toEqual([]);

    clock = new Date("2026-03-28T08:00:30Z");
    const skipped = await scheduler(store, poster, { stories: 0, whenEmpty: "skip" }).tick();
    expect(skipped).toEqual([{ guildId: BERLIN.guildId, day: "2026-03-28", status: "empty" }]);
    expect(poster.posts).toHaveLength(1);
    // The next digest's window starts after the skipped one.
    clock = new Date("2026-03-29T07:00:30Z");
    await scheduler(store, poster).tick();
    expect(poster.posts[1]?.digest.since).toBe("2026-03-28T08:00:30.000Z");
  });

  it("does not post a slot from before the schedule was set up, and posts the next one", async () => {
    const store = openStore();
    clock = new Date("2026-03-27T10:00:00Z"); // an hour after today's 09:00 Berlin (08:00 UTC)
    store.setDigestSchedule(BERLIN);
    const poster = recorder();
    const run = scheduler(store, poster);
    expect(await run.tick()).toEqual([]);
    clock = new Date("2026-03-28T08:00:30Z");
    expect(await run.tick()).toEqual([{ guildId: BERLIN.guildId, day: "2026-03-28", status: "posted" }]);
  });

  it("starts a digest at most two days back, however long it was off", async () => {
    const store = openStore();
    store.setDigestSchedule(BERLIN);
    const poster = recorder();
    clock = new Date("2026-03-27T08:00:30Z");
    await scheduler(store, poster).tick();
    store.disableDigest(BERLIN.guildId);
    clock = new Date("2026-04-20T12:00:00Z");
    store.setDigestSchedule(BERLIN);
    clock = new Date("2026-04-21T07:00:30Z");
    await scheduler(store, poster).tick();
    expect(poster.posts[1]?.digest.since).toBe("2026-04-19T07:00:30.000Z");
  });

  it("does nothing for servers whose digest is off", async () => {
    const store = openStore();
    store.setDigestSchedule(BERLIN);
    store.disableDigest(BERLIN.guildId);
    const poster = recorder();
    clock = new Date("2026-03-27T08:00:30Z");
    expect(await scheduler(store, poster).tick()).toEqual([]);
    expect(poster.posts).toEqual([]);
  });
});
