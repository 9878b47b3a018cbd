// Key formats: exact encodings, RFC 8410 examples, auto-detection of every accepted form, and a
// typed KeyFormatError (with its reason) for each class of malformed input.
import { generateKeyPairSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { toBase64 } from "../../src/encoding.js";
import {
  decodePrivateKey,
  decodePublicKey,
  encodePrivateKey,
  encodePublicKey,
} from "../../src/keys/formats.js";
import { KeyFormatError, type KeyFormatReason } from "../../src/keys/key-error.js";
import { toPem } from "../../src/keys/pem.js";
import { generateKeyPair, initKeys, type KeyPair, keyPairFromSeed } from "../../src/keys/sodium.js";
import {
  opensshPrivateKey,
  parseOpensshPrivateKey,
  parseSshPublicLine,
  SshWriter,
  sshPublicBlob,
} from "../../src/keys/ssh.js";

beforeAll(() => initKeys());
const hex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));

function expectKeyError(f: () => unknown, reason: KeyFormatReason, message: RegExp, label = ""): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, `${label}: expected KeyFormatError ${reason}`).toBeInstanceOf(KeyFormatError);
  expect((caught as KeyFormatError).code).toBe("ERR_KEY_FORMAT");
  expect((caught as KeyFormatError).name).toBe("KeyFormatError");
  expect({ reason: (caught as KeyFormatError).reason, message: (caught as Error).message }, label).toEqual({
    reason,
    message: expect.stringMatching(message),
  });
}

// RFC 8410 section 10.1 and 10.3: the example keys, verbatim.
const RFC8410_SPKI = "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=";
const RFC8410_PKCS8 = "MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC";
const RFC8410_PKCS8_V2 = [
  "-----BEGIN PRIVATE KEY-----",
  "MHICAQEwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC",
  "oB8wHQYKKoZIhvcNAQkJFDEPDA1DdXJkbGUgQ2hhaXJzgSEAGb9ECWmEzf6FQbrB",
  "Z9w7lshQhqowtrbLDFw4rXAxZuE=",
  "-----END PRIVATE KEY-----",
].join("\n");
const RFC8410_SEED = "d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842";
const RFC8410_PUBLIC = "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1";

describe("RFC 8410 examples", () => {
  it("decodes the PKCS#8 and SPKI examples and re-encodes them byte for byte", () => {
    const kp = decodePrivateKey(`-----BEGIN PRIVATE KEY-----\n${RFC8410_PKCS8}\n-----END PRIVATE KEY-----\n`);
    expect(kp.secretKey.subarray(0, 32)).toEqual(hex(RFC8410_SEED));
    expect(kp.publicKey).toEqual(hex(RFC8410_PUBLIC));
    expect(decodePublicKey(`-----BEGIN PUBLIC KEY-----\n${RFC8410_SPKI}\n-----END PUBLIC KEY-----`)).toEqual(
      hex(RFC8410_PUBLIC),
    );
    expect(encodePrivateKey(kp, "pem")).toBe(
      `-----BEGIN PRIVATE KEY-----\n${RFC8410_PKCS8}\n-----END PRIVATE KEY-----\n`,
    );
    expect(encodePublicKey(kp.publicKey, "pem")).toBe(
      `-----BEGIN PUBLIC KEY-----\n${RFC8410_SPKI}\n-----END PUBLIC KEY-----\n`,
    );
  });

  it("reads the v2 example with attributes and the public key attached", () => {
    expect(decodePrivateKey(RFC8410_PKCS8_V2).publicKey).toEqual(hex(RFC8410_PUBLIC));
  });

  it("rejects a v2 key whose attached public key is not its own", () => {
    const der = unb64(RFC8410_PKCS8_V2.split("\n").slice(1, -1).join(""));
    der[der.length - 1]! ^= 1;
    expectKeyError(() => decodePrivateKey(toPem("PRIVATE KEY", der)), "mismatch", /does not match/);
  });
});

