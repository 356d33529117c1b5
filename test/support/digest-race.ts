/**
 * One scheduler tick in its own process, for the two-process race test: opens the database given
 * as the first argument, ticks at the instant given as the second, and prints the outcomes as
 * JSON. Its poster waits a moment before "posting" so that racing processes overlap.
 */
import { DigestScheduler } from "../../src/digest/scheduler.js";
import { createLogger } from "../../src/logger.js";
import { BotStore } from "../../src/store/bot-store.js";
import { openDatabase } from "../../src/store/database.js";

const [file, instant] = process.argv.slice(2);
if (!file || !instant) throw new Error("usage: digest-race.ts <db file> <ISO instant>");
const now = () => new Date(instant);
const store = new BotStore(openDatabase(file), now);
const posts: string[] = [];
const scheduler = new DigestScheduler({
  store,
  poster: {
    post: async (schedule) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      posts.push(schedule.guildId);
      return { messageId: `m-${process.pid}` };
    },
    notifyAdmins: async () => {},
  },
  makeDigest: async (since, at) => ({
    generatedAt: at.toISOString(),
    since: since.toISOString(),
    coveredUntil: at.toISOString(),
    stories: [],
  }),
  now,
  graceHours: 6,
  whenEmpty: "post",
  logger: createLogger("error", { write: () => {} }),
});
// Start both processes' ticks at the same wall-clock moment.
const start = Number(process.env.RACE_START_AT ?? 0);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, start - Date.now())));
const outcomes = await scheduler.tick();
process.stdout.write(`${JSON.stringify({ posts, outcomes })}\n`);
