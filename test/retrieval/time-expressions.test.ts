import { describe, expect, it } from "vitest";
import type { TimeExpressionOptions, TimeFilter } from "../../src/retrieval/time-expressions.js";
import { describeTimeFilter, parseTimeExpression } from "../../src/retrieval/time-expressions.js";

/** A Friday. */
const REF = "2025-07-25";

function parse(question: string, reference = REF, options?: TimeExpressionOptions): TimeFilter | null {
  return parseTimeExpression(question, reference, options);
}

/** The [from, to] pair, or null, for compact assertions. */
function range(
  question: string,
  reference = REF,
  options?: TimeExpressionOptions,
): [string | null, string | null] | null {
  const filter = parse(question, reference, options);
  return filter ? [filter.from, filter.to] : null;
}

describe("parseTimeExpression: days", () => {
  it("today", () => {
    expect(parse("What happened today?")).toEqual({
      from: "2025-07-25",
      to: "2025-07-25",
      phrase: "today",
      remainder: "What happened?",
    });
  });

  it("yesterday", () => {
    expect(range("What did Zelensky say yesterday?")).toEqual(["2025-07-24", "2025-07-24"]);
  });

  it("the day before yesterday wins over yesterday", () => {
    const filter = parse("What happened in Kyiv the day before yesterday?");
    expect(filter?.phrase).toBe("the day before yesterday");
    expect([filter?.from, filter?.to]).toEqual(["2025-07-23", "2025-07-23"]);
  });

  it("tonight and this morning mean today", () => {
    expect(range("What did Trump say tonight?")).toEqual(["2025-07-25", "2025-07-25"]);
    expect(range("Any news from Gaza this morning?")).toEqual(["2025-07-25", "2025-07-25"]);
  });

  it("N days ago is a single day", () => {
    expect(range("What happened two days ago?")).toEqual(["2025-07-23", "2025-07-23"]);
  });

  it("yesterday across a leap day", () => {
    expect(range("What happened yesterday?", "2024-03-01")).toEqual(["2024-02-29", "2024-02-29"]);
  });
});

describe("parseTimeExpression: weeks", () => {
  it("this week runs from Monday to the reference date", () => {
    expect(range("What happened this week?")).toEqual(["2025-07-21", "2025-07-25"]);
  });

  it("this week's is still this week, and the possessive leaves the remainder", () => {
    const filter = parse("What were this week's top stories?");
    expect([filter?.from, filter?.to]).toEqual(["2025-07-21", "2025-07-25"]);
    expect(filter?.phrase).toBe("this week's");
    expect(filter?.remainder).toBe("What were top stories?");
  });

  it("last week is the previous Monday-Sunday calendar week", () => {
    expect(range("What happened in Gaza last week?")).toEqual(["2025-07-14", "2025-07-20"]);
  });

  it("last week across the year boundary", () => {
    expect(range("What happened last week?", "2026-01-02")).toEqual(["2025-12-22", "2025-12-28"]);
    expect(range("What happened this week?", "2026-01-02")).toEqual(["2025-12-29", "2026-01-02"]);
  });

  it("past week is the last 7 days including today", () => {
    expect(range("What happened in the past week?")).toEqual(["2025-07-19", "2025-07-25"]);
    expect(range("What happened past week?")).toEqual(["2025-07-19", "2025-07-25"]);
  });

  it("past 7 days equals past week", () => {
    expect(range("Any news about NATO in the past 7 days?")).toEqual(["2025-07-19", "2025-07-25"]);
  });

  it("weekStartsOn 0 starts weeks on Sunday", () => {
    expect(range("What happened this week?", REF, { weekStartsOn: 0 })).toEqual(["2025-07-20", "2025-07-25"]);
    expect(range("What happened last week?", REF, { weekStartsOn: 0 })).toEqual(["2025-07-13", "2025-07-19"]);
    // A Sunday reference date is the first day of its week.
    expect(range("What happened this week?", "2025-07-27", { weekStartsOn: 0 })).toEqual(["2025-07-27", "2025-07-27"]);
  });

  it("this week on a Sunday with ISO weeks covers Monday to Sunday", () => {
    expect(range("What happened this week?", "2025-07-27")).toEqual(["2025-07-21", "2025-07-27"]);
  });

  it("over the weekend is the most recent Saturday and Sunday", () => {
    expect(range("What happened over the weekend?")).toEqual(["2025-07-19", "2025-07-20"]);
  });
});

