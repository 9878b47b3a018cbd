// cosignature/v1 (c2sp.org/tlog-cosignature) in signed notes and checkpoints: signing with a
// timestamp, verifying both signature types in one note, k-of-n witness policies, the future
// timestamp rule, typed errors, and the attacks the format is built against (a cosignature moved
// to another timestamp or another checkpoint, a witness counted twice, a note cosigned by
// witnesses but not signed by the log).
import { beforeAll, describe, expect, it } from "vitest";
import { toHex } from "../../src/encoding.js";
import { initKeys, type KeyPair, keyPairFromSeed } from "../../src/keys/sodium.js";
import {
  CheckpointError,
  checkNote,
  cosignCheckpoint,
  decodeTimestamped,
  encodeTimestamped,
  formatSignerKey,
  NoteError,
  type NoteSigner,
  noteVerifier,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signatureLines,
  signCheckpoint,
  signNote,
  verifyCheckpoint,
} from "../../src/merkle/index.js";

let log: KeyPair;
let w1: KeyPair;
let w2: KeyPair;
let w3: KeyPair;
const T = 1_700_000_000; // 2023-11-14T22:13:20Z
const NOW = (T + 60) * 1000;
const ROOT = new Uint8Array(32).fill(3);

beforeAll(async () => {
  await initKeys();
  log = keyPairFromSeed(new Uint8Array(32).fill(1));
  w1 = keyPairFromSeed(new Uint8Array(32).fill(2));
  w2 = keyPairFromSeed(new Uint8Array(32).fill(3));
  w3 = keyPairFromSeed(new Uint8Array(32).fill(4));
});

const v1 = (name: string, kp: KeyPair): NoteSigner => ({
  name,
  secretKey: kp.secretKey,
  type: "cosignature/v1",
});
const logNote = (size = 5) =>
  signCheckpoint({ origin: "example.org/log", size, root: ROOT }, [
    { name: "example.org/log", secretKey: log.secretKey },
  ]);
const policy = (extra: object = {}) => ({
  keys: [noteVerifier("example.org/log", log.publicKey)],
  witnesses: [
    noteVerifier("w1.example", w1.publicKey, "cosignature/v1"),
    noteVerifier("w2.example", w2.publicKey, "cosignature/v1"),
    noteVerifier("w3.example", w3.publicKey, "cosignature/v1"),
  ],
  now: NOW,
  ...extra,
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e instanceof CheckpointError || e instanceof NoteError, String(e)).toBe(true);
    return (e as CheckpointError).code;
  }
  throw new Error("expected a CheckpointError or NoteError");
}

describe("signing and checking cosignature/v1 lines", () => {
  it("a v1 signer signs with the timestamp; checkNote reports the type and timestamp", () => {
    const note = cosignCheckpoint(logNote(), [v1("w1.example", w1)], { timestamp: T });
    const sig = parseNote(note).signatures[1]!;
    expect(sig.signature).toHaveLength(72);
    expect(decodeTimestamped(sig.signature).timestamp).toBe(BigInt(T));
    const r = checkNote(note, [noteVerifier("w1.example", w1.publicKey, "cosignature/v1")], { now: NOW });
    expect(r.signatures.map((s) => [s.name, s.type, s.timestamp])).toEqual([
      ["w1.example", "cosignature/v1", T],
    ]);
    expect(r.unknown.map((s) => s.name)).toEqual(["example.org/log"]);
  });

  it("the timestamp defaults to now (seconds) and is checked", () => {
    const before = Math.floor(Date.now() / 1000);
    const lines = signatureLines(logNote(), [v1("w1.example", w1)]);
    const raw = Buffer.from(lines.trim().split(" ")[2]!, "base64");
    const ts = Number(raw.readBigUInt64BE(4));
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(() => signatureLines(logNote(), [v1("w", w1)], { timestamp: -1 })).toThrow(RangeError);
    expect(() => signatureLines(logNote(), [v1("w", w1)], { timestamp: 1.5 })).toThrow(RangeError);
    expect(() => signatureLines(logNote(), [v1("w", w1)], { timestamp: "1" as unknown as number })).toThrow(
      TypeError,
    );
    expect(() => encodeTimestamped(2 ** 53, new Uint8Array(64))).toThrow(RangeError);
  });

  it("signatureLines answers only the lines; a note with them appended verifies", () => {
    const note = logNote();
    const lines = signatureLines(note, [v1("w1.example", w1), v1("w2.example", w2)], { timestamp: T });
    expect(lines.split("\n")).toHaveLength(3);
    expect(lines.startsWith("— w1.example ")).toBe(true);
    expect(verifyCheckpoint(note + lines, policy({ require: 2 })).witnesses.map((w) => w.name)).toEqual([
      "w1.example",
      "w2.example",
    ]);
  });

  it("cosignCheckpoint refuses a note that is not a checkpoint", () => {
    const note = signNote("not\na checkpoint\n", [{ name: "k", secretKey: log.secretKey }]);
    expect(codeOf(() => cosignCheckpoint(note, [v1("w", w1)]))).toBe("ERR_CHECKPOINT_MALFORMED");
  });

  it("signer and verifier keys of type 0x04 round-trip; other type bytes are refused", () => {
    const skey = formatSignerKey("w1.example", w1, "cosignature/v1");
    const s = parseSignerKey(skey);
    expect(s.type).toBe("cosignature/v1");
    expect(s.publicKey).toEqual(w1.publicKey);
    expect(Buffer.from(skey.split("+").slice(4).join("+"), "base64")[0]).toBe(0x04);
    for (const type of [0x02, 0x03, 0x05, 0xff]) {
      const raw = Buffer.from([type, ...w1.publicKey]).toString("base64");
      expect(codeOf(() => parseVerifierKey(`w1.example+00000000+${raw}`))).toBe("ERR_NOTE_KEY");
    }
    expect(() => noteVerifier("w", w1.publicKey, "ecdsa" as never)).toThrow(TypeError);
  });
});

