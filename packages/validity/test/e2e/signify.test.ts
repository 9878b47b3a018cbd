// Cross-implementation check: a credential chain made entirely with signify-ts (WebOfTrust's
// TypeScript KERI library, a test dependency only) — inceptions, registries (vcp), issuances,
// revocations, ACDCs with section SAIDs, interaction events anchoring every TEL event, and a
// signed status reply — validates here exactly as the same chain made by chronoseal does, at
// every T; and chronoseal's ACDCs and TEL events read back through signify-ts' Serder/Saider.
import { init } from "@chronoseal/core";
import { parseCesr } from "@chronoseal/keri";
import * as signify from "signify-ts";
import { beforeAll, describe, expect, it } from "vitest";
import { EvidenceStore, keriDateTime, type Verdict, verifyDuplicityProof } from "../../src/index.js";
import { buildChain, DAY, day, SCHEMAS } from "../fixture.js";
import { chainStore } from "../helpers.js";

const utf8 = new TextEncoder();

beforeAll(async () => {
  await init();
  await signify.ready();
});

/** A signify-ts controller: keys from a label, its KEL as signed CESR messages. */
class SignifyController {
  readonly signers: signify.Signer[];
  readonly next: signify.Signer[];
  readonly pre: string;
  sn = 0;
  last: string;
  readonly log: string[] = [];
  registry = "";

  constructor(label: string) {
    const seed = (tag: string) => {
      const s = new Uint8Array(32);
      s.set(utf8.encode(`${label}:${tag}`).subarray(0, 32));
      return new signify.Signer({ raw: s, transferable: true });
    };
    this.signers = [seed("k0")];
    this.next = [seed("k1")];
    const icp = signify.incept({
      keys: this.signers.map((s) => s.verfer.qb64),
      isith: "1",
      ndigs: this.next.map((s) => new signify.Diger({ code: "E" }, utf8.encode(s.verfer.qb64)).qb64),
      nsith: "1",
      code: "E",
    });
    this.pre = icp.pre;
    this.last = icp.said;
    this.log.push(this.sign(icp));
  }

  sign(serder: signify.Serder, seal?: [string, { i: string; s: string; d: string }]): string {
    const sigers = this.signers.map((s, i) => s.sign(utf8.encode(serder.raw), i) as signify.Siger);
    return new TextDecoder().decode(signify.messagize(serder, sigers, seal));
  }

  anchor(seal: { i: string; s: string; d: string }): string {
    this.sn++;
    const ixn = signify.interact({
      pre: this.pre,
      dig: this.last,
      sn: this.sn,
      data: [seal],
      version: undefined,
      kind: undefined,
    });
    this.last = ixn.said;
    const msg = this.sign(ixn);
    this.log.push(msg);
    return msg;
  }

  /** A registry inception exactly as signify-ts' vdr.incept makes it (self-addressing i and d). */
  makeRegistry(): string[] {
    const sad: Record<string, unknown> = {
      v: signify.versify(signify.Protocols.KERI, undefined, signify.Serials.JSON, 0),
      t: "vcp",
      d: "",
      i: "",
      ii: this.pre,
      s: "0",
      c: ["NB"],
      bt: "0",
      b: [],
      n: "0AAxyHwW6htOZ_rANOaZb2N2",
    };
    const prefixer = new signify.Prefixer({ code: signify.MtrDex.Blake3_256 }, sad);
    sad.i = prefixer.qb64;
    sad.d = prefixer.qb64;
    const vcp = new signify.Serder(sad);
    this.registry = vcp.pre;
    return [vcp.raw, this.anchor({ i: vcp.pre, s: "0", d: vcp.said })];
  }

  /** An ACDC and its iss as signify-ts' Credentials.issue builds them, anchored here. */
  issue(args: {
    schema: string;
    issuee: string;
    dt: number;
    attributes: Record<string, unknown>;
    edges?: Record<string, unknown>;
  }): {
    said: string;
    iss: string;
    messages: string[];
  } {
    const [, subject] = signify.Saider.saidify({
      d: "",
      i: args.issuee,
      dt: keriDateTime(args.dt),
      ...args.attributes,
    });
    const edges = args.edges ? signify.Saider.saidify({ d: "", ...args.edges })[1] : undefined;
    const [, acdc] = signify.Saider.saidify({
      v: signify.versify(signify.Protocols.ACDC, undefined, signify.Serials.JSON, 0),
      d: "",
      i: this.pre,
      ri: this.registry,
      s: args.schema,
      a: subject,
      ...(edges ? { e: edges } : {}),
    });
    const [, iss] = signify.Saider.saidify({
      v: signify.versify(signify.Protocols.KERI, undefined, signify.Serials.JSON, 0),
      t: "iss",
      d: "",
      i: acdc.d,
      s: "0",
      ri: this.registry,
      dt: subject.dt,
    });
    const ixn = this.anchor({ i: iss.i, s: iss.s, d: iss.d });
    return {
      said: acdc.d,
      iss: iss.d,
      messages: [new signify.Serder(acdc).raw, new signify.Serder(iss).raw, ixn],
    };
  }

  revoke(said: string, iss: string, dt: number): string[] {
    const [, rev] = signify.Saider.saidify({
      v: signify.versify(signify.Protocols.KERI, undefined, signify.Serials.JSON, 0),
      t: "rev",
      d: "",
      i: said,
      s: "1",
      ri: this.registry,
      p: iss,
      dt: keriDateTime(dt),
    });
    return [new signify.Serder(rev).raw, this.anchor({ i: rev.i, s: rev.s, d: rev.d })];
  }

