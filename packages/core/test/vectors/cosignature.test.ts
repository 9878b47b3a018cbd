// cosignature/v1 vectors derived from the C2SP specs' own text (c2sp.org/tlog-cosignature,
// c2sp.org/signed-note, c2sp.org/tlog-checkpoint), which the tests restate rather than read from
// a file: the example cosigned checkpoint, its cosignature line (key id, timestamp), the example
// signed message, and the key id formula "SHA-256(<name> ‖ "\n" ‖ 0x04 ‖ public key)[:4]" computed
// with @noble/hashes as the independent oracle. The example's witness public key is not published,
// so its signature is checked for shape only; signatures are checked against @noble/curves.
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { beforeAll, describe, expect, it } from "vitest";
import { toHex } from "../../src/encoding.js";
import { initKeys, type KeyPair, keyPairFromSeed } from "../../src/keys/sodium.js";
import {
  COSIGNATURE_V1_HEADER,
  COSIGNATURE_V1_LENGTH,
  cosignedMessage,
  cosignNote,
  decodeTimestamped,
  formatVerifierKey,
  noteKeyId,
  noteVerifier,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  verifyCheckpoint,
} from "../../src/merkle/index.js";

// c2sp.org/tlog-cosignature, "Below is an example of a checkpoint that contains a cosignature."
const SPEC_NOTE = `example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==
`;

// c2sp.org/tlog-cosignature, "Ed25519 signed message": the example message, line by line.
const SPEC_MESSAGE = [
  "cosignature/v1",
  "time 1679315147",
  "example.com/behind-the-sofa",
  "20852163",
  "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",
  "",
].join("\n");

const utf8 = (s: string) => new TextEncoder().encode(s);

let w: KeyPair;
beforeAll(async () => {
  await initKeys();
  w = keyPairFromSeed(new Uint8Array(32).fill(0x42));
});

describe("tlog-cosignature example (spec text)", () => {
  it("the example note parses: a log signature (4+64 bytes) and a cosignature/v1 (4+8+64 bytes)", () => {
    const { text, signatures } = parseNote(SPEC_NOTE);
    expect(parseCheckpoint(text)).toMatchObject({ origin: "example.com/behind-the-sofa", size: 20852163 });
    expect(signatures.map((s) => [s.name, s.signature.length])).toEqual([
      ["example.com/behind-the-sofa", 64],
      ["witness.example.com/w1", COSIGNATURE_V1_LENGTH],
    ]);
  });

  it("its cosignature carries key id 8d66cf3f and the example message's timestamp, 1679315147", () => {
    const cosig = parseNote(SPEC_NOTE).signatures[1]!;
    expect(toHex(cosig.keyId)).toBe("8d66cf3f");
    const t = decodeTimestamped(cosig.signature);
    expect(t.timestamp).toBe(1679315147n);
    expect(t.signature).toHaveLength(64);
  });

  it("the signed message for that timestamp is byte for byte the spec's example", () => {
    const { text } = parseNote(SPEC_NOTE);
    expect(new TextDecoder().decode(cosignedMessage(text, 1679315147))).toBe(SPEC_MESSAGE);
    expect(COSIGNATURE_V1_HEADER).toBe("cosignature/v1");
  });

  it("the timestamp is 8 bytes, big-endian, before the 64-byte signature (RFC 8446 §3.3 order)", () => {
    const raw = Buffer.from(SPEC_NOTE.split("\n")[5]!.split(" ")[2]!, "base64");
    expect(raw.subarray(4, 12).toString("hex")).toBe((1679315147).toString(16).padStart(16, "0"));
  });
});

