// Typed errors for malformed fields: TEL events (field lists and order, hex numbers, seals,
// datetimes), credentials (issuer, registry, sections, edges and operators, authority limits),
// times and resolutions. A string where a number belongs is an error, never a silent default.
import { init } from "@chronoseal/core";
import { saidify } from "@chronoseal/keri";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CompactSectionError,
  FieldError,
  issuanceCounts,
  parseCredential,
  parseInstant,
  parseResolution,
  parseTelEvent,
  parseValidOn,
  revocationCounts,
  WindowError,
} from "../../src/index.js";

beforeAll(async () => {
  await init();
});

const E = "EL3PPJ0oad-y9pdmP68BmX0g9VxII7F0ymiD7y9On1PQ";
const iss = (over: Record<string, unknown> = {}) =>
  saidify({
    v: "KERI10JSON000000_",
    t: "iss",
    d: "",
    i: E,
    s: "0",
    ri: E,
    dt: "2022-06-21T13:46:09.308721+00:00",
    ...over,
  }).doc;

describe("TEL events", () => {
  it("parses keripy's shapes and keeps microseconds", () => {
    const ev = parseTelEvent(iss());
    expect(ev).toMatchObject({ ilk: "iss", credential: E, registry: E, sn: 0n, dt: { us: 721 } });
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ["a number sequence number", { s: 0 }, /\$\.s: expected a hex string, got number/],
    ["a revocation number on an issuance", { s: "1" }, /\$\.s: iss has sequence number 0/],
    ["a leading zero", { s: "00" }, /\$\.s: expected lowercase hex/],
    ["a datetime without zone", { dt: "2022-06-21T13:46:09" }, /\$\.dt: timestamp/],
    ["a number datetime", { dt: 1655819169 }, /\$\.dt: expected an RFC 3339 datetime string, got number/],
    ["a registry that is not a primitive", { ri: "registry-1" }, /\$\.ri: not a CESR primitive/],
  ];
  for (const [name, over, re] of bad) {
    it(`refuses ${name}`, () => {
      expect(() => parseTelEvent(iss(over))).toThrow(FieldError);
      expect(() => parseTelEvent(iss(over))).toThrow(re);
    });
  }

  it("refuses extra, missing or reordered fields", () => {
    const { dt: _dt, ...noDt } = iss();
    expect(() => parseTelEvent(noDt)).toThrow(/iss fields must be \[v,t,d,i,s,ri,dt\]/);
    expect(() => parseTelEvent({ ...iss(), x: 1 })).toThrow(/fields must be/);
    const { ri, dt: when, ...rest } = iss();
    expect(() => parseTelEvent({ ...rest, ri, dt: when })).not.toThrow();
    expect(() => parseTelEvent({ ...rest, dt: when, ri })).toThrow(/fields must be/);
  });

  it("a registry inception: self-addressing, NB without backers, toad in range", () => {
    const vcp = (over: Record<string, unknown>) =>
      saidify({
        v: "KERI10JSON000000_",
        t: "vcp",
        d: "",
        i: "",
        ii: E,
        s: "0",
        c: ["NB"],
        bt: "0",
        b: [],
        n: "0AAxyHwW6htOZ_rANOaZb2N2",
        ...over,
      }).doc;
    expect(parseTelEvent(vcp({}))).toMatchObject({ ilk: "vcp", issuer: E, toad: 0, config: ["NB"] });
    expect(() => parseTelEvent(vcp({ bt: "1" }))).toThrow(/\$\.bt: backer threshold 1 is out of range for 0/);
    expect(() => parseTelEvent(vcp({ c: "NB" }))).toThrow(/\$\.c: expected a list/);
  });
});

describe("credentials", () => {
  const cred = (over: Record<string, unknown> = {}, a: Record<string, unknown> = {}) => ({
    v: "ACDC10JSON000000_",
    d: E,
    i: E,
    ri: E,
    s: E,
    a: { d: E, i: E, dt: "2022-06-21T13:46:09.308721+00:00", ...a },
    ...over,
  });

  it("reads issuer, issuee, edges with default and explicit operators", () => {
    const c = parseCredential(
      cred({ e: { d: E, o: "OR", x: { n: "Ex", o: ["NOT", "DI2I"] }, g: { y: { n: "Ey" } } } }),
      E,
    );
    expect(c.edges).toMatchObject({
      operator: "OR",
      members: [
        { kind: "edge", label: "x", node: "Ex", operator: "DI2I", not: true },
        {
          kind: "group",
          label: "g",
          operator: "AND",
          members: [{ kind: "edge", node: "Ey", operator: undefined }],
        },
      ],
    });
  });

  const bad: [string, Record<string, unknown>, Record<string, unknown>, RegExp][] = [
    [
      "a string grace",
      {},
      { gracePeriod: "90" },
      /\$\.a\.gracePeriod: expected a non-negative integer number of days, got string "90"/,
    ],
    ["a fractional grace", {}, { gracePeriod: 0.5 }, /\$\.a\.gracePeriod/],
    [
      "an out-of-range grace",
      {},
      { gracePeriod: 1e13 },
      /\$\.a\.gracePeriod: 10000000000000 days is out of range/,
    ],
    [
      "a number pin",
      {},
      { pin: { max: 3 } },
      /\$\.a\.pin\.max: expected a lowercase hex sequence number string, got number 3/,
    ],
    ["an empty pin", {}, { pin: {} }, /\$\.a\.pin: a pin needs min or max/],
    ["an inverted pin", {}, { pin: { min: "5", max: "1" } }, /min 5 > max 1/],
    ["a number issuer", { i: 7 }, {}, /\$\.i: expected a non-empty string, got number 7/],
    ["a number edge node", { e: { d: E, x: { n: 5 } } }, {}, /\$\.e\.x\.n: expected a non-empty string/],
    [
      "an unknown operator",
      { e: { d: E, x: { n: "Ex", o: "XOR" } } },
      {},
      /\$\.e\.x\.o: expected I2I, NI2I, DI2I or NOT/,
    ],
    ["two unary operators", { e: { d: E, x: { n: "Ex", o: ["I2I", "NI2I"] } } }, {}, /two unary operators/],
    [
      "an unknown group operator",
      { e: { d: E, o: "NAND", x: { n: "Ex" } } },
      {},
      /\$\.e\.o: expected AND or OR/,
    ],
    [
      "an edge that is a string",
      { e: { d: E, x: "Ex" } },
      {},
      /\$\.e\.x: expected an edge or edge group block/,
    ],
  ];
  for (const [name, over, a, re] of bad) {
    it(`refuses ${name}`, () => {
      expect(() => parseCredential(cred(over, a), E)).toThrow(FieldError);
      expect(() => parseCredential(cred(over, a), E)).toThrow(re);
    });
  }

  it("a compact attribute or edge section is a missing section, not a malformed credential", () => {
    expect(() => parseCredential(cred({ a: "Ea" }), E)).toThrow(CompactSectionError);
    expect(() => parseCredential(cred({ e: "Ee" }), E)).toThrow(CompactSectionError);
  });

  it("edge fields the delegate wrote are listed as ignored", () => {
    const c = parseCredential(cred({ e: { d: E, x: { n: "Ex", grace: 1e13, pin: { max: "ff" } } } }), E);
    expect(c.edges?.members[0]).toMatchObject({ ignored: ["grace", "pin"] });
  });

  it("deep edge groups parse without recursion", () => {
    let e: Record<string, unknown> = { leaf: { n: "Ex" } };
    for (let i = 0; i < 400; i++) e = { g: e };
    expect(parseCredential(cred({ e: { d: E, ...e } }), E).edges?.kind).toBe("group");
  });
});

describe("times and windows", () => {
  it("keeps microseconds and compares windows on milliseconds", () => {
    expect(parseInstant("2022-06-21T13:46:09.308721+02:00", "$.dt")).toEqual({
      ms: Date.UTC(2022, 5, 21, 11, 46, 9, 308),
      us: 721,
    });
    const W = 86_400_000;
    const t = (s: string) => parseInstant(s, "t");
    expect(issuanceCounts(t("2025-01-03T23:59:59.999999Z"), t("2025-01-03T00:00:00Z"), W)).toBe(true);
    expect(issuanceCounts(t("2025-01-04T00:00:00Z"), t("2025-01-03T23:59:59.999999Z"), W)).toBe(false);
    expect(revocationCounts(t("2025-01-03T01:00:00Z"), t("2025-01-03T23:00:00Z"), W)).toBe(false);
    expect(revocationCounts(t("2025-01-03T23:00:00Z"), t("2025-01-04T00:00:00Z"), W)).toBe(true);
  });

  it("resolutions and validOn: typed errors for everything else", () => {
    expect(parseResolution("1d")).toBe(86_400_000);
    expect(parseResolution("250ms")).toBe(250);
    expect(parseResolution(3_600_000)).toBe(3_600_000);
    for (const bad of ["0d", "1 d", "1y", "-1h", "01d", "99999999999999999d"])
      expect(() => parseResolution(bad)).toThrow(WindowError);
    expect(() => parseResolution(true)).toThrow(TypeError);
    expect(() => parseValidOn("2025-01-01")).toThrow(WindowError);
    expect(() => parseValidOn(Number.NaN)).toThrow(WindowError);
    expect(() => parseValidOn({})).toThrow(TypeError);
    expect(parseValidOn(0)).toEqual({ ms: 0, us: 0 });
  });
});