describe("parseTimeExpression: months and years", () => {
  it("this month runs from the 1st to the reference date", () => {
    expect(range("What happened this month?")).toEqual(["2025-07-01", "2025-07-25"]);
  });

  it("last month is the whole previous month", () => {
    expect(range("What happened last month?")).toEqual(["2025-06-01", "2025-06-30"]);
  });

  it("last month across the year boundary", () => {
    expect(range("What happened last month?", "2026-01-02")).toEqual(["2025-12-01", "2025-12-31"]);
  });

  it("past month is one month back to today", () => {
    expect(range("What happened over the past month?")).toEqual(["2025-06-26", "2025-07-25"]);
  });

  it("past month from a leap day and from a 31st clamps to month length", () => {
    expect(range("past month", "2024-02-29")).toEqual(["2024-01-30", "2024-02-29"]);
    expect(range("past month", "2025-03-31")).toEqual(["2025-03-01", "2025-03-31"]);
  });

  it("this month in a leap February", () => {
    expect(range("What happened this month?", "2024-02-29")).toEqual(["2024-02-01", "2024-02-29"]);
  });

  it("this year and last year", () => {
    expect(range("What happened this year?")).toEqual(["2025-01-01", "2025-07-25"]);
    expect(range("What happened last year?")).toEqual(["2024-01-01", "2024-12-31"]);
  });

  it("past year from a leap day", () => {
    expect(range("What changed in the past year?", "2024-02-29")).toEqual(["2023-03-01", "2024-02-29"]);
  });
});

describe("parseTimeExpression: rolling periods", () => {
  it("in the past N days", () => {
    const filter = parse("What happened in the past 10 days?");
    expect([filter?.from, filter?.to]).toEqual(["2025-07-16", "2025-07-25"]);
    expect(filter?.phrase).toBe("in the past 10 days");
  });

  it("in the last N weeks, with a number word", () => {
    expect(range("What has Hamas said in the last two weeks?")).toEqual(["2025-07-12", "2025-07-25"]);
  });

  it("the past few days", () => {
    expect(range("What happened in the past few days?")).toEqual(["2025-07-23", "2025-07-25"]);
  });

  it("in the past N months", () => {
    expect(range("What happened in the past 3 months?")).toEqual(["2025-04-26", "2025-07-25"]);
  });

  it("over the past N days", () => {
    const filter = parse("How did markets move over the past 5 days?");
    expect([filter?.from, filter?.to]).toEqual(["2025-07-21", "2025-07-25"]);
    expect(filter?.remainder).toBe("How did markets move?");
  });

  it("past 24 hours covers yesterday and today", () => {
    expect(range("What happened in the past 24 hours?")).toEqual(["2025-07-24", "2025-07-25"]);
  });

  it("recently means the last 14 days", () => {
    const filter = parse("What has Putin said recently about talks?");
    expect([filter?.from, filter?.to]).toEqual(["2025-07-12", "2025-07-25"]);
    expect(filter?.remainder).toBe("What has Putin said about talks?");
  });
});