describe("key ids (signed-note: SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4])", () => {
  it("cosignature/v1 keys use type byte 0x04, plain Ed25519 keys 0x01 — against @noble/hashes", () => {
    for (const name of ["witness.example.com/w1", "example.com/behind-the-sofa", "ünï/🔒"]) {
      const oracle = (type: number) =>
        toHex(sha256(new Uint8Array([...utf8(name), 0x0a, type, ...w.publicKey])).subarray(0, 4));
      expect(toHex(noteKeyId(name, w.publicKey, "cosignature/v1"))).toBe(oracle(0x04));
      expect(toHex(noteKeyId(name, w.publicKey))).toBe(oracle(0x01));
      expect(oracle(0x04)).not.toBe(oracle(0x01));
    }
  });

  it("a cosignature/v1 vkey is <name>+<id>+base64(0x04 ‖ key) and parses back with its type", () => {
    const vkey = formatVerifierKey("witness.example.com/w1", w.publicKey, "cosignature/v1");
    const [, id, b64] = vkey.split("+") as [string, string, string];
    const raw = Buffer.from(vkey.slice(vkey.indexOf(b64)), "base64");
    expect(raw[0]).toBe(0x04);
    expect(raw.subarray(1)).toEqual(Buffer.from(w.publicKey));
    expect(id).toBe(toHex(noteKeyId("witness.example.com/w1", w.publicKey, "cosignature/v1")));
    expect(parseVerifierKey(vkey)).toEqual(
      noteVerifier("witness.example.com/w1", w.publicKey, "cosignature/v1"),
    );
  });
});

describe("our cosignatures in the spec's layout (@noble/curves as the oracle)", () => {
  it("a line we sign is key id ‖ timestamp ‖ Ed25519(message of the spec's layout)", () => {
    const { text } = parseNote(SPEC_NOTE);
    const logLine = SPEC_NOTE.split("\n")[4]!;
    const note = `${text}\n${logLine}\n`;
    const out = cosignNote(
      note,
      [{ name: "witness.example.com/w1", secretKey: w.secretKey, type: "cosignature/v1" }],
      {
        timestamp: 1679315147,
      },
    );
    const line = out.split("\n").at(-2)!;
    expect(line.startsWith("— witness.example.com/w1 ")).toBe(true);
    const raw = new Uint8Array(Buffer.from(line.split(" ")[2]!, "base64"));
    expect(raw).toHaveLength(4 + 8 + 64);
    expect(toHex(raw.subarray(0, 4))).toBe(
      toHex(
        sha256(new Uint8Array([...utf8("witness.example.com/w1"), 0x0a, 0x04, ...w.publicKey])).subarray(
          0,
          4,
        ),
      ),
    );
    expect(Buffer.from(raw.subarray(4, 12)).readBigUInt64BE()).toBe(1679315147n);
    const message = utf8(`cosignature/v1\ntime 1679315147\n${text}`);
    expect(ed25519.verify(raw.subarray(12), message, w.publicKey)).toBe(true);
    // The same signature over the bare text (a plain note signature) is not what was signed.
    expect(ed25519.verify(raw.subarray(12), utf8(text), w.publicKey)).toBe(false);
  });

  it("a cosignature made by @noble/curves in the spec's layout verifies here, with its timestamp", () => {
    const { text } = parseNote(SPEC_NOTE);
    const seed = new Uint8Array(32).fill(9);
    const pub = ed25519.getPublicKey(seed);
    const sig = ed25519.sign(utf8(`cosignature/v1\ntime 1679315147\n${text}`), seed);
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(1679315147n);
    const keyId = sha256(new Uint8Array([...utf8("witness.example.com/w1"), 0x0a, 0x04, ...pub])).subarray(
      0,
      4,
    );
    const line = `— witness.example.com/w1 ${Buffer.concat([keyId, ts, sig]).toString("base64")}\n`;
    const logSeed = new Uint8Array(32).fill(10);
    const logPub = ed25519.getPublicKey(logSeed);
    const logKeyId = sha256(
      new Uint8Array([...utf8("example.com/behind-the-sofa"), 0x0a, 0x01, ...logPub]),
    ).subarray(0, 4);
    const logLine = `— example.com/behind-the-sofa ${Buffer.concat([logKeyId, ed25519.sign(utf8(text), logSeed)]).toString("base64")}\n`;
    const r = verifyCheckpoint(`${text}\n${logLine}${line}`, {
      keys: [noteVerifier("example.com/behind-the-sofa", logPub)],
      witnesses: [noteVerifier("witness.example.com/w1", pub, "cosignature/v1")],
      require: 1,
      now: Date.UTC(2023, 2, 20, 13), // 1679315147 is 2023-03-20T12:25:47Z
    });
    expect(r.signers).toEqual(["example.com/behind-the-sofa"]);
    expect(r.witnesses).toEqual([
      { name: "witness.example.com/w1", keyId: toHex(keyId), type: "cosignature/v1", timestamp: 1679315147 },
    ]);
  });
});
