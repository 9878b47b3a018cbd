// Credential forms and registry kinds: a credential known only in compact form waits for its
// full sections; a credential whose SAID follows the ACDC spec's current rule (the SAID of the
// most compact form) validates like one that commits to its full form; a registry with backers
// accepts bis/brv only with enough backer receipts, and never iss/rev.
import { init, sha256 } from "@chronoseal/core";
import {
  compactAcdc,
  encodeMatter,
  messagize,
  parseCesr,
  receiptCouple,
  signerFromSeed,
} from "@chronoseal/keri";
import { beforeAll, describe, expect, it } from "vitest";
import {
  makeBackedIssuance,
  makeBackedRevocation,
  makeCredential,
  makeIssuance,
  makeRegistryInception,
} from "../../src/index.js";
import { buildChain, controller, DAY, day, SCHEMAS } from "../fixture.js";
import { chainStore, storeOf } from "../helpers.js";

beforeAll(async () => {
  await init();
});

const utf8 = new TextEncoder();

describe("compact and full forms", () => {
  it("a credential known only in compact form is pending on its full sections, then validates", () => {
    const c = buildChain();
    const full = c.messages.find(
      (m) =>
        Buffer.from(m).toString("latin1").includes(`"d":"${c.ecrCred}"`) &&
        m[2] === 0x76 &&
        Buffer.from(m).toString("latin1").startsWith('{"v":"ACDC'),
    ) as Uint8Array;
    const [m] = parseCesr(full);
    const compact = compactAcdc(m?.body as Record<string, unknown>);
    const others = c.messages.filter((x) => x !== full);
    const store = storeOf(c.schemas, ...others);
    // The 2022 vLEI credentials commit to their full form: the compact form cannot prove its SAID.
    expect(store.import([compact]).items[0]).toMatchObject({ status: "rejected" });
    const v = store.validate(c.ecrCred, { validOn: day(5), resolution: DAY, trustedRoots: [c.root.prefix] });
    expect(v).toMatchObject({ status: "pending", missing: [{ kind: "credential", id: c.ecrCred }] });
    store.import(full);
    expect(
      store.validate(c.ecrCred, { validOn: day(5), resolution: DAY, trustedRoots: [c.root.prefix] }).valid,
    ).toBe(true);
  });

  it("a credential whose SAID is its compact form's: the compact copy waits for the full one", () => {
    const issuer = controller("compact-issuer");
    const holder = controller("compact-holder");
    const messages = [issuer.icp, holder.icp, ...issuer.c.ensureRegistry()];
    const registry = issuer.c.registry as string;
    const acdc = makeCredential({
      issuer: issuer.c.prefix,
      registry,
      schema: SCHEMAS.le.said,
      issuee: holder.c.prefix,
      dt: day(2),
      attributes: { LEI: "506700GE1G29325QX363" },
      form: "compact",
    });
    const iss = makeIssuance({ credential: acdc.said, registry, dt: day(2) });
    messages.push(iss.raw, issuer.c.interact([{ i: acdc.said, s: "0", d: iss.said }]).message);
    const store = storeOf([SCHEMAS.le.doc], ...messages);
    const compact = compactAcdc(acdc.body);
    expect(store.import([compact]).items[0]).toMatchObject({ status: "stored" });
    const opts = { validOn: day(5), resolution: DAY, trustedRoots: [issuer.c.prefix] };
    const v = store.validate(acdc.said, opts);
    expect(v).toMatchObject({
      status: "pending",
      missing: [{ kind: "section", id: (acdc.body.a as { d: string }).d }],
    });
    store.import(acdc.raw);
    expect(store.validate(acdc.said, opts).valid).toBe(true);
  });
});

