import { describe, expect, it } from "vitest";
import { dueSlot, latestSlot, localDay, nextSlot } from "../../src/digest/schedule.js";

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

describe("digest schedule times", () => {
  it("follow the zone across daylight saving: 09:00 Berlin is 08:00 UTC in winter, 07:00 UTC in summer", () => {
    const berlin = { time: "09:00", timezone: "Europe/Berlin" };
    expect(latestSlot(berlin, at("2026-03-28T12:00:00Z"))?.at.toISOString()).toBe("2026-03-28T08:00:00.000Z");
    // Clocks go forward on 29 March: the next slot is an hour earlier in UTC.
    expect(nextSlot(berlin, at("2026-03-28T12:00:00Z"))?.at.toISOString()).toBe("2026-03-29T07:00:00.000Z");
    expect(latestSlot(berlin, at("2026-03-29T06:59:59Z"))?.day).toBe("2026-03-28");
    expect(latestSlot(berlin, at("2026-03-29T07:00:00Z"))).toEqual({
      at: at("2026-03-29T07:00:00Z"),
      day: "2026-03-29",
    });
    // And back on 25 October.
    expect(nextSlot(berlin, at("2026-10-24T12:00:00Z"))?.at.toISOString()).toBe("2026-10-25T08:00:00.000Z");
  });

  it("run a time that does not exist on the spring-forward day once, just after the gap", () => {
    const newYork = { time: "02:30", timezone: "America/New_York" };
    const next = nextSlot(newYork, at("2026-03-07T12:00:00Z"));
    expect(next).toEqual({ at: at("2026-03-08T07:00:00Z"), day: "2026-03-08" });
  });

  it("run a time that happens twice on the fall-back day once", () => {
    const newYork = { time: "01:30", timezone: "America/New_York" };
    const first = nextSlot(newYork, at("2026-10-31T12:00:00Z"));
    expect(first?.at.toISOString()).toBe("2026-11-01T05:30:00.000Z");
    expect(nextSlot(newYork, first?.at ?? new Date())?.day).toBe("2026-11-02");
  });

  it("are due only within the grace window after the slot", () => {
    const utc = { time: "08:00", timezone: "UTC" };
    // The previous slot (yesterday 08:00) is long past the grace window.
    expect(dueSlot(utc, at("2026-05-01T07:59:00Z"), 6 * HOUR)).toBeNull();
    expect(dueSlot(utc, at("2026-05-01T07:59:00Z"), 24 * HOUR)?.day).toBe("2026-04-30");
    expect(dueSlot(utc, at("2026-05-01T08:00:00Z"), 6 * HOUR)?.day).toBe("2026-05-01");
    expect(dueSlot(utc, at("2026-05-01T13:59:00Z"), 6 * HOUR)?.day).toBe("2026-05-01");
    expect(dueSlot(utc, at("2026-05-01T14:01:00Z"), 6 * HOUR)).toBeNull();
  });

  it("name the local day, which can differ from the UTC day", () => {
    expect(localDay(at("2026-05-01T23:30:00Z"), "Asia/Tokyo")).toBe("2026-05-02");
    expect(localDay(at("2026-05-01T02:00:00Z"), "America/Los_Angeles")).toBe("2026-04-30");
  });
});
