// The real vLEI chain (QVI → Legal Entity → ECR, and the iXBRL attestation on top), issued
// 2022-06-21..26, validated with the real KELs and TELs of the two .cesr samples. The samples
// lack GLEIF's root log (EC1m0ZF6…, the delegator of the QVI-credential issuer Ez6QKIKL…) and
// the 2022 schema documents, so the strict verdict is pending and names exactly those pieces;
// the provisional verdict (what they decide once they arrive) follows the dates.
import { readdirSync, readFileSync } from "node:fs";
import { init } from "@chronoseal/core";
import { describeVectors, VLEI_STREAMS, vectorPath, vleiStream } from "@chronoseal/testkit";
import { beforeAll, expect, it } from "vitest";
import { EvidenceStore, type Missing, parseTelEvent } from "../../src/index.js";

const ROOT = "EC1m0ZF6ez1xoM8-jQsIbT5I3GpYnX4Zzh4om8_V1bnU";
const QVI_ISSUER = "Ez6QKIKLzrGqpq4v9Bj908pQanoRKwOgBXjPW-w-P_8Q";
const QVI = "E0m0vlIMbPVbNVfPTH3NcLW0iagpyke_4OVZN7YNFLkE";
const QVI_CRED = "Eb9r5x3NPd4iwvPnOiE2B-x7yNGTrM1Bxg9GoysCixwU";
const LE_CRED = "EhUmqWBP8tfvhyGwGg5fPFk55FXxQQb3rJm__YBxVSYE";
const ECR_CRED = "EgXJmyk8mdxuAUtYwj59LPYQ-K92i2Gs1Js93a0FcJ8A";
const IXBRL = "EBzltAGk2r2ztLpT7bqWln_Btb_pVowElbKxvqbG4_n4";
const SCHEMA = {
  qvi: "EWCeT9zTxaZkaC_3-amV2JtG6oUxNA36sCC0P5MI7Buw",
  le: "EWJkQCFvKuyxZi582yJPb0wcwuW3VXmFNuvbQuBpgmIs",
  ecr: "EKrJtKr528-QBE9VkhKLwpXXGJ4YyVrzYWSkR7KpsNdw",
  ixbrl: "Ehwr6tZh6XakKBKWQW07otQ9uCwg0g7CF-dPz9qb_fwQ",
  oor: "E2RzmSCFmG2a5U2OqZF-yUobeSYkW-a3FsN82eZXMxY0",
};

const brief = (m: readonly Missing[]) => m.map((x) => `${x.kind} ${x.id}`);