describe("encodings", () => {
  let kp: KeyPair;
  beforeAll(() => {
    kp = keyPairFromSeed(hex(RFC8410_SEED));
  });

  it("public: raw copy, base64, ssh line with optional comment, SPKI PEM", () => {
    const raw = encodePublicKey(kp.publicKey, "raw") as Uint8Array;
    expect(raw).toEqual(kp.publicKey);
    expect(raw).not.toBe(kp.publicKey);
    expect(encodePublicKey(kp.publicKey, "base64")).toBe(b64(kp.publicKey));
    const line = encodePublicKey(kp.publicKey, "ssh") as string;
    expect(line).toBe(`ssh-ed25519 ${b64(sshPublicBlob(kp.publicKey))}`);
    expect(line.startsWith("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI")).toBe(true);
    expect(encodePublicKey(kp.publicKey, "ssh", "alice@host")).toBe(`${line} alice@host`);
    expect(parseSshPublicLine(`${line} alice at host`)).toEqual({
      publicKey: kp.publicKey,
      comment: "alice at host",
    });
    expect(parseSshPublicLine(encodePublicKey(kp.publicKey, "ssh", "a\u2028b ✓") as string).comment).toBe(
      "a\u2028b ✓",
    );
  });

  it("private: raw and base64 are the seed; OpenSSH files are 70-column, deterministic, keep the comment", () => {
    expect(encodePrivateKey(kp, "raw")).toEqual(hex(RFC8410_SEED));
    expect(encodePrivateKey(kp, "base64")).toBe(b64(hex(RFC8410_SEED)));
    const file = encodePrivateKey(kp, "openssh", "héllo ✓") as string;
    const lines = file.trimEnd().split("\n");
    expect(lines[0]).toBe("-----BEGIN OPENSSH PRIVATE KEY-----");
    expect(lines.at(-1)).toBe("-----END OPENSSH PRIVATE KEY-----");
    expect(lines.slice(1, -2).every((l) => l.length === 70)).toBe(true);
    expect(encodePrivateKey(kp, "openssh", "héllo ✓")).toBe(file);
    expect(parseOpensshPrivateKey(file)).toEqual({ keyPair: kp, comment: "héllo ✓" });
  });

  it("rejects unknown formats, wrong key sizes and multi-line comments", () => {
    expect(() => encodePublicKey(kp.publicKey, "jwk" as "raw")).toThrow(
      new RangeError("format: expected raw, base64, ssh or pem, got jwk"),
    );
    expect(() => encodePrivateKey(kp, "ssh" as "raw")).toThrow(RangeError);
    expect(() => encodePublicKey(new Uint8Array(33), "base64")).toThrow(
      new RangeError("publicKey: expected Uint8Array of length 32, got length=33"),
    );
    expect(() => encodePrivateKey({ publicKey: kp.publicKey, secretKey: new Uint8Array(32) }, "pem")).toThrow(
      RangeError,
    );
    expect(() => encodePublicKey(kp.publicKey, "ssh", "a\nb")).toThrow(RangeError);
  });
});

