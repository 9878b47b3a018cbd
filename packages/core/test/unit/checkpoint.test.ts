// C2SP tlog checkpoints: body format and strict parsing, signing by the log, cosigning by
// witnesses, verification with an expected origin, and the checkpoint of a real tree.
import { beforeAll, describe, expect, it } from "vitest";
import { initKeys, type KeyPair, keyPairFromSeed } from "../../src/keys/sodium.js";
import {
  type Checkpoint,
  CheckpointError,
  cosignNote,
  formatCheckpoint,
  formatVerifierKey,
  MerkleTree,
  NoteError,
  noteVerifier,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  signCheckpoint,
  signNote,
  verifyCheckpoint,
  verifyConsistency,
} from "../../src/merkle/index.js";
import { leavesOf } from "../merkle-helpers.js";

let log: KeyPair;
let witness: KeyPair;
beforeAll(async () => {
  await initKeys();
  log = keyPairFromSeed(new Uint8Array(32).fill(7));
  witness = keyPairFromSeed(new Uint8Array(32).fill(8));
});

const ROOT = new Uint8Array(32).fill(3);
const ROOT_B64 = Buffer.from(ROOT).toString("base64");

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e instanceof CheckpointError || e instanceof NoteError, String(e)).toBe(true);
    return (e as CheckpointError).code;
  }
  throw new Error("expected a typed error");
}

describe("checkpoint bodies", () => {
  it("formats origin, decimal size, base64 root and extension lines, ending in a newline", () => {
    const cp: Checkpoint = {
      origin: "example.com/log",
      size: 12345,
      root: ROOT,
      extensions: ["ext one", "x"],
    };
    const text = formatCheckpoint(cp);
    expect(text).toBe(`example.com/log\n12345\n${ROOT_B64}\next one\nx\n`);
    expect(parseCheckpoint(text)).toEqual(cp);
    expect(parseCheckpoint(`o\n0\n${ROOT_B64}\n`)).toEqual({ origin: "o", size: 0, root: ROOT });
    expect(parseCheckpoint(`o\n${Number.MAX_SAFE_INTEGER}\n${ROOT_B64}\n`).size).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });

  it("rejects malformed bodies with ERR_CHECKPOINT_MALFORMED", () => {
    const bad = [
      `o\n1\n${ROOT_B64}`, // no final newline
      "o\n1\n",
      `\n1\n${ROOT_B64}\n`, // empty origin
      `o\n01\n${ROOT_B64}\n`, // leading zero
      `o\n+1\n${ROOT_B64}\n`,
      `o\n-1\n${ROOT_B64}\n`,
      `o\n1.0\n${ROOT_B64}\n`,
      `o\n 1\n${ROOT_B64}\n`,
      `o\n1e3\n${ROOT_B64}\n`,
      `o\n\n${ROOT_B64}\n`,
      `o\n9007199254740992\n${ROOT_B64}\n`, // 2^53: beyond safe integers
      `o\n18446744073709551616\n${ROOT_B64}\n`,
      "o\n1\nAAAA\n", // 3-byte root
      `o\n1\n${ROOT_B64.replace(/=$/, "")}\n`, // unpadded
      `o\n1\n${ROOT_B64.replace("A", "-")}\n`, // base64url
      `o\n1\n${ROOT_B64}\n\n`, // empty extension line
      `o\n1\n${ROOT_B64}\next\u0000\n`, // control character
      `o\u0007\n1\n${ROOT_B64}\n`,
    ];
    for (const text of bad)
      expect(
        codeOf(() => parseCheckpoint(text)),
        JSON.stringify(text),
      ).toBe("ERR_CHECKPOINT_MALFORMED");
  });

  it("refuses to format a checkpoint that would not parse", () => {
    expect(() => formatCheckpoint({ origin: "", size: 1, root: ROOT })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ origin: "a\nb", size: 1, root: ROOT })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ origin: "o", size: 1, root: ROOT, extensions: [""] })).toThrow(
      CheckpointError,
    );
    expect(() => formatCheckpoint({ origin: "o", size: -1, root: ROOT })).toThrow(RangeError);
    expect(() => formatCheckpoint({ origin: "o", size: 2 ** 53, root: ROOT })).toThrow(RangeError);
    expect(() => formatCheckpoint({ origin: "o", size: 1, root: ROOT.subarray(1) })).toThrow(RangeError);
    expect(() => formatCheckpoint({ origin: "o", size: "1" as unknown as number, root: ROOT })).toThrow(
      TypeError,
    );
  });
});

describe("signed checkpoints", () => {
  it("a log signs, a witness cosigns, a verifier checks both; unknown signers are ignored", () => {
    const cp = {
      origin: "chronoseal.example/lock/door-1",
      size: 42,
      root: ROOT,
      extensions: ["last-seq 41"],
    };
    let note = signCheckpoint(cp, [{ name: cp.origin, secretKey: log.secretKey }]);
    note = cosignNote(note, [{ name: "witness-a", secretKey: witness.secretKey }]);
    const logKey = parseVerifierKey(formatVerifierKey(cp.origin, log.publicKey));
    const witnessKey = noteVerifier("witness-a", witness.publicKey);
    const both = verifyCheckpoint(note, [logKey, witnessKey], { origin: cp.origin });
    expect(both.signers).toEqual([cp.origin, "witness-a"]);
    expect(both.checkpoint).toEqual(cp);
    const onlyLog = verifyCheckpoint(note, [logKey]);
    expect(onlyLog.signers).toEqual([cp.origin]);
    expect(onlyLog.unknown.map((u) => u.name)).toEqual(["witness-a"]);
    expect(codeOf(() => verifyCheckpoint(note, [logKey], { origin: "other" }))).toBe("ERR_CHECKPOINT_ORIGIN");
    expect(codeOf(() => verifyCheckpoint(note, [noteVerifier("other", witness.publicKey)]))).toBe(
      "ERR_NOTE_UNVERIFIED",
    );
    // Changing the size or the root breaks every signature.
    expect(codeOf(() => verifyCheckpoint(note.replace("\n42\n", "\n43\n"), [logKey, witnessKey]))).toBe(
      "ERR_NOTE_UNVERIFIED",
    );
  });

  it("a verified note whose text is not a checkpoint is rejected", () => {
    const key = [noteVerifier("o", log.publicKey)];
    for (const text of ["o\n01\nAAAA\n", "just a note\n", `o\n1\n${ROOT_B64}\n\next after a blank line\n`]) {
      const note = signNote(text, [{ name: "o", secretKey: log.secretKey }]);
      expect(openNote(note, key).text).toBe(text);
      expect(
        codeOf(() => verifyCheckpoint(note, key)),
        text,
      ).toBe("ERR_CHECKPOINT_MALFORMED");
    }
  });

  it("checkpoints of a growing tree are consistent", () => {
    const tree = MerkleTree.fromLeaves(leavesOf(1000));
    const signer = [{ name: "log.example", secretKey: log.secretKey }];
    const key = [noteVerifier("log.example", log.publicKey)];
    const a = verifyCheckpoint(
      signCheckpoint({ origin: "log.example", size: 600, root: tree.rootAt(600) }, signer),
      key,
    );
    const b = verifyCheckpoint(
      signCheckpoint({ origin: "log.example", size: 1000, root: tree.root() }, signer),
      key,
    );
    const proof = tree.consistencyProof(600, 1000);
    expect(
      verifyConsistency(a.checkpoint.size, b.checkpoint.size, a.checkpoint.root, b.checkpoint.root, proof),
    ).toBe(true);
  });
});
