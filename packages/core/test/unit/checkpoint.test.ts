import { beforeAll, describe, expect, it } from "vitest";
import { initKeys, type KeyPair, keyPairFromSeed } from "../../src/keys/sodium.js";
import { parseCheckpoint, signCheckpoint, verifyCheckpoint } from "../../src/merkle/checkpoint.js";
import {
  cosignNote,
  formatVerifierKey,
  NoteError,
  openNote,
  parseVerifierKey,
  signNote,
} from "../../src/merkle/note.js";

let log: KeyPair;
let witness: KeyPair;
beforeAll(async () => {
  await initKeys();
  log = keyPairFromSeed(new Uint8Array(32).fill(7));
  witness = keyPairFromSeed(new Uint8Array(32).fill(8));
});

describe("signed notes and checkpoints", () => {
  it("signs, cosigns and verifies a checkpoint; unknown signers are ignored", () => {
    const cp = {
      origin: "chronoseal.example/lock/door-1",
      size: 42,
      root: new Uint8Array(32).fill(3),
      extensions: ["last-seq 41"],
    };
    let note = signCheckpoint(cp, [{ name: "door-1", secretKey: log.secretKey }]);
    note = cosignNote(note, [{ name: "witness-a", secretKey: witness.secretKey }]);
    const logKey = parseVerifierKey(formatVerifierKey("door-1", log.publicKey));
    const witnessKey = parseVerifierKey(formatVerifierKey("witness-a", witness.publicKey));
    const both = verifyCheckpoint(note, [logKey, witnessKey]);
    expect(both.signers).toEqual(["door-1", "witness-a"]);
    expect(both.checkpoint).toEqual(cp);
    const onlyLog = openNote(note, [logKey]);
    expect(onlyLog.verified).toEqual(["door-1"]);
    expect(onlyLog.unknown.map((u) => u.name)).toEqual(["witness-a"]);
    expect(() =>
      openNote(
        note,
        [witnessKey].map((w) => ({ ...w, name: "other" })),
      ),
    ).toThrow(NoteError);
  });

  it("rejects malformed notes and checkpoints", () => {
    const good = signNote("hello\n", [{ name: "k", secretKey: log.secretKey }]);
    const key = parseVerifierKey(formatVerifierKey("k", log.publicKey));
    const bad = [
      good.replace("\n\n", "\n"), // no blank line
      good.replace("hello", "hel\u0001lo"), // control character
      good.replace("— k ", "— k  "), // malformed line
      `${good}${good.slice(good.indexOf("— "))}`, // duplicate signature line
      good.replace(/ [A-Za-z0-9+/]+=*\n$/, " !!!\n"), // bad base64
      good.replace("hello", "hellO"), // altered text: no valid signature
    ];
    for (const b of bad) expect(() => openNote(b, [key]), JSON.stringify(b)).toThrow(NoteError);
    expect(() => signNote("no newline", [{ name: "k", secretKey: log.secretKey }])).toThrow(NoteError);
    expect(() => signNote("x\n", [{ name: "bad name", secretKey: log.secretKey }])).toThrow(NoteError);
    expect(() => parseVerifierKey("k+00000000+AQ==")).toThrow(NoteError);
    expect(() => parseVerifierKey(formatVerifierKey("k", log.publicKey).replace("k+", "j+"))).toThrow(
      /key id/,
    );
    expect(() => parseCheckpoint("origin\n01\nAAAA\n")).toThrow(/size/);
    expect(() => parseCheckpoint("origin\n1\n")).toThrow(NoteError);
    expect(() => parseCheckpoint("origin\n1\nAAAA\n")).toThrow(/32 bytes/);
  });
});