describe("parseTimeExpression: weekdays", () => {
  it("since Monday runs from this week's Monday to today", () => {
    expect(range("What happened since Monday?")).toEqual(["2025-07-21", "2025-07-25"]);
  });

  it("since Friday on a Friday starts today", () => {
    expect(range("What happened since Friday?")).toEqual(["2025-07-25", "2025-07-25"]);
  });

  it("since Sunday goes back to the previous Sunday", () => {
    expect(range("What happened since Sunday?")).toEqual(["2025-07-20", "2025-07-25"]);
  });

  it("on Monday is the most recent Monday", () => {
    const filter = parse("What did Zelensky say on Monday?");
    expect([filter?.from, filter?.to]).toEqual(["2025-07-21", "2025-07-21"]);
    expect(filter?.remainder).toBe("What did Zelensky say?");
  });

  it("last Friday on a Friday is a week ago", () => {
    expect(range("What did the court rule last Friday?")).toEqual(["2025-07-18", "2025-07-18"]);
  });

  it("on Friday on a Friday is strictly before the reference date", () => {
    expect(range("What did Trump say on Friday?")).toEqual(["2025-07-18", "2025-07-18"]);
  });

  it("a bare weekday in news style", () => {
    expect(range("What did Biden say Monday?")).toEqual(["2025-07-21", "2025-07-21"]);
  });

  it("last Sunday across the year boundary", () => {
    expect(range("What happened last Sunday?", "2026-01-02")).toEqual(["2025-12-28", "2025-12-28"]);
  });

  it("a weekday with a date prefers the full date", () => {
    const filter = parse("What happened on Friday, July 25?");
    expect(filter?.phrase).toBe("on Friday, July 25");
    expect([filter?.from, filter?.to]).toEqual(["2025-07-25", "2025-07-25"]);
  });
});

describe("parseTimeExpression: since a date", () => {
  it("since June", () => {
    expect(range("What happened since June?")).toEqual(["2025-06-01", "2025-07-25"]);
  });

  it("since June 3", () => {
    expect(range("What has changed since June 3?")).toEqual(["2025-06-03", "2025-07-25"]);
  });

  it("since 3 June", () => {
    expect(range("What has changed since 3 June?")).toEqual(["2025-06-03", "2025-07-25"]);
  });

  it("since an ISO date", () => {
    expect(range("What has changed since 2025-06-03?")).toEqual(["2025-06-03", "2025-07-25"]);
  });

  it("since a month-day later in the year means last year's", () => {
    expect(range("What happened since October 7?")).toEqual(["2024-10-07", "2025-07-25"]);
  });

  it("since last week starts at last week's Monday", () => {
    expect(range("What happened since last week?")).toEqual(["2025-07-14", "2025-07-25"]);
  });
});

describe("parseTimeExpression: months, years and dates", () => {
  it("in June is the whole month", () => {
    expect(range("What happened in June?")).toEqual(["2025-06-01", "2025-06-30"]);
  });

  it("in June 2025 and during June", () => {
    expect(range("What happened in June 2025?")).toEqual(["2025-06-01", "2025-06-30"]);
    expect(range("What happened during June?")).toEqual(["2025-06-01", "2025-06-30"]);
  });

  it("a month without a year is the most recent one not in the future", () => {
    expect(range("What happened in June?", "2026-03-10")).toEqual(["2025-06-01", "2025-06-30"]);
    expect(range("What happened in August?")).toEqual(["2024-08-01", "2024-08-31"]);
  });

  it("the current month is the whole month", () => {
    expect(range("What happened in July?")).toEqual(["2025-07-01", "2025-07-31"]);
  });

  it("in February respects leap years", () => {
    expect(range("What happened in February?", "2024-03-10")).toEqual(["2024-02-01", "2024-02-29"]);
    expect(range("What happened in February?", "2025-03-10")).toEqual(["2025-02-01", "2025-02-28"]);
  });

  it("in May with a preposition is the month", () => {
    expect(range("What happened in May?")).toEqual(["2025-05-01", "2025-05-31"]);
  });

  it("last June is the most recent June before this month", () => {
    expect(range("What happened last June?")).toEqual(["2025-06-01", "2025-06-30"]);
    expect(range("What happened last July?")).toEqual(["2024-07-01", "2024-07-31"]);
  });

  it("early, mid and late month", () => {
    expect(range("What happened in early June?")).toEqual(["2025-06-01", "2025-06-10"]);
    expect(range("What happened mid-June?")).toEqual(["2025-06-11", "2025-06-20"]);
    expect(range("What happened in late February 2024?")).toEqual(["2024-02-21", "2024-02-29"]);
  });

  it("in 2024 and during 2024 are the whole year", () => {
    expect(range("What happened in 2024?")).toEqual(["2024-01-01", "2024-12-31"]);
    expect(range("What happened during 2024?")).toEqual(["2024-01-01", "2024-12-31"]);
  });

  it("on June 3 is a single day", () => {
    expect(range("What did the court decide on June 3?")).toEqual(["2025-06-03", "2025-06-03"]);
  });

  it("June 3, 2025 and 3 June 2025 and 2025-06-03", () => {
    expect(range("What did NATO say June 3, 2025?")).toEqual(["2025-06-03", "2025-06-03"]);
    expect(range("What did NATO say on 3 June 2025?")).toEqual(["2025-06-03", "2025-06-03"]);
    expect(range("What did NATO say on 2025-06-03?")).toEqual(["2025-06-03", "2025-06-03"]);
  });

  it("ordinal days", () => {
    expect(range("What happened on the 3rd of June?")).toEqual(["2025-06-03", "2025-06-03"]);
  });

  it("February 29 without a year goes back to the last leap year", () => {
    expect(range("What happened on February 29?")).toEqual(["2024-02-29", "2024-02-29"]);
  });

  it("an invalid date is not a filter", () => {
    expect(parse("What happened on 2025-02-30?")).toBeNull();
    expect(parse("What happened on June 31?")).toBeNull();
  });

  it("a date in the future is not a filter", () => {
    expect(parse("What is planned in 2027?")).toBeNull();
    expect(parse("What is planned on June 3, 2026?")).toBeNull();
  });
});