describe("auto-detection", () => {
  it("accepts every public key form, as text or bytes, with stray whitespace and CRLF", () => {
    const kp = generateKeyPair();
    const pk = kp.publicKey;
    const pem = encodePublicKey(pk, "pem") as string;
    const der = unb64(pem.split("\n").slice(1, -2).join(""));
    const forms: (string | Uint8Array)[] = [
      pk,
      b64(pk),
      ` ${b64(pk)}\n`,
      encodePublicKey(pk, "ssh") as string,
      `${encodePublicKey(pk, "ssh", "two words")}\r\n`,
      `ssh-ed25519\t${b64(sshPublicBlob(pk))}`,
      b64(sshPublicBlob(pk)),
      pem,
      pem.replaceAll("\n", "\r\n"),
      `\n\n${pem}trailing text is ignored, as OpenSSL does\n`,
      der,
      b64(der),
      new TextEncoder().encode(pem),
      new TextEncoder().encode(`${encodePublicKey(pk, "ssh", "x")}\n`),
      new TextEncoder().encode(b64(pk)),
    ];
    for (const f of forms) expect(decodePublicKey(f), String(f)).toEqual(pk);
  });

  it("accepts every private key form, as text or bytes", () => {
    const kp = generateKeyPair();
    const pem = encodePrivateKey(kp, "pem") as string;
    const der = unb64(pem.split("\n").slice(1, -2).join(""));
    const forms: (string | Uint8Array)[] = [
      kp.secretKey.subarray(0, 32),
      kp.secretKey,
      b64(kp.secretKey.subarray(0, 32)),
      b64(kp.secretKey),
      pem,
      der,
      b64(der),
      encodePrivateKey(kp, "openssh", "c") as string,
      (encodePrivateKey(kp, "openssh") as string).replaceAll("\n", "\r\n"),
      new TextEncoder().encode(pem),
      new TextEncoder().encode(encodePrivateKey(kp, "openssh") as string),
      new TextEncoder().encode(`${b64(kp.secretKey.subarray(0, 32))}\n`),
    ];
    for (const f of forms) expect(decodePrivateKey(f), String(f)).toEqual(kp);
  });

  it("base64 text that happens to start like DER is still read as text", () => {
    // 88-character base64 of a 64-byte secret starting "0V" has byte 1 = 0x56 = 88 - 2.
    const kp = generateKeyPair();
    const text = new TextEncoder().encode(b64(kp.secretKey));
    text[0] = 0x30;
    text[1] = 0x56;
    expectKeyError(() => decodePrivateKey(text), "mismatch", /public half does not match/);
  });
});

function sshBlob(...fields: (string | Uint8Array)[]): Uint8Array {
  const w = new SshWriter();
  for (const f of fields) w.bytes(f);
  return w.finish();
}