  /** A status reply made by signify-ts' reply(), signed with a -F group (SealEvent). */
  reply(said: string, iss: string, asOf: number, issuedAt: number): string {
    const rpy = signify.reply(
      `/tsn/credential/${this.pre}`,
      {
        vn: [1, 0],
        i: said,
        s: "0",
        d: iss,
        ri: this.registry,
        ra: {},
        a: { s: "1", d: this.last },
        dt: keriDateTime(issuedAt),
        et: "iss",
      },
      keriDateTime(asOf),
      undefined,
      signify.Serials.JSON,
    );
    return this.sign(rpy, ["SealEvent", { i: this.pre, s: "0", d: this.pre }]);
  }
}

function signifyChain(revokeLe?: number) {
  const root = new SignifyController("sroot");
  const qvi = new SignifyController("sqvi");
  const le = new SignifyController("sle");
  const person = new SignifyController("sperson");
  const out: string[] = [...root.makeRegistry(), ...qvi.makeRegistry(), ...le.makeRegistry()];
  const q = root.issue({
    schema: SCHEMAS.qvi.said,
    issuee: qvi.pre,
    dt: day(1),
    attributes: { LEI: "5493001KJTIIGC8Y1R12" },
  });
  const l = qvi.issue({
    schema: SCHEMAS.le.said,
    issuee: le.pre,
    dt: day(2),
    attributes: { LEI: "506700GE1G29325QX363" },
    edges: { qvi: { n: q.said, s: SCHEMAS.qvi.said } },
  });
  const e = le.issue({
    schema: SCHEMAS.ecr.said,
    issuee: person.pre,
    dt: day(3),
    attributes: { personLegalName: "Ines Gensinger", engagementContextRole: "Head of Communications" },
    edges: {
      o: "AND",
      le: { n: l.said, s: SCHEMAS.le.said, o: "I2I" },
      qvi: { n: q.said, s: SCHEMAS.qvi.said, o: "NI2I" },
    },
  });
  out.push(...q.messages, ...l.messages, ...e.messages);
  if (revokeLe !== undefined) out.push(...qvi.revoke(l.said, l.iss, revokeLe));
  const store = new EvidenceStore();
  store.import(Object.values(SCHEMAS).map((s) => s.doc));
  const report = store.import([...root.log, ...qvi.log, ...le.log, ...person.log, ...out].join(""));
  return { store, report, root, le, q, l, e };
}

const shape = (v: Verdict) => ({
  valid: v.valid,
  status: v.status,
  links: v.links.map((l) => [l.status, l.chain, l.issuedAt, l.revokedAt]),
  edges: v.edges.map((e) => [e.path, e.operator, e.result]),
  missing: v.missing.map((m) => m.kind),
});

describe("signify-ts made chains validate identically", () => {
  it("every T from before issuance to after a revocation, same verdicts as chronoseal's own chain", () => {
    const theirs = signifyChain(day(4, 6));
    expect(theirs.report.rejected).toBe(0);
    const ours = buildChain();
    const rev = ours.qvi.revoke(ours.leCred, day(4, 6));
    const mine = chainStore(ours, rev.messages);
    for (let h = 0; h <= 14; h++) {
      const t = day(1) + h * (DAY / 2);
      const a = theirs.store.validate(theirs.e.said, {
        validOn: t,
        resolution: DAY,
        trustedRoots: [theirs.root.pre],
      });
      const b = mine.validate(ours.ecrCred, {
        validOn: t,
        resolution: DAY,
        trustedRoots: [ours.root.prefix],
      });
      expect(shape(a)).toEqual(shape(b));
    }
    expect(theirs.store.status(theirs.l.said)).toMatchObject({
      state: "revoked",
      revocation: { dt: keriDateTime(day(4, 6)) },
    });
  });

  it('a signify-ts reply "not revoked" and a backdated revocation yield a verifiable duplicity proof', () => {
    const c = signifyChain();
    const reply = c.le.reply(c.e.said, c.e.iss, day(10), day(3));
    const rev = c.le.revoke(c.e.said, c.e.iss, day(8));
    c.store.import([reply, ...rev].join(""));
    const v = c.store.validate(c.e.said, { validOn: day(9), resolution: DAY, trustedRoots: [c.root.pre] });
    expect(v.status).toBe("duplicity");
    expect(verifyDuplicityProof(v.duplicity[0] as never).ok).toBe(true);
  });
});

describe("chronoseal's ACDCs and TEL events read back through signify-ts", () => {
  it("Serder parses them and Saider verifies their SAIDs", () => {
    const c = buildChain();
    let checked = 0;
    for (const bytes of c.messages) {
      const [m] = parseCesr(bytes);
      if (!m || !(m.version.protocol === "ACDC" || ["vcp", "iss", "rev"].includes(m.ilk ?? ""))) continue;
      const serder = new signify.Serder(m.body);
      expect(serder.raw).toBe(new TextDecoder().decode(m.raw));
      if (m.ilk === "vcp") {
        // A registry's identifier is self-addressing: signify-ts derives it with Prefixer.
        const prefixer = new signify.Prefixer(
          { code: signify.MtrDex.Blake3_256 },
          { ...m.body, d: "", i: "" },
        );
        expect(prefixer.qb64).toBe(m.body.i);
      } else {
        const saider = new signify.Saider({ qb64: m.body.d as string });
        expect(saider.verify(m.body, false, true, signify.Serials.JSON, "d")).toBe(true);
      }
      checked++;
    }
    expect(checked).toBe(9); // 3 registries, 3 credentials, 3 issuances
  });
});