describe("parseTimeExpression: ranges", () => {
  it("between June 1 and June 10", () => {
    const filter = parse("What happened between June 1 and June 10?");
    expect([filter?.from, filter?.to]).toEqual(["2025-06-01", "2025-06-10"]);
    expect(filter?.phrase).toBe("between June 1 and June 10");
  });

  it("from June 1 to June 10", () => {
    expect(range("What happened from June 1 to June 10?")).toEqual(["2025-06-01", "2025-06-10"]);
  });

  it("between June 1 and 10 takes the month from the first date", () => {
    expect(range("What happened between June 1 and 10?")).toEqual(["2025-06-01", "2025-06-10"]);
  });

  it("a range that crosses the new year", () => {
    expect(range("What happened between December 20 and January 5?", "2026-01-10")).toEqual([
      "2025-12-20",
      "2026-01-05",
    ]);
  });

  it("a range whose end is later this year keeps the same year", () => {
    expect(range("What happened between June 1 and June 10?", "2025-06-05")).toEqual(["2025-06-01", "2025-06-10"]);
  });

  it("a compact day range inside one month", () => {
    expect(range("What happened June 3-5?")).toEqual(["2025-06-03", "2025-06-05"]);
    expect(range("What happened on 3 to 5 June 2024?")).toEqual(["2024-06-03", "2024-06-05"]);
  });

  it("after a date runs to the reference date", () => {
    expect(range("What happened after June 3?")).toEqual(["2025-06-04", "2025-07-25"]);
  });

  it("before and until leave the start open", () => {
    expect(range("What happened before 2024?")).toEqual([null, "2023-12-31"]);
    expect(range("What happened until yesterday?")).toEqual([null, "2025-07-24"]);
  });
});

