import type { Logger } from "../logger.js";
import type { BotStore, DigestSchedule } from "../store/bot-store.js";
import type { Digest } from "./digest.js";
import { dueSlot, type Slot } from "./schedule.js";

/** Where digests go: the Discord adapter implements this; tests use a recording one. */
export interface DigestPoster {
  /** Posts the digest for a (server-local) day to the schedule's channel; returns the first message's id. */
  post(schedule: DigestSchedule, digest: Digest, day: string): Promise<{ messageId: string }>;
  /** Tells the server's admins, once, that the digest was paused and why. */
  notifyAdmins(guildId: string, message: string): Promise<void>;
}

const DAY_MS = 86_400_000;

/** A posting failure that retrying will not fix (channel deleted, permission lost). */
export class DigestChannelError extends Error {
  override readonly name = "DigestChannelError";
}

export interface SchedulerOptions {
  store: BotStore;
  poster: DigestPoster;
  /** Builds the digest of what arrived in (since, now]. */
  makeDigest(since: Date, now: Date): Promise<Digest>;
  now?: () => Date;
  graceHours: number;
  whenEmpty: "post" | "skip";
  logger: Logger;
  /** How often to check the schedules. Default 30 s. */
  intervalMs?: number;
}

/**
 * Posts each server's daily digest. Every tick, for every active schedule, it finds the day's
 * slot (croner, in the server's zone); when the slot is due (within the grace window) it claims
 * the (server, day) run in SQLite before posting, so a restart or a second process never posts
 * the same day twice. A deleted channel or lost permission pauses the schedule and tells the
 * admins once; other failures are retried on later ticks, up to three attempts a day.
 */
export class DigestScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.tick().catch((error) => this.options.logger.error("digest tick failed", { error }));
    };
    this.timer = setInterval(tick, this.options.intervalMs ?? 30_000);
    this.timer.unref();
    tick();
  }

  /** Stops ticking and waits for a digest being posted. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass over the schedules (ticks never overlap). Returns the slots posted. */
  async tick(): Promise<{ guildId: string; day: string; status: string }[]> {
    while (this.running) await this.running;
    let finish = () => {};
    this.running = new Promise((resolve) => {
      finish = resolve;
    });
    try {
      const outcomes: { guildId: string; day: string; status: string }[] = [];
      for (const schedule of this.options.store.activeDigestSchedules()) {
        const outcome = await this.runSchedule(schedule);
        if (outcome) outcomes.push(outcome);
      }
      return outcomes;
    } finally {
      this.running = null;
      finish();
    }
  }

  private async runSchedule(
    schedule: DigestSchedule,
  ): Promise<{ guildId: string; day: string; status: string } | null> {
    const { store, poster, logger } = this.options;
    const now = (this.options.now ?? (() => new Date()))();
    let slot: Slot | null;
    try {
      slot = dueSlot(schedule, now, this.options.graceHours * 3_600_000);
    } catch (error) {
      logger.error("bad digest schedule", { guildId: schedule.guildId, error });
      return null;
    }
    // A slot from before the schedule was set up is not due: setup never posts at once.
    if (schedule.setAt && slot && slot.at.getTime() < Date.parse(schedule.setAt)) return null;
    if (!slot || !store.claimDigestRun(schedule.guildId, slot.day)) return null;
    // From where the last digest stopped, but never more than two days back (a digest turned
    // off for a month resumes with the news, not the month's most covered stories).
    const last = store.lastDigestWindowEnd(schedule.guildId);
    const since = new Date(Math.max(last?.getTime() ?? now.getTime() - DAY_MS, now.getTime() - 2 * DAY_MS));
    const context = { guildId: schedule.guildId, day: slot.day };
    try {
      const digest = await this.options.makeDigest(since, now);
      const windowEnd = digest.coveredUntil ?? since.toISOString();
      if (digest.stories.length === 0 && this.options.whenEmpty === "skip") {
        store.finishDigestRun(schedule.guildId, slot.day, { status: "empty", windowEnd });
        logger.info("digest skipped: nothing new", context);
        return { ...context, status: "empty" };
      }
      const { messageId } = await poster.post(schedule, digest, slot.day);
      store.finishDigestRun(schedule.guildId, slot.day, { status: "posted", messageId, windowEnd });
      logger.info("digest posted", { ...context, stories: digest.stories.length });
      return { ...context, status: "posted" };
    } catch (error) {
      if (error instanceof DigestChannelError) {
        store.finishDigestRun(schedule.guildId, slot.day, { status: "paused" });
        if (store.pauseDigest(schedule.guildId, error.message)) {
          logger.warn("digest paused", { ...context, reason: error.message });
          await poster
            .notifyAdmins(
              schedule.guildId,
              `The daily digest is paused: ${error.message} Run \`/digest setup\` again to resume it.`,
            )
            .catch((notifyError) => logger.warn("could not tell the admins", { ...context, error: notifyError }));
        }
        return { ...context, status: "paused" };
      }
      store.finishDigestRun(schedule.guildId, slot.day, { status: "failed" });
      logger.error("digest failed; will retry", { ...context, error });
      return { ...context, status: "failed" };
    }
  }
}
