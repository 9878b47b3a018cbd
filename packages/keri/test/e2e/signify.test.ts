// Cross-implementation checks against signify-ts (WebOfTrust's TypeScript KERI library, a test
// dependency only): SAIDs of random documents, qb64 of primitives, and key event logs made by
// either side are accepted and read identically by the other. Property tests use fixed seeds.
import { init } from "@chronoseal/core";
import fc from "fast-check";
import * as signify from "signify-ts";
import { beforeAll, describe, expect, it } from "vitest";
import {
  concatStream,
  decodeCounter,
  decodeIndexer,
  decodeMatter,
  encodeCounter,
  encodeIndexer,
  encodeMatter,
  MATTER_SIZES,
  matterRawSize,
  nextKeyDigest,
  parseCesr,
  replayKels,
  saidify,
  verifySaid,
} from "../../src/index.js";
import { Controller } from "../kel-fixture.js";

const utf8 = new TextEncoder();

beforeAll(async () => {
  await init();
  await signify.ready();
});

describe("SAIDs agree with signify-ts Saider", () => {
  it("random documents (property)", () => {
    // "v" would be read as a version string; integer-like keys reorder in JavaScript objects.
    const key = fc
      .string({ minLength: 1, maxLength: 8 })
      .filter((k) => k !== "d" && k !== "v" && !/^\d+$/.test(k));
    fc.assert(
      fc.property(fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 }), (fields) => {
        const doc = { d: "", ...fields };
        const [saider, sad] = signify.Saider.saidify(structuredClone(doc));
        const ours = saidify(doc);
        expect(ours.said).toBe(saider.qb64);
        expect(ours.doc).toEqual(sad);
        expect(verifySaid(ours.raw)).toMatchObject({ ok: true, said: saider.qb64 });
        expect(signify.Saider.saidify(structuredClone(ours.doc))[0].qb64).toBe(ours.said);
      }),
      { seed: 1501, numRuns: 150 },
    );
  });
});

describe("qb64 agrees with signify-ts Matter, Indexer and Counter", () => {
  // Codes both tables define with the same sizes (signify-ts 0.3 keeps the 2022 size of 1AAE).
  const shared = [...MATTER_SIZES.keys()].filter(
    (c) =>
      signify.Matter.Sizes.get(c)?.fs === MATTER_SIZES.get(c)?.fs &&
      MATTER_SIZES.get(c)?.fs !== null &&
      MATTER_SIZES.get(c)?.ss === 0,
  );

  it("fixed-size primitives (property)", () => {
    expect(shared.length).toBeGreaterThan(30);
    fc.assert(
      fc.property(
        fc.constantFrom(...shared),
        fc.uint8Array({ minLength: 200, maxLength: 200 }),
        (code, pool) => {
          const raw = pool.subarray(0, matterRawSize(code));
          const theirs = new signify.Matter({ raw, code }).qb64;
          expect(encodeMatter(code, raw)).toBe(theirs);
          expect([...decodeMatter(theirs).raw]).toEqual([...raw]);
          expect([...new signify.Matter({ qb64: encodeMatter(code, raw) }).raw]).toEqual([...raw]);
        },
      ),
      { seed: 1502, numRuns: 300 },
    );
  });

  it("indexed signatures with index and ondex (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.nat(63),
        fc.nat(4095),
        fc.nat(4095),
        (raw, small, big, other) => {
          const a = new signify.Indexer({ raw, code: "A", index: small }).qb64;
          expect(encodeIndexer("A", raw, small)).toBe(a);
          expect(decodeIndexer(a)).toMatchObject({ code: "A", index: small, ondex: small });
          const b = new signify.Indexer({ raw, code: "2A", index: big, ondex: other }).qb64;
          expect(encodeIndexer("2A", raw, big, { ondex: other })).toBe(b);
          expect(decodeIndexer(b)).toMatchObject({ index: big, ondex: other });
          const crt = new signify.Indexer({ qb64: encodeIndexer("2B", raw, big) });
          expect([crt.code, crt.index, crt.ondex]).toEqual(["2B", big, undefined]);
        },
      ),
      { seed: 1503, numRuns: 200 },
    );
  });

  it("count codes", () => {
    for (const code of ["-A", "-B", "-C", "-D", "-E", "-F", "-G", "-H", "-I", "-J", "-K", "-L", "-V"]) {
      for (const count of [0, 1, 17, 4095]) {
        const theirs = new signify.Counter({ code, count }).qb64;
        expect(encodeCounter(code, count)).toBe(theirs);
        expect(decodeCounter(theirs)).toMatchObject({ code, count });
      }
    }
    expect(new signify.Counter({ qb64: encodeCounter("-0V", 70000) }).count).toBe(70000);
  });
});

function seeded(n: number, label: string): signify.Signer[] {
  return Array.from({ length: n }, (_, i) => {
    const seed = new Uint8Array(32);
    const tag = utf8.encode(`${label}:${i}`);
    seed.set(tag.subarray(0, 32));
    return new signify.Signer({ raw: seed, transferable: true });
  });
}