describe("malformed public keys", () => {
  const pk = new Uint8Array(32).fill(7);
  const spki = (bytes: number[]) => toPem("PUBLIC KEY", Uint8Array.from(bytes));
  const spkiHead = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
  const cases: [string, string | Uint8Array, KeyFormatReason, RegExp][] = [
    ["empty", "  \n", "unknown-format", /empty/],
    ["bad base64", "not base64 !!", "bad-base64", /^base64 public key: invalid base64$/],
    ["non-canonical base64", `${b64(pk).slice(0, 42)}x=`, "bad-base64", /non-canonical/],
    ["3 bytes", "AAAA", "bad-length", /^base64 public key: expected 32 bytes, got 3$/],
    ["31 bytes", b64(new Uint8Array(31)), "bad-length", /expected 32 bytes, got 31/],
    ["33 bytes", b64(new Uint8Array(33)), "bad-length", /expected 32 bytes, got 33/],
    [
      "ssh-rsa line",
      `ssh-rsa ${b64(sshBlob("ssh-rsa", Uint8Array.of(1, 0, 1), pk))} a`,
      "wrong-type",
      /"ssh-rsa" is not ssh-ed25519/,
    ],
    [
      "ecdsa line",
      `ecdsa-sha2-nistp256 ${b64(sshBlob("ecdsa-sha2-nistp256", "nistp256", pk))}`,
      "wrong-type",
      /ecdsa-sha2-nistp256/,
    ],
    [
      "line says ed25519, blob says rsa",
      `ssh-ed25519 ${b64(sshBlob("ssh-rsa", pk))}`,
      "wrong-type",
      /"ssh-rsa"/,
    ],
    [
      "ssh key 31 bytes",
      `ssh-ed25519 ${b64(sshBlob("ssh-ed25519", new Uint8Array(31)))}`,
      "bad-length",
      /got 31/,
    ],
    [
      "ssh blob truncated",
      `ssh-ed25519 ${b64(sshBlob("ssh-ed25519", pk).subarray(0, 40))}`,
      "truncated",
      /truncated in key/,
    ],
    [
      "ssh blob cut in the type",
      `ssh-ed25519 ${b64(sshBlob("ssh-ed25519").subarray(0, 6))}`,
      "truncated",
      /truncated in key type/,
    ],
    [
      "ssh blob with trailing data",
      `ssh-ed25519 ${b64(sshBlob("ssh-ed25519", pk, "x"))}`,
      "malformed",
      /trailing/,
    ],
    ["ssh bad base64", "ssh-ed25519 AAAA$$$$ c", "bad-base64", /ssh key data: invalid base64/],
    [
      "SPKI truncated",
      "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----",
      "truncated",
      /truncated/,
    ],
    [
      "SPKI Ed448",
      spki([0x30, 0x43, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x71, 0x03, 0x3a, 0x00, ...new Uint8Array(57)]),
      "wrong-type",
      /the key is Ed448, not Ed25519/,
    ],
    [
      "SPKI NULL parameters",
      spki([0x30, 0x2c, 0x30, 0x07, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x05, 0x00, 0x03, 0x21, 0x00, ...pk]),
      "malformed",
      /parameters must be absent/,
    ],
    [
      "SPKI 33-byte key",
      spki([0x30, 0x2b, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x22, 0x00, ...pk, 0]),
      "bad-length",
      /got 33/,
    ],
    ["SPKI data after the sequence", spki([...spkiHead, ...pk, 0x00]), "malformed", /trailing data/],
    [
      "SPKI non-minimal length",
      spki([0x30, 0x81, 0x2a, ...spkiHead.slice(2), ...pk]),
      "malformed",
      /non-minimal/,
    ],
    ["SPKI unused bits", spki([...spkiHead.slice(0, -1), 0x01, ...pk]), "malformed", /unused bits/],
    ["SPKI not a sequence", spki([0x04, 0x20, ...pk]), "malformed", /expected SubjectPublicKeyInfo/],
    [
      "PEM without END",
      "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA",
      "truncated",
      /no -----END PUBLIC KEY----- line/,
    ],
    [
      "PEM END mismatch",
      "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PRIVATE KEY-----",
      "malformed",
      /closed by END PRIVATE KEY/,
    ],
    ["PEM empty body", "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----", "truncated", /empty body/],
    [
      "PEM bad base64",
      "-----BEGIN PUBLIC KEY-----\nMCow*BQ==\n-----END PUBLIC KEY-----",
      "bad-base64",
      /PEM PUBLIC KEY: invalid base64/,
    ],
    [
      "PEM certificate",
      "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
      "wrong-type",
      /got CERTIFICATE/,
    ],
    [
      "PEM private key",
      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
      "wrong-type",
      /this is a private key/,
    ],
    [
      "RFC 4716 SSH2 key",
      "---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----",
      "malformed",
      /unrecognized BEGIN/,
    ],
    ["binary, not DER", Uint8Array.of(1, 2, 3, 4, 5), "unknown-format", /5 bytes of binary data/],
    ["binary DER, truncated", Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06), "truncated", /truncated/],
    ["invalid UTF-8", new Uint8Array(40).fill(0xff), "unknown-format", /neither a raw key, DER nor UTF-8/],
  ];
  for (const [name, input, reason, message] of cases) {
    it(`${name} → ${reason}`, () => expectKeyError(() => decodePublicKey(input), reason, message));
  }

  it("keys of other algorithms from node:crypto are named", () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({
      type: "spki",
      format: "pem",
    });
    expectKeyError(() => decodePublicKey(ec as string), "wrong-type", /the key is EC, not Ed25519/);
    const x = generateKeyPairSync("x25519").publicKey.export({ type: "spki", format: "der" });
    expectKeyError(() => decodePublicKey(new Uint8Array(x)), "wrong-type", /the key is X25519/);
  });

  it("wrong JavaScript types are TypeErrors", () => {
    expect(() => decodePublicKey(42 as unknown as string)).toThrow(
      new TypeError("publicKey: expected string or Uint8Array, got number"),
    );
    expect(() => decodePublicKey(null as unknown as string)).toThrow(TypeError);
  });
});