describe("what does not verify", () => {
  it("a cosignature moved to another timestamp, another checkpoint or another type", () => {
    const note = cosignCheckpoint(logNote(), [v1("w1.example", w1)], { timestamp: T });
    const [text, block] = [
      note.slice(0, note.lastIndexOf("\n\n") + 1),
      note.slice(note.lastIndexOf("\n\n") + 2),
    ];
    const w1v = noteVerifier("w1.example", w1.publicKey, "cosignature/v1");
    const lines = block.trim().split("\n");
    const raw = Buffer.from(lines[1]!.split(" ")[2]!, "base64");
    // Timestamp + 1 in the line: the signature no longer matches.
    raw.writeBigUInt64BE(BigInt(T + 1), 4);
    const moved = `${text}\n${lines[0]}\n— w1.example ${raw.toString("base64")}\n`;
    expect(checkNote(moved, [w1v], { now: NOW }).invalid).toEqual([
      { name: "w1.example", keyId: toHex(w1v.keyId), reason: "signature" },
    ]);
    // The line under another checkpoint (size 6) of the same log.
    const other = `${logNote(6)}${lines[1]}\n`;
    expect(checkNote(other, [w1v], { now: NOW }).invalid.map((s) => s.reason)).toEqual(["signature"]);
    // A verifier of the plain type for the same name and key has another key id: unknown.
    expect(checkNote(note, [noteVerifier("w1.example", w1.publicKey)], { now: NOW }).unknown).toHaveLength(2);
  });

  it("a 68-byte plain signature under a v1 key id, or a timestamp past 2^53 − 1, is malformed", () => {
    const w1v = noteVerifier("w1.example", w1.publicKey, "cosignature/v1");
    const plain = Buffer.concat([w1v.keyId, new Uint8Array(64)]).toString("base64");
    const big = Buffer.concat([w1v.keyId, Buffer.alloc(8, 0x7f), new Uint8Array(64)]).toString("base64");
    const tooBig = Buffer.concat([w1v.keyId, Buffer.alloc(8, 0xff), new Uint8Array(64)]).toString("base64");
    for (const b64 of [plain, big, tooBig])
      expect(checkNote(`${logNote()}— w1.example ${b64}\n`, [w1v], { now: NOW }).invalid).toEqual([
        { name: "w1.example", keyId: toHex(w1v.keyId), reason: "malformed" },
      ]);
    expect(codeOf(() => decodeTimestamped(Buffer.from(tooBig, "base64").subarray(4)))).toBe(
      "ERR_NOTE_MALFORMED",
    );
    expect(codeOf(() => decodeTimestamped(new Uint8Array(71)))).toBe("ERR_NOTE_MALFORMED");
  });

  it("a cosignature dated beyond the tolerance does not count, within it does", () => {
    const w1v = noteVerifier("w1.example", w1.publicKey, "cosignature/v1");
    const note = cosignCheckpoint(logNote(), [v1("w1.example", w1)], { timestamp: T });
    const at = (now: number, maxFutureMs?: number) =>
      checkNote(note, [w1v], { now, ...(maxFutureMs === undefined ? {} : { maxFutureMs }) });
    expect(at(T * 1000 - 10 * 60_000).signatures).toHaveLength(1); // exactly 10 minutes ahead
    expect(at(T * 1000 - 10 * 60_000 - 1).invalid.map((s) => s.reason)).toEqual(["future"]);
    expect(at(0, Number.POSITIVE_INFINITY).signatures).toHaveLength(1);
    expect(at(T * 1000 - 1000, 0).invalid.map((s) => s.reason)).toEqual(["future"]);
    expect(() => at(NOW, -1)).toThrow(RangeError);
  });
});