describe("parseTimeExpression: things that are not time words", () => {
  it("May as a modal verb", () => {
    expect(parse("What may happen next?")).toBeNull();
    expect(parse("Trump may be forced to resign?")).toBeNull();
    expect(parse("Which of the 3 may win the vote?")).toBeNull();
  });

  it("march as a verb or noun", () => {
    expect(parse("Why did the Kremlin march on Washington?")).toBeNull();
    expect(parse("Who organised the march?")).toBeNull();
    expect(parse("What is March Madness?")).toBeNull();
    expect(parse("Why did the last march on Washington fail?")).toBeNull();
  });

  it("March followed by a day number is a date", () => {
    expect(range("What happened March 3?")).toEqual(["2025-03-03", "2025-03-03"]);
  });

  it("numbers that are not years or days", () => {
    expect(parse("How many prisoners, 1,200?")).toBeNull();
    expect(parse("How did 1,200 prisoners escape?")).toBeNull();
    expect(parse("What happens in 30 days?")).toBeNull();
    expect(parse("What happens in 2,000 cases?")).toBeNull();
    expect(parse("Were there deaths in 2000 cases?")).toBeNull();
  });

  it("Sunday Times and other names with weekdays", () => {
    expect(parse("What has the Sunday Times reported?")).toBeNull();
    expect(parse("Sunday Times reported what?")).toBeNull();
    expect(parse("what has the sunday times reported?")).toBeNull();
    expect(parse("How were Black Friday sales?")).toBeNull();
    expect(parse("What did USA Today report?")).toBeNull();
  });

  it("a bare year is not a filter", () => {
    expect(parse("Who won the 2024 election?")).toBeNull();
  });

  it("time words never match inside other words", () => {
    expect(parse("Is Mayday a holiday?")).toBeNull();
    expect(parse("What did Juneau residents say?")).toBeNull();
    expect(parse("Did the yesterdays band split?")).toBeNull();
  });

  it("last as a verb", () => {
    expect(parse("Will the ceasefire last 3 days?")).toBeNull();
  });

  it("an event named by its date", () => {
    expect(parse("What did the Jan. 6 committee find?")).toBeNull();
  });
});

describe("parseTimeExpression: phrase and remainder", () => {
  it("keeps the phrase as written in the question", () => {
    expect(parse("WHAT HAPPENED LAST WEEK?")?.phrase).toBe("LAST WEEK");
  });

  it("removes a leading phrase with its comma and keeps the capital", () => {
    const filter = parse("In June, what did Biden say about Gaza?");
    expect(filter?.phrase).toBe("In June");
    expect(filter?.remainder).toBe("What did Biden say about Gaza?");
  });

  it("drops a comma orphaned before the question mark", () => {
    expect(parse("What happened in Gaza, last week?")?.remainder).toBe("What happened in Gaza?");
  });

  it("tidies whitespace in the middle", () => {
    expect(parse("What  did   NATO decide  yesterday   about Ukraine ?")?.remainder).toBe(
      "What did NATO decide about Ukraine?",
    );
  });

  it("the earliest of two separate time expressions wins", () => {
    const filter = parse("What did the Sunday Times report on Monday about last year?");
    expect(filter?.phrase).toBe("on Monday");
    expect(filter?.remainder).toBe("What did the Sunday Times report about last year?");
  });

  it("returns null for a question without time words", () => {
    expect(parse("Who is the president of Ukraine?")).toBeNull();
  });
});

describe("parseTimeExpression: reference date", () => {
  it("rejects an invalid reference date", () => {
    expect(() => parseTimeExpression("today", "2025-02-30")).toThrow(RangeError);
    expect(() => parseTimeExpression("today", "25 July 2025")).toThrow(RangeError);
  });
});

describe("describeTimeFilter", () => {
  it("describes a range, a single day and open ends", () => {
    expect(describeTimeFilter({ from: "2025-06-01", to: "2025-06-30" })).toBe("from 2025-06-01 to 2025-06-30");
    expect(describeTimeFilter({ from: "2025-06-03", to: "2025-06-03" })).toBe("on 2025-06-03");
    expect(describeTimeFilter({ from: "2025-06-03", to: null })).toBe("from 2025-06-03 onwards");
    expect(describeTimeFilter({ from: null, to: "2023-12-31" })).toBe("up to 2023-12-31");
  });

  it("describes a parsed filter", () => {
    const filter = parse("What happened last month?");
    expect(filter && describeTimeFilter(filter)).toBe("from 2025-06-01 to 2025-06-30");
  });
});
