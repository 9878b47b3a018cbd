// C2SP signed notes: signing, opening with known/unknown/invalid signers, key ids, verifier and
// signer key formats, and the strict parser's typed errors for each kind of malformed note.
import { beforeAll, describe, expect, it } from "vitest";
import { toHex } from "../../src/encoding.js";
import { initKeys, type KeyPair, keyPairFromSeed } from "../../src/keys/sodium.js";
import {
  cosignNote,
  formatSignerKey,
  formatVerifierKey,
  isSignerKey,
  MAX_NOTE_SIGNATURES,
  NoteError,
  type NoteSigner,
  noteKeyId,
  noteVerifier,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from "../../src/merkle/index.js";
import { sha } from "../merkle-helpers.js";

let alice: KeyPair;
let bob: KeyPair;
let signer: (name: string, kp?: KeyPair) => NoteSigner;
beforeAll(async () => {
  await initKeys();
  alice = keyPairFromSeed(new Uint8Array(32).fill(1));
  bob = keyPairFromSeed(new Uint8Array(32).fill(2));
  signer = (name, kp = alice) => ({ name, secretKey: kp.secretKey });
});

/** The NoteError code thrown by fn (fails the test when nothing or something else is thrown). */
function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(NoteError);
    return (e as NoteError).code;
  }
  throw new Error("expected a NoteError");
}