describeVectors("the real vLEI chain", () => {
  let store: EvidenceStore;
  beforeAll(async () => {
    await init();
    store = new EvidenceStore();
    for (const name of VLEI_STREAMS) expect(store.import(vleiStream(name)).rejected).toBe(0);
  });
  const at = (validOn: string, said = ECR_CRED) =>
    store.validate(said, { validOn, resolution: "1d", trustedRoots: [ROOT] });

  it("imports both streams: every message stored once per distinct copy, none refused", () => {
    // 70 messages, of which 31 are exact repeats across and within the two streams.
    expect(store.size).toBe(39);
    expect(store.evidence.acdcs.size).toBe(6);
  });

  it("is pending, naming exactly the root's KEL and the three schemas, as of every date", () => {
    for (const t of ["2022-06-20T12:00:00Z", "2022-06-22T08:00:00Z", "2022-06-27T00:00:00Z"]) {
      const v = at(t);
      expect(v).toMatchObject({ valid: false, status: "pending" });
      expect(brief(v.missing)).toEqual([
        `kel ${ROOT}`,
        `schema ${SCHEMA.ecr}`,
        `schema ${SCHEMA.qvi}`,
        `schema ${SCHEMA.le}`,
      ]);
      expect(v.links.map((l) => [l.credential, l.status, l.issuer, l.issuee])).toEqual([
        [ECR_CRED, "pending", QVI, "EMmpfMDxnqLMygo8dpXg-gYp2Ml8nIcgT9R4z8ocdy1w"],
        [LE_CRED, "pending", QVI, "EiVoa2Bjmlt0MpN0xYy_ywLN7QrQAXz6kk6eonuZYC18"],
        [QVI_CRED, "pending", QVI_ISSUER, QVI],
      ]);
      expect(v.missing.find((m) => m.kind === "kel")?.detail).toMatch(`delegator of ${QVI_ISSUER}`);
    }
  });

  it("provisionally (once the root's log and the schemas arrive): not yet issued, then valid", () => {
    expect(at("2022-06-20T12:00:00Z").provisional).toMatchObject({ valid: false, status: "not-yet-issued" });
    // 21 June, late: the QVI and LE credentials are issued (13:46, 13:55), the ECR is not (22 June).
    expect(at("2022-06-21T23:00:00Z").provisional).toMatchObject({
      valid: false,
      status: "not-yet-issued",
      reason: expect.stringContaining(ECR_CRED),
    });
    // 22 June 08:00: the ECR's issuance (15:47 that day) is in T's window: it counts.
    expect(at("2022-06-22T08:00:00Z").provisional).toMatchObject({ valid: true, status: "valid" });
    expect(at("2022-06-27T00:00:00Z").provisional).toMatchObject({ valid: true, status: "valid" });
    expect(at("2023-01-01T00:00:00Z").provisional).toMatchObject({ valid: true });
  });

  it("every edge of the real chain is judged: the ECR's AND of le (NI2I) and qvi (I2I)", () => {
    const v = at("2022-06-27T00:00:00Z");
    expect(v.edges.map((e) => [e.from, e.path, e.operator, e.to, e.result])).toEqual([
      [LE_CRED, "$.e.qvi", "I2I", QVI_CRED, "pending"],
      [ECR_CRED, "$.e.le", "NI2I", LE_CRED, "pending"],
      [ECR_CRED, "$.e.qvi", "I2I", QVI_CRED, "pending"],
    ]);
  });

  it("the iXBRL attestation fails for certain: its oor edge requires the OOR schema but points at the ECR", () => {
    const v = at("2022-06-27T00:00:00Z", IXBRL);
    expect(v).toMatchObject({ valid: false, status: "edge-failed" });
    expect(v.reason).toBe(
      `edge $.e.oor of ${IXBRL}: parent ${ECR_CRED} has schema ${SCHEMA.ecr}, not ${SCHEMA.oor}`,
    );
    // Its own issuance is authenticated: its issuer's log (EMmpfMDx…, not delegated) is complete.
    expect(v.links[0]).toMatchObject({ credential: IXBRL, status: "pending", anchoredAt: undefined });
    expect(brief(v.links[0]?.missing ?? [])).toEqual([`schema ${SCHEMA.ixbrl}`]);
    expect(store.status(IXBRL)).toMatchObject({
      state: "issued",
      issuance: { dt: "2022-06-26T00:42:14.162693+00:00" },
    });
  });

  it("status is a separate question: the ECR's issuance waits only for the root's log", () => {
    const s = store.status(ECR_CRED);
    expect(s).toMatchObject({ state: "pending", issuer: QVI, received: true });
    expect(brief(s.missing)).toEqual([`kel ${ROOT}`]);
  });

  it("the JSON bodies extracted from the streams import and agree with the streams", () => {
    const dir = vectorPath("acdc", "vLEI", "real-from-cesr");
    const docs = readdirSync(dir)
      .sort()
      .map((f) => JSON.parse(readFileSync(`${dir}/${f}`, "utf8")));
    const json = new EvidenceStore();
    const report = json.import(docs);
    expect(report).toMatchObject({ stored: 8, rejected: 0 });
    // Bare bodies are other copies than the streams' (which carry attachments): kept beside
    // them, they change no verdict; a second import of them is all duplicates.
    const before = at("2022-06-27T00:00:00Z");
    expect(store.import(docs)).toMatchObject({ stored: 8, duplicates: 0 });
    expect(store.import(docs)).toMatchObject({ stored: 0, duplicates: 8 });
    expect(at("2022-06-27T00:00:00Z")).toEqual(before);
    // Without any KEL, the chain waits for the issuers' logs (not for the root's).
    expect(
      brief(json.validate(ECR_CRED, { validOn: "2022-06-27T00:00:00Z", resolution: "1d" }).missing),
    ).toContain("registry EKjLp__-MVV_zYyyPePK9RAcMSbESTjdG-BN927aOYDY");
  });

  it("parses every real TEL event strictly", () => {
    for (const m of [
      ...store.evidence.registryEvents.values(),
      ...store.evidence.credentialEvents.values(),
    ].flat())
      expect(() => parseTelEvent(m.body, m.layout)).not.toThrow();
  });
});

describeVectors("keripy TEL vectors", () => {
  const load = (name: string) => readFileSync(vectorPath("acdc", "keripy-tel-vectors", `${name}.json`));

  it("parse and their SAIDs verify (iss, rev, bis, brv)", async () => {
    await init();
    const store = new EvidenceStore();
    for (const name of ["iss", "rev", "bis", "brv"]) {
      const r = store.import(new Uint8Array(load(name)));
      expect(r.items).toMatchObject([{ status: "stored", kind: "tel", ilk: name }]);
    }
    const events = [...store.evidence.credentialEvents.values()]
      .flat()
      .map((m) => parseTelEvent(m.body, m.layout));
    expect(events.map((e) => [e.ilk, e.said])).toEqual([
      ["iss", "EELqqdELW6CUVWfmsbt5sxfQfEOykyOWdUV12biBR4TH"],
      ["rev", "EGtAthwVjf0O9qsSz0HR-C63DSEBhn3kRoxvmuRFECOQ"],
      ["bis", "EK9X5Ih5z68pKA-dHMuEZXt_2avkzM8i1_gDKlFBGDM7"],
      ["brv", "EMBHVoEIM4GfoLtelLD6erwNLyO39PUyEAcC-N77OGoq"],
    ]);
    expect(events[2]).toMatchObject({
      registrySeal: { i: "EE3Xv6CWwEMpW-99rhPD9IHFCR2LN5ienLVI8yG5faBw", s: "3" },
    });
    // Synthetic events: no registry inception, no KEL. Kept, reported, authenticated by nothing.
    const status = store.status("DAtNTPnDFBnmlO6J44LXCrzZTAmpe-82b7BmQGtL4QhM");
    expect(status.state).toBe("pending");
    expect(brief(status.missing)).toEqual(["registry EE3Xv6CWwEMpW-99rhPD9IHFCR2LN5ienLVI8yG5faBw"]);
    expect(status.unauthenticated).toHaveLength(4);
  });

  it("one changed byte breaks the SAID, and the event is refused", () => {
    const bytes = new Uint8Array(load("iss"));
    const at = Buffer.from(bytes).indexOf("2021");
    bytes[at + 3] = 0x32; // 2021 → 2022
    const r = new EvidenceStore().import(bytes);
    expect(r.items[0]).toMatchObject({
      status: "rejected",
      reason: expect.stringMatching(/SAID does not verify/),
    });
  });
});