describe("malformed private keys", () => {
  let kp: KeyPair;
  let openssh: Uint8Array;
  beforeAll(() => {
    kp = generateKeyPair();
    const text = opensshPrivateKey(kp, "c");
    openssh = unb64(text.split("\n").slice(1, -2).join(""));
  });
  const armor = (body: Uint8Array) => toPem("OPENSSH PRIVATE KEY", body, 70);
  /** An openssh-key-v1 file with the given header strings and private section. */
  const opensshFile = (
    cipher: string,
    kdf: string,
    kdfOptions: Uint8Array,
    n: number,
    pub: Uint8Array,
    priv: Uint8Array,
  ) =>
    armor(
      new SshWriter()
        .raw(new TextEncoder().encode("openssh-key-v1\0"))
        .bytes(cipher)
        .bytes(kdf)
        .bytes(kdfOptions)
        .u32(n)
        .bytes(pub)
        .bytes(priv)
        .finish(),
    );
  const section = (check2: number, pkInner: Uint8Array, sk: Uint8Array, pad: number[]) =>
    new SshWriter()
      .u32(7)
      .u32(check2)
      .bytes("ssh-ed25519")
      .bytes(pkInner)
      .bytes(sk)
      .bytes("c")
      .raw(Uint8Array.from(pad))
      .finish();

  it("passphrase-protected OpenSSH key → encrypted, naming cipher and kdf", () => {
    const file = opensshFile(
      "aes256-ctr",
      "bcrypt",
      sshBlob(new Uint8Array(16)).subarray(0, 20),
      1,
      sshPublicBlob(kp.publicKey),
      new Uint8Array(96),
    );
    expectKeyError(
      () => decodePrivateKey(file),
      "encrypted",
      /passphrase-protected \(cipher aes256-ctr, kdf bcrypt\)/,
    );
  });

  it("OpenSSH structure errors", () => {
    const pub = sshPublicBlob(kp.publicKey);
    const pad = [1, 2, 3, 4];
    const good = section(7, kp.publicKey, kp.secretKey, pad);
    expect(good.length % 8).toBe(0);
    expect(decodePrivateKey(opensshFile("none", "none", new Uint8Array(0), 1, pub, good))).toEqual(kp);

    const other = generateKeyPair();
    const cases: [string, string, KeyFormatReason, RegExp][] = [
      [
        "check ints differ",
        opensshFile("none", "none", new Uint8Array(0), 1, pub, section(8, kp.publicKey, kp.secretKey, pad)),
        "malformed",
        /check integers differ/,
      ],
      [
        "bad padding",
        opensshFile(
          "none",
          "none",
          new Uint8Array(0),
          1,
          pub,
          section(7, kp.publicKey, kp.secretKey, [1, 2, 3, 5]),
        ),
        "malformed",
        /bad padding/,
      ],
      [
        "section not a multiple of 8",
        opensshFile(
          "none",
          "none",
          new Uint8Array(0),
          1,
          pub,
          section(7, kp.publicKey, kp.secretKey, [1, 2, 3]),
        ),
        "malformed",
        /multiple of 8/,
      ],
      [
        "two keys",
        opensshFile("none", "none", new Uint8Array(0), 2, pub, good),
        "malformed",
        /exactly one key, found 2/,
      ],
      [
        "kdf options without kdf",
        opensshFile("none", "none", Uint8Array.of(1), 1, pub, good),
        "malformed",
        /kdf options/,
      ],
      [
        "outer public key differs",
        opensshFile("none", "none", new Uint8Array(0), 1, sshPublicBlob(other.publicKey), good),
        "mismatch",
        /does not match/,
      ],
      [
        "inner public key differs",
        opensshFile(
          "none",
          "none",
          new Uint8Array(0),
          1,
          pub,
          section(7, other.publicKey, kp.secretKey, pad),
        ),
        "mismatch",
        /does not match/,
      ],
      [
        "secret key's public half differs",
        opensshFile(
          "none",
          "none",
          new Uint8Array(0),
          1,
          pub,
          section(
            7,
            kp.publicKey,
            Uint8Array.from([...kp.secretKey.subarray(0, 32), ...other.publicKey]),
            pad,
          ),
        ),
        "mismatch",
        /does not match/,
      ],
      [
        "secret key 32 bytes",
        opensshFile(
          "none",
          "none",
          new Uint8Array(0),
          1,
          pub,
          section(7, kp.publicKey, kp.secretKey.subarray(0, 32), pad),
        ),
        "bad-length",
        /64-byte secret key, got 32/,
      ],
      [
        "rsa public blob",
        opensshFile("none", "none", new Uint8Array(0), 1, sshBlob("ssh-rsa", Uint8Array.of(1)), good),
        "wrong-type",
        /"ssh-rsa"/,
      ],
      [
        "bad magic",
        armor(new TextEncoder().encode("openssh-key-v2\0xxxxxxxxxxxxxxxx")),
        "malformed",
        /magic/,
      ],
      ["cut in the magic", armor(new TextEncoder().encode("openssh")), "truncated", /magic/],
      ["trailing data", armor(Uint8Array.from([...openssh, 0])), "malformed", /trailing data/],
    ];
    for (const [name, text, reason, message] of cases) {
      expectKeyError(() => decodePrivateKey(text), reason, message, name);
    }
  });

  it("an OpenSSH file truncated at any byte is a KeyFormatError, never another error", () => {
    for (let n = 0; n < openssh.length; n++) {
      const cut = armor(openssh.subarray(0, n));
      expect(() => decodePrivateKey(cut), `cut at ${n}`).toThrow(KeyFormatError);
      expect(() => decodePrivateKey(cut)).toThrow(/truncated|empty body|multiple of 8|magic/);
    }
  });

  it("PKCS#8 and other private key errors", () => {
    const encrypted = generateKeyPairSync("ed25519").privateKey.export({
      type: "pkcs8",
      format: "pem",
      cipher: "aes-256-cbc",
      passphrase: "secret",
    }) as string;
    expectKeyError(() => decodePrivateKey(encrypted), "encrypted", /PKCS#8: the key is encrypted/);
    const x25519 = generateKeyPairSync("x25519").privateKey.export({
      type: "pkcs8",
      format: "pem",
    }) as string;
    expectKeyError(() => decodePrivateKey(x25519), "wrong-type", /the key is X25519, not Ed25519/);
    const short = Uint8Array.from([
      0x30,
      0x2d,
      0x02,
      0x01,
      0x00,
      0x30,
      0x05,
      0x06,
      0x03,
      0x2b,
      0x65,
      0x70,
      0x04,
      0x21,
      0x04,
      0x1f,
      ...new Uint8Array(31),
    ]);
    expectKeyError(() => decodePrivateKey(short), "bad-length", /32-byte private key, got 31/);
    const v9 = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x09, ...unb64(RFC8410_PKCS8).subarray(5)]);
    expectKeyError(() => decodePrivateKey(v9), "malformed", /unsupported version/);
    const headers =
      "-----BEGIN PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END PRIVATE KEY-----";
    expectKeyError(() => decodePrivateKey(headers), "encrypted", /Proc-Type/);
    expectKeyError(
      () => decodePrivateKey("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----"),
      "wrong-type",
      /got RSA PRIVATE KEY/,
    );
    expectKeyError(
      () => decodePrivateKey(encodePublicKey(kp.publicKey, "pem") as string),
      "wrong-type",
      /this is a public key/,
    );
    expectKeyError(
      () => decodePrivateKey(encodePublicKey(kp.publicKey, "ssh", "me") as string),
      "wrong-type",
      /public key line/,
    );
    expectKeyError(
      () => decodePrivateKey(b64(new Uint8Array(40))),
      "bad-length",
      /expected 32 or 64 bytes, got 40/,
    );
    expectKeyError(() => decodePrivateKey("seed!"), "bad-base64", /invalid base64/);
    expectKeyError(() => decodePrivateKey(""), "unknown-format", /empty/);
    const mismatched = kp.secretKey.slice();
    mismatched[40]! ^= 1;
    expectKeyError(() => decodePrivateKey(mismatched), "mismatch", /public half does not match/);
    expectKeyError(() => decodePrivateKey(b64(mismatched)), "mismatch", /public half does not match/);
    expect(() => decodePrivateKey(undefined as unknown as string)).toThrow(TypeError);
  });

  it("the public key of a private key file is what ssh-keygen -y would print", () => {
    const line = encodePublicKey(kp.publicKey, "ssh") as string;
    expect(
      toBase64(sshPublicBlob(decodePrivateKey(encodePrivateKey(kp, "openssh") as string).publicKey)),
    ).toBe(line.split(" ")[1]);
  });
});