describe("key ids and keys", () => {
  it("key id = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[0..4)", () => {
    const want = sha(new TextEncoder().encode("example.org/log"), Uint8Array.of(0x0a, 0x01), alice.publicKey);
    expect(noteKeyId("example.org/log", alice.publicKey)).toEqual(want.subarray(0, 4));
    expect(noteKeyId("ünïcødé", alice.publicKey)).toEqual(
      sha(new TextEncoder().encode("ünïcødé"), Uint8Array.of(0x0a, 0x01), alice.publicKey).subarray(0, 4),
    );
  });

  it("verifier keys round-trip and are checked strictly", () => {
    const vkey = formatVerifierKey("example.org/log", alice.publicKey);
    expect(vkey).toMatch(/^example\.org\/log\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
    const v = parseVerifierKey(vkey);
    expect(v).toEqual(noteVerifier("example.org/log", alice.publicKey));
    const [name, id, key] = vkey.split("+", 3) as [string, string, string];
    const rest = vkey.slice(name.length + id.length + 2);
    expect(rest.startsWith(key)).toBe(true);
    // Go parses the key id with ParseUint: upper case is accepted too.
    expect(parseVerifierKey(`${name}+${id.toUpperCase()}+${rest}`)).toEqual(v);
    const other = Buffer.from(Uint8Array.of(1, ...bob.publicKey)).toString("base64");
    const cases: [string, string][] = [
      ["example.org/log", "ERR_NOTE_KEY"], // no '+'
      [`${name}+${id}`, "ERR_NOTE_KEY"],
      [`${name}+${id.slice(1)}+${rest}`, "ERR_NOTE_KEY"], // 7 hex digits
      [`${name}+0${id}+${rest}`, "ERR_NOTE_KEY"],
      [`${name}+${id.replace(/./, "g")}+${rest}`, "ERR_NOTE_KEY"],
      [`${name}+${id}+${other}`, "ERR_NOTE_KEY"], // key id of another key
      [`other+${id}+${rest}`, "ERR_NOTE_KEY"], // key id of another name
      [`${name}+${id}+${rest}=`, "ERR_NOTE_KEY"], // bad base64
      [
        `${name}+${id}+${Buffer.from(Uint8Array.of(2, ...alice.publicKey)).toString("base64")}`,
        "ERR_NOTE_KEY",
      ],
      [
        `${name}+${id}+${Buffer.from(Uint8Array.of(1, ...alice.publicKey, 0)).toString("base64")}`,
        "ERR_NOTE_KEY",
      ],
      [`${name}+${id}+`, "ERR_NOTE_KEY"],
      [`+${id}+${rest}`, "ERR_NOTE_NAME"],
      [`a b+${id}+${rest}`, "ERR_NOTE_NAME"],
      [` ${vkey}`, "ERR_NOTE_NAME"],
    ];
    for (const [text, code] of cases)
      expect(
        codeOf(() => parseVerifierKey(text)),
        text,
      ).toBe(code);
    expect(() => parseVerifierKey(42 as unknown as string)).toThrow(TypeError);
  });

  it("signer keys (Go's PRIVATE+KEY+ format) round-trip", () => {
    const skey = formatSignerKey("witness.example", bob);
    expect(isSignerKey(skey)).toBe(true);
    expect(isSignerKey(formatVerifierKey("witness.example", bob.publicKey))).toBe(false);
    const s = parseSignerKey(skey);
    expect(s.name).toBe("witness.example");
    expect(s.secretKey).toEqual(bob.secretKey);
    expect(s.keyId).toEqual(noteKeyId("witness.example", bob.publicKey));
    expect(codeOf(() => parseSignerKey(skey.replace("witness", "vitness")))).toBe("ERR_NOTE_KEY");
    expect(codeOf(() => parseSignerKey(skey.slice(8)))).toBe("ERR_NOTE_KEY");
  });

  it("key names: no spaces, '+', control characters or lone surrogates", () => {
    for (const name of [
      "",
      "a b",
      "a+b",
      "a\tb",
      "a\u00a0b",
      "a\u2003b",
      "a\u0085b",
      "a\u0001b",
      "a\u007fb",
      "a\ud800",
    ]) {
      expect(
        codeOf(() => noteKeyId(name, alice.publicKey)),
        JSON.stringify(name),
      ).toBe("ERR_NOTE_NAME");
      expect(
        codeOf(() => signNote("x\n", [signer(name)])),
        JSON.stringify(name),
      ).toBe("ERR_NOTE_NAME");
    }
    expect(noteKeyId("ok-name_é/🔒", alice.publicKey)).toHaveLength(4);
  });
});

describe("signing and opening", () => {
  it("signs with several keys and verifies them in note order", () => {
    const note = signNote("hello\nworld\n", [signer("alice"), signer("bob", bob)]);
    expect(note.startsWith("hello\nworld\n\n— alice ")).toBe(true);
    expect(note.split("\n")).toHaveLength(6);
    const keys = [noteVerifier("bob", bob.publicKey), noteVerifier("alice", alice.publicKey)];
    const opened = openNote(note, keys);
    expect(opened).toEqual({
      text: "hello\nworld\n",
      verified: ["alice", "bob"],
      signatures: [
        { name: "alice", keyId: toHex(keys[1]!.keyId), type: "ed25519", verifier: keys[1] },
        { name: "bob", keyId: toHex(keys[0]!.keyId), type: "ed25519", verifier: keys[0] },
      ],
      invalid: [],
      unknown: [],
    });
  });

  it("ignores unknown signers, lists them, and fails only when no known key verifies", () => {
    const note = signNote("t\n", [signer("alice"), signer("bob", bob)]);
    const opened = openNote(note, [noteVerifier("alice", alice.publicKey)]);
    expect(opened.verified).toEqual(["alice"]);
    expect(opened.unknown).toEqual([
      { name: "bob", keyId: Buffer.from(noteKeyId("bob", bob.publicKey)).toString("hex") },
    ]);
    expect(codeOf(() => openNote(note, []))).toBe("ERR_NOTE_UNVERIFIED");
    // A known name with another key id is an unknown signer, not a match.
    expect(codeOf(() => openNote(note, [noteVerifier("alice", bob.publicKey)]))).toBe("ERR_NOTE_UNVERIFIED");
  });

  it("reports known keys whose signatures do not verify", () => {
    const good = signNote("t\n", [signer("alice")]);
    const forged = signNote("u\n", [signer("bob", bob)]).replace("u\n", "t\n");
    const note = good + forged.slice(forged.indexOf("— "));
    const keys = [noteVerifier("alice", alice.publicKey), noteVerifier("bob", bob.publicKey)];
    const opened = openNote(note, keys);
    expect(opened.verified).toEqual(["alice"]);
    expect(opened.invalid.map((s) => s.name)).toEqual(["bob"]);
    expect(codeOf(() => openNote(signNote("t\n", [signer("bob", bob)]).replace("t\n", "u\n"), keys))).toBe(
      "ERR_NOTE_UNVERIFIED",
    );
    // A known key with a signature that is not 64 bytes is invalid, not a crash.
    const id = noteKeyId("alice", alice.publicKey);
    const short = `t\n\n— alice ${Buffer.from([...id, 1, 2, 3]).toString("base64")}\n`;
    expect(codeOf(() => openNote(short, keys))).toBe("ERR_NOTE_UNVERIFIED");
  });

  it("text may contain blank lines (the signatures start after the last one) and any Unicode", () => {
    const text = "first\n\n  indented — ünïcødé 🔒\n";
    const note = signNote(text, [signer("alice")]);
    expect(openNote(note, [noteVerifier("alice", alice.publicKey)]).text).toBe(text);
    expect(openNote(new TextEncoder().encode(note), [noteVerifier("alice", alice.publicKey)]).text).toBe(
      text,
    );
  });

  it("cosigning appends a signature over the same text", () => {
    const note = signNote("cp\n", [signer("log")]);
    const cosigned = cosignNote(note, [signer("witness", bob)]);
    expect(cosigned.startsWith(note)).toBe(true);
    const keys = [noteVerifier("log", alice.publicKey), noteVerifier("witness", bob.publicKey)];
    expect(openNote(cosigned, keys).verified).toEqual(["log", "witness"]);
    expect(codeOf(() => cosignNote(cosigned, [signer("witness", bob)]))).toBe("ERR_NOTE_DUPLICATE_SIGNATURE");
    expect(codeOf(() => cosignNote("cp\n", [signer("witness", bob)]))).toBe("ERR_NOTE_MALFORMED");
  });

  it("refuses to sign bad text or with bad signers", () => {
    expect(codeOf(() => signNote("no newline", [signer("a")]))).toBe("ERR_NOTE_TEXT");
    expect(codeOf(() => signNote("", [signer("a")]))).toBe("ERR_NOTE_TEXT");
    expect(codeOf(() => signNote("bell\u0007\n", [signer("a")]))).toBe("ERR_NOTE_TEXT");
    expect(codeOf(() => signNote("cr\r\n", [signer("a")]))).toBe("ERR_NOTE_TEXT");
    expect(codeOf(() => signNote("lone \udc00\n", [signer("a")]))).toBe("ERR_NOTE_TEXT");
    expect(codeOf(() => signNote("x\n", [signer("a"), signer("a")]))).toBe("ERR_NOTE_DUPLICATE_SIGNATURE");
    expect(() => signNote("x\n", [])).toThrow(RangeError);
    expect(() => signNote("x\n", [{ name: "a", secretKey: new Uint8Array(32) }])).toThrow(RangeError);
    expect(() => signNote(7 as unknown as string, [signer("a")])).toThrow(TypeError);
  });
});

describe("strict parsing", () => {
  let good: string;
  let line: string;
  beforeAll(() => {
    good = signNote("hello\n", [signer("k")]);
    line = good.slice(good.indexOf("— "));
  });
  const keys = () => [noteVerifier("k", alice.publicKey)];

  it("rejects each kind of malformed note with its code", () => {
    const b64 = line.slice("— k ".length, -1);
    const cases: [string, string, string][] = [
      ["no blank line", good.replace("\n\n", "\n"), "ERR_NOTE_MALFORMED"],
      ["no signatures", "hello\n\n", "ERR_NOTE_MALFORMED"],
      ["no final newline", good.slice(0, -1), "ERR_NOTE_MALFORMED"],
      ["blank line after the signatures", `${good}\n`, "ERR_NOTE_MALFORMED"],
      ["hyphen instead of em dash", good.replace("— ", "- "), "ERR_NOTE_MALFORMED"],
      ["en dash instead of em dash", good.replace("— ", "– "), "ERR_NOTE_MALFORMED"],
      ["no space after the dash", good.replace("— ", "—"), "ERR_NOTE_MALFORMED"],
      ["no base64", good.replace(` ${b64}`, ""), "ERR_NOTE_MALFORMED"],
      ["two spaces", good.replace("— k ", "— k  "), "ERR_NOTE_MALFORMED"],
      ["bad base64", good.replace(b64, "!!!!"), "ERR_NOTE_MALFORMED"],
      ["unpadded base64", good.replace(b64, b64.replace(/=+$/, "")), "ERR_NOTE_MALFORMED"],
      ["trailing space", good.replace(/\n$/, " \n"), "ERR_NOTE_MALFORMED"],
      ["too short", good.replace(b64, "AAAAAA=="), "ERR_NOTE_MALFORMED"],
      ["control character in the text", good.replace("hello", "hel\u0001lo"), "ERR_NOTE_TEXT"],
      ["tab in the text", good.replace("hello", "hel\tlo"), "ERR_NOTE_TEXT"],
      ["CRLF", good.replaceAll("\n", "\r\n"), "ERR_NOTE_MALFORMED"],
      ["DEL in the text", good.replace("hello", "hel\u007flo"), "ERR_NOTE_TEXT"],
      ["lone surrogate", good.replace("hello", "hel\ud800lo"), "ERR_NOTE_TEXT"],
      ["name with '+'", good.replace("— k ", "— k+1 "), "ERR_NOTE_NAME"],
      ["empty name", good.replace("— k ", "—  "), "ERR_NOTE_NAME"],
      ["name with NBSP", good.replace("— k ", "— k\u00a0x "), "ERR_NOTE_NAME"],
      ["duplicate line", good + line, "ERR_NOTE_DUPLICATE_SIGNATURE"],
      ["too many signatures", good + many(b64), "ERR_NOTE_TOO_MANY_SIGNATURES"],
      ["altered text", good.replace("hello", "hellO"), "ERR_NOTE_UNVERIFIED"],
    ];
    for (const [what, note, code] of cases)
      expect(
        codeOf(() => openNote(note, keys())),
        what,
      ).toBe(code);
  });

  it("rejects bad UTF-8 given as bytes", () => {
    const bytes = new TextEncoder().encode(good);
    const bad = new Uint8Array([...bytes.subarray(0, 2), 0xff, ...bytes.subarray(2)]);
    expect(codeOf(() => openNote(bad, keys()))).toBe("ERR_NOTE_TEXT");
    const overlong = new Uint8Array([...bytes.subarray(0, 2), 0xc0, 0xaf, ...bytes.subarray(2)]);
    expect(codeOf(() => parseNote(overlong))).toBe("ERR_NOTE_TEXT");
  });

  it("accepts exactly 100 signature lines", () => {
    const signers = Array.from({ length: MAX_NOTE_SIGNATURES }, (_, i) => signer(`s${i}`));
    const note = signNote("x\n", signers);
    expect(parseNote(note).signatures).toHaveLength(100);
    expect(openNote(note, [noteVerifier("s99", alice.publicKey)]).unknown).toHaveLength(99);
    expect(codeOf(() => cosignNote(note, [signer("one-more")]))).toBe("ERR_NOTE_TOO_MANY_SIGNATURES");
    expect(codeOf(() => signNote("x\n", [...signers, signer("s100")]))).toBe("ERR_NOTE_TOO_MANY_SIGNATURES");
  });

  it("wrong argument types are TypeErrors", () => {
    expect(() => openNote(good, "k" as unknown as [])).toThrow(TypeError);
    expect(() =>
      openNote(good, [{ name: "k", keyId: new Uint8Array(3), publicKey: alice.publicKey }]),
    ).toThrow(RangeError);
    expect(() => parseNote(42 as unknown as string)).toThrow(TypeError);
  });
});

/** 101 distinct well-formed signature lines by unknown keys. */
function many(b64: string): string {
  return Array.from({ length: 101 }, (_, i) => `— u${i} ${b64}\n`).join("");
}