describe("key event logs made by signify-ts replay here", () => {
  it("icp → rot → ixn with numeric and weighted thresholds (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.nat(1000),
        fc.integer({ min: 1, max: 5 }),
        (nkeys, weighted, salt, interactions) => {
          const k0 = seeded(nkeys, `k0-${salt}`);
          const k1 = seeded(nkeys, `k1-${salt}`);
          const k2 = seeded(nkeys, `k2-${salt}`);
          const dig = (ss: signify.Signer[]) =>
            ss.map((s) => new signify.Diger({ code: "E" }, utf8.encode(s.verfer.qb64)).qb64);
          const sith = weighted
            ? Array.from({ length: nkeys }, () => `1/${nkeys}`)
            : Math.max(1, Math.ceil(nkeys / 2)).toString(16);
          const icp = signify.incept({
            keys: k0.map((s) => s.verfer.qb64),
            isith: sith,
            ndigs: dig(k1),
            nsith: sith,
            code: "E",
          });
          const sign = (serder: signify.Serder, ss: signify.Signer[]) =>
            signify.messagize(
              serder,
              ss.map((s, i) => s.sign(utf8.encode(serder.raw), i) as signify.Siger),
            );
          const msgs = [sign(icp, k0)];
          const rot = signify.rotate({
            pre: icp.pre,
            keys: k1.map((s) => s.verfer.qb64),
            dig: icp.said,
            sn: 1,
            isith: sith,
            ndigs: dig(k2),
            nsith: sith,
          });
          msgs.push(sign(rot, k1));
          let prior = rot.said;
          for (let i = 0; i < interactions; i++) {
            const ixn = signify.interact({
              pre: icp.pre,
              dig: prior,
              sn: 2 + i,
              data: [{ d: icp.said }],
              version: undefined,
              kind: undefined,
            });
            msgs.push(sign(ixn, k1));
            prior = ixn.said;
          }
          const log = replayKels(parseCesr(concatStream(msgs))).get(icp.pre);
          expect(log?.status).toBe("accepted");
          expect(log?.rejected).toEqual([]);
          expect(log?.state).toMatchObject({
            sn: BigInt(1 + interactions),
            said: prior,
            lastEst: { said: rot.said },
          });
          expect(log?.state?.keys).toEqual(rot.sad.k);
          expect(log?.state?.nextDigests).toEqual(rot.sad.n);
          expect(log?.state?.kt.sith).toEqual(rot.sad.kt);
          // Our next-key digest is the one signify-ts committed to.
          expect(k2.map((s) => nextKeyDigest(s.verfer.qb64))).toEqual(rot.sad.n);
        },
      ),
      { seed: 1504, numRuns: 25 },
    );
  });
});

it("accepts keripy's integer thresholds (signify-ts incept with intive)", () => {
  const [k0] = seeded(1, "int0");
  const [k1] = seeded(1, "int1");
  const digs = [new signify.Diger({ code: "E" }, utf8.encode(k1?.verfer.qb64 ?? "")).qb64];
  const icp = signify.incept({
    keys: [k0?.verfer.qb64 ?? ""],
    isith: 1,
    ndigs: digs,
    nsith: 1,
    code: "E",
    intive: true,
  });
  expect(icp.sad.kt).toBe(1);
  expect(icp.sad.bt).toBe(0);
  const msg = signify.messagize(icp, [k0?.sign(utf8.encode(icp.raw), 0) as signify.Siger]);
  expect(replayKels(parseCesr(msg)).get(icp.pre)?.state?.kt).toMatchObject({ sith: 1, count: 1 });
});

describe("events made here are read identically by signify-ts", () => {
  it("Serder re-serializes our bytes exactly; Saider, Verfer and Indexer accept our SAIDs and signatures", () => {
    const c = new Controller({ keys: 3, witnesses: 2 });
    const events = [
      c.incept({ kt: [["1/2", "1/2", "1/2"]] }),
      c.interact([{ d: "Eanchor" }]),
      c.rotate(),
      c.interact(),
    ];
    let keys: string[] = [];
    for (const ev of events) {
      keys = (ev.body.k as string[] | undefined) ?? keys;
      const serder = new signify.Serder(structuredClone(ev.body));
      expect(serder.raw).toBe(new TextDecoder().decode(ev.raw));
      expect(serder.said).toBe(ev.said);
      if (ev.body.t === "icp") {
        // signify-ts derives a self-addressing prefix as its incept() does ("d" and "i" dummied).
        expect(new signify.Prefixer({ code: "E" }, structuredClone(ev.body)).qb64).toBe(ev.said);
      } else {
        expect(new signify.Saider({ qb64: ev.said }).verify(structuredClone(ev.body), true)).toBe(true);
      }
      const [msg] = parseCesr(ev.message);
      for (const sig of msg?.attachments.controllerSigs ?? []) {
        const siger = new signify.Siger({ qb64: sig.qb64 });
        const key = keys[siger.index] as string;
        expect(new signify.Verfer({ qb64: key }).verify(siger.raw, ev.raw)).toBe(true);
      }
    }
    // signify-ts's Tholder reads our weighted threshold the same way.
    const tholder = new signify.Tholder({ sith: events[0]?.body.kt });
    expect(tholder.satisfy([0, 1])).toBe(true);
    expect(tholder.satisfy([2])).toBe(false);
  });
});
