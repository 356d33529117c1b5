/**
 * Per-user sliding-window rate limit: at most `limit` uses per `windowMs`. In memory on purpose:
 * it guards one process against bursts; a restart forgiving everyone is harmless.
 */
export class RateLimiter {
  private readonly uses = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a use and returns 0, or returns how many ms until the user may try again. */
  take(userId: string): number {
    if (this.limit <= 0) return 0;
    const now = this.now();
    const recent = (this.uses.get(userId) ?? []).filter((time) => now - time < this.windowMs);
    if (recent.length >= this.limit) {
      this.uses.set(userId, recent);
      return this.windowMs - (now - (recent[0] ?? now));
    }
    recent.push(now);
    this.uses.set(userId, recent);
    return 0;
  }
}