describe("verifyCheckpoint with witnesses: k of n", () => {
  it("counts the witnesses that cosigned and requires k of them", () => {
    const note = cosignCheckpoint(logNote(), [v1("w1.example", w1), v1("w3.example", w3)], { timestamp: T });
    const r = verifyCheckpoint(note, policy({ require: 2 }));
    expect(r.signers).toEqual(["example.org/log"]);
    expect(r.witnesses.map((w) => [w.name, w.timestamp])).toEqual([
      ["w1.example", T],
      ["w3.example", T],
    ]);
    expect(r.checkpoint.size).toBe(5);
    expect(codeOf(() => verifyCheckpoint(note, policy({ require: 3 })))).toBe("ERR_CHECKPOINT_WITNESSES");
    // Default: one witness when witnesses are given.
    expect(verifyCheckpoint(note, policy()).witnesses).toHaveLength(2);
    expect(codeOf(() => verifyCheckpoint(logNote(), policy()))).toBe("ERR_CHECKPOINT_WITNESSES");
    expect(verifyCheckpoint(logNote(), policy({ require: 0 })).witnesses).toEqual([]);
  });

  it("a witness counts once, whatever names or types its key is configured under", () => {
    const note = cosignNote2(logNote(), [
      v1("w1.example", w1),
      { name: "w1.example", secretKey: w1.secretKey },
      v1("w1.other", w1),
    ]);
    const p = {
      keys: [noteVerifier("example.org/log", log.publicKey)],
      witnesses: [
        noteVerifier("w1.example", w1.publicKey, "cosignature/v1"),
        noteVerifier("w1.example", w1.publicKey),
        noteVerifier("w1.other", w1.publicKey, "cosignature/v1"),
        noteVerifier("w2.example", w2.publicKey, "cosignature/v1"),
      ],
      now: NOW,
    };
    const r = verifyCheckpoint(note, { ...p, require: 1 });
    expect(r.witnesses.map((w) => `${w.name}/${w.type}`)).toEqual(["w1.example/cosignature/v1"]);
    expect(codeOf(() => verifyCheckpoint(note, { ...p, require: 2 }))).toBe("ERR_CHECKPOINT_WITNESSES");
  });

  it("plain Ed25519 witness signatures count for witnesses of that type", () => {
    const note = cosignNote2(logNote(), [
      { name: "w2.example", secretKey: w2.secretKey },
      v1("w1.example", w1),
    ]);
    const r = verifyCheckpoint(note, {
      keys: [noteVerifier("example.org/log", log.publicKey)],
      witnesses: [
        noteVerifier("w1.example", w1.publicKey, "cosignature/v1"),
        noteVerifier("w2.example", w2.publicKey),
      ],
      require: 2,
      now: NOW,
    });
    expect(r.witnesses.map((w) => [w.name, w.type, w.timestamp])).toEqual([
      ["w2.example", "ed25519", undefined],
      ["w1.example", "cosignature/v1", T],
    ]);
  });

  it("witness cosignatures without a valid log signature are not a checkpoint", () => {
    const note = cosignCheckpoint(logNote(), [v1("w1.example", w1)], { timestamp: T });
    const text = note.slice(0, note.indexOf("\n\n") + 1);
    const onlyWitness = `${text}\n${note.split("\n").at(-2)}\n`;
    expect(codeOf(() => verifyCheckpoint(onlyWitness, policy({ require: 0 })))).toBe("ERR_NOTE_UNVERIFIED");
    // Another log's key signing the same body does not help either.
    const other = keyPairFromSeed(new Uint8Array(32).fill(99));
    const forged = signCheckpoint({ origin: "example.org/log", size: 5, root: ROOT }, [
      { name: "example.org/log", secretKey: other.secretKey },
    ]);
    expect(codeOf(() => verifyCheckpoint(forged, policy({ require: 0 })))).toBe("ERR_NOTE_UNVERIFIED");
  });

  it("checks the policy: require within [0, n], no key twice, no log key as a witness", () => {
    const note = logNote();
    expect(() => verifyCheckpoint(note, policy({ require: 4 }))).toThrow(RangeError);
    expect(() => verifyCheckpoint(note, policy({ require: -1 }))).toThrow(RangeError);
    expect(() => verifyCheckpoint(note, policy({ require: 1.5 }))).toThrow(RangeError);
    expect(() => verifyCheckpoint(note, policy({ require: "1" }))).toThrow(TypeError);
    expect(() =>
      verifyCheckpoint(note, {
        keys: [noteVerifier("example.org/log", log.publicKey)],
        witnesses: [noteVerifier("example.org/log", log.publicKey)],
      }),
    ).toThrow(RangeError);
    expect(() =>
      verifyCheckpoint(note, {
        keys: [noteVerifier("example.org/log", log.publicKey)],
        witnesses: [noteVerifier("self", log.publicKey, "cosignature/v1")],
      }),
    ).toThrow(/cannot witness itself/);
    expect(() => verifyCheckpoint(note, { keys: "x" } as never)).toThrow(TypeError);
  });

  it("the origin check applies in the policy form too", () => {
    const note = cosignCheckpoint(logNote(), [v1("w1.example", w1)], { timestamp: T });
    expect(codeOf(() => verifyCheckpoint(note, policy({ origin: "example.org/other" })))).toBe(
      "ERR_CHECKPOINT_ORIGIN",
    );
  });
});

/** cosignNote with mixed signer types, one timestamp. */
function cosignNote2(note: string, signers: NoteSigner[]): string {
  return cosignCheckpoint(note, signers, { timestamp: T });
}