describe("registries with backers (bis/brv)", () => {
  function backed(receipts: number) {
    const issuer = controller("backed-issuer");
    const backers = [1, 2, 3].map((i) => signerFromSeed(sha256(utf8.encode(`backer-${i}`)), false));
    const vcp = makeRegistryInception({
      issuer: issuer.c.prefix,
      nonce: encodeMatter("0A", new Uint8Array(16).fill(9)),
      backers: backers.map((b) => b.verfer),
      toad: 2,
    });
    const messages = [issuer.icp, vcp.raw, issuer.c.interact([{ i: vcp.said, s: "0", d: vcp.said }]).message];
    const seal = { i: vcp.said, s: "0", d: vcp.said };
    const acdc = makeCredential({
      issuer: issuer.c.prefix,
      registry: vcp.said,
      schema: SCHEMAS.le.said,
      dt: day(2),
    });
    const bis = makeBackedIssuance({ credential: acdc.said, registrySeal: seal, dt: day(2) });
    const couples = backers.slice(0, receipts).map((b) => receiptCouple(bis.raw, b));
    messages.push(
      acdc.raw,
      messagize(bis.raw, { receipts: couples }),
      issuer.c.interact([{ i: acdc.said, s: "0", d: bis.said }]).message,
    );
    return { issuer, backers, vcp, acdc, bis, seal, messages, store: storeOf([SCHEMAS.le.doc], ...messages) };
  }
  const opts = (root: string, t = day(5)) => ({ validOn: t, resolution: DAY, trustedRoots: [root] });

  it("an anchored bis with enough backer receipts issues; fewer is pending on exactly the receipts", () => {
    const ok = backed(2);
    expect(ok.store.validate(ok.acdc.said, opts(ok.issuer.c.prefix)).valid).toBe(true);
    const short = backed(1);
    const v = short.store.validate(short.acdc.said, opts(short.issuer.c.prefix));
    expect(v).toMatchObject({
      status: "pending",
      missing: [{ kind: "backer-receipts", id: short.bis.said }],
    });
    // The missing receipt arrives as another copy of the event: the copies' receipts add up.
    short.store.import(
      messagize(short.bis.raw, { receipts: [receiptCouple(short.bis.raw, short.backers[2] as never)] }),
    );
    expect(short.store.validate(short.acdc.said, opts(short.issuer.c.prefix)).valid).toBe(true);
    expect(short.store.status(short.acdc.said).state).toBe("issued");
    // A receipt by someone who is not a backer counts for nothing.
    const stranger = backed(1);
    const eve = signerFromSeed(sha256(utf8.encode("not-a-backer")), false);
    stranger.store.import(messagize(stranger.bis.raw, { receipts: [receiptCouple(stranger.bis.raw, eve)] }));
    expect(stranger.store.validate(stranger.acdc.said, opts(stranger.issuer.c.prefix)).status).toBe(
      "pending",
    );
  });

  it("brv revokes with receipts; an iss in a backed registry is not accepted", () => {
    const b = backed(3);
    const brv = makeBackedRevocation({
      credential: b.acdc.said,
      issuance: b.bis.said,
      registrySeal: b.seal,
      dt: day(4),
    });
    b.store.import(messagize(brv.raw, { receipts: b.backers.map((k) => receiptCouple(brv.raw, k)) }));
    b.store.import(b.issuer.c.interact([{ i: b.acdc.said, s: "1", d: brv.said }]).message);
    expect(b.store.validate(b.acdc.said, opts(b.issuer.c.prefix, day(6)))).toMatchObject({
      status: "revoked",
    });
    const wrong = makeIssuance({ credential: b.acdc.said, registry: b.vcp.said, dt: day(1) });
    b.store.import(wrong.raw);
    b.store.import(b.issuer.c.interact([{ i: b.acdc.said, s: "0", d: wrong.said }]).message);
    expect(b.store.status(b.acdc.said).unauthenticated).toContainEqual(
      expect.objectContaining({ said: wrong.said, reason: "iss does not belong in a registry with backers" }),
    );
  });

  it("a registry without backers refuses bis", () => {
    const c = buildChain();
    const reg = c.le.registry as string;
    const bis = makeBackedIssuance({
      credential: c.ecrCred,
      registrySeal: { i: reg, s: "0", d: reg },
      dt: day(1),
    });
    const store = chainStore(c, [bis.raw, c.le.interact([{ i: c.ecrCred, s: "0", d: bis.said }]).message]);
    expect(store.status(c.ecrCred)).toMatchObject({
      state: "issued",
      issuance: { dt: expect.stringMatching(/^2025-01-03/) },
    });
  });
});
