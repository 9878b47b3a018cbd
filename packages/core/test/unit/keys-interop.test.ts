// Interoperability of our keys and signatures with node:crypto, the openssl binary and the real
// ssh-keygen (keys both ways, and SSHSIG signatures both ways). The binaries' suites skip only
// outside CI when the binary is missing; in CI a missing binary fails them.
import { execFileSync } from "node:child_process";
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
} from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { verify } from "../../src/ed25519/verify.js";
import {
  decodePrivateKey,
  decodePublicKey,
  encodePrivateKey,
  encodePublicKey,
} from "../../src/keys/formats.js";
import { KeyFormatError } from "../../src/keys/key-error.js";
import { parsePem, toPem } from "../../src/keys/pem.js";
import { generateKeyPair, initKeys, type KeyPair, sign } from "../../src/keys/sodium.js";
import { parseOpensshPrivateKey, SshReader, SshWriter, sshPublicBlob } from "../../src/keys/ssh.js";

beforeAll(() => initKeys());
const text = (s: string) => new TextEncoder().encode(s);

function has(binary: string, args: string[]): boolean {
  try {
    execFileSync(binary, args, { stdio: "ignore" });
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ENOENT";
  }
}
const skipSsh = !has("ssh-keygen", ["-?"]) && !process.env.CI;
const skipOpenssl = !has("openssl", ["version"]) && !process.env.CI;
const tmp = () => mkdtempSync(join(tmpdir(), "chronoseal-keys-"));

describe("node:crypto", () => {
  it("our PEM keys import into node:crypto and signatures verify both ways (and are identical)", () => {
    const kp = generateKeyPair();
    const msg = text("interop with node:crypto");
    const nodePriv = createPrivateKey(encodePrivateKey(kp, "pem") as string);
    const nodePub = createPublicKey(encodePublicKey(kp.publicKey, "pem") as string);
    const ours = sign(msg, kp.secretKey);
    expect(nodeVerify(null, msg, nodePub, ours)).toBe(true);
    const theirs = new Uint8Array(nodeSign(null, msg, nodePriv));
    expect(verify(theirs, msg, kp.publicKey)).toBe(true);
    expect(theirs).toEqual(ours);
    expect(createPublicKey(nodePriv).export({ type: "spki", format: "pem" })).toBe(
      encodePublicKey(kp.publicKey, "pem"),
    );
  });

  it("keys made by node:crypto import into ours, as PEM and as DER", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const pemPriv = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    const derPriv = new Uint8Array(privateKey.export({ type: "pkcs8", format: "der" }));
    const pemPub = publicKey.export({ type: "spki", format: "pem" }) as string;
    const derPub = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
    const kp = decodePrivateKey(pemPriv);
    expect(decodePrivateKey(derPriv)).toEqual(kp);
    expect(decodePublicKey(pemPub)).toEqual(kp.publicKey);
    expect(decodePublicKey(derPub)).toEqual(kp.publicKey);
    const jwk = publicKey.export({ format: "jwk" });
    expect(Buffer.from(kp.publicKey).toString("base64url")).toBe(jwk.x);
    // byte-identical re-export
    expect(encodePrivateKey(kp, "pem")).toBe(pemPriv);
    expect(encodePublicKey(kp.publicKey, "pem")).toBe(pemPub);
    const msg = text("signed by our copy of a node key");
    expect(nodeVerify(null, msg, publicKey, sign(msg, kp.secretKey))).toBe(true);
  });
});

describe.skipIf(skipOpenssl)("openssl", () => {
  it("reads our PEM keys, writes keys we read, and signatures match", () => {
    const dir = tmp();
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir });
    // a key made by openssl
    openssl("genpkey", "-algorithm", "ed25519", "-out", "theirs.pem");
    openssl("pkey", "-in", "theirs.pem", "-pubout", "-out", "theirs.pub.pem");
    openssl("pkey", "-in", "theirs.pem", "-outform", "DER", "-out", "theirs.der");
    const kp = decodePrivateKey(readFileSync(join(dir, "theirs.pem"), "utf8"));
    expect(decodePrivateKey(new Uint8Array(readFileSync(join(dir, "theirs.der"))))).toEqual(kp);
    expect(decodePublicKey(readFileSync(join(dir, "theirs.pub.pem"), "utf8"))).toEqual(kp.publicKey);
    writeFileSync(join(dir, "msg"), "openssl interop");
    openssl("pkeyutl", "-sign", "-rawin", "-inkey", "theirs.pem", "-in", "msg", "-out", "sig");
    const theirSig = new Uint8Array(readFileSync(join(dir, "sig")));
    expect(theirSig).toEqual(sign(text("openssl interop"), kp.secretKey));

    // a key made by us
    const ours = generateKeyPair();
    writeFileSync(join(dir, "ours.pem"), encodePrivateKey(ours, "pem") as string);
    writeFileSync(join(dir, "ours.pub.pem"), encodePublicKey(ours.publicKey, "pem") as string);
    expect(openssl("pkey", "-in", "ours.pem", "-pubout").toString()).toBe(
      encodePublicKey(ours.publicKey, "pem"),
    );
    expect(openssl("pkey", "-pubin", "-in", "ours.pub.pem", "-pubout").toString()).toBe(
      encodePublicKey(ours.publicKey, "pem"),
    );
    writeFileSync(join(dir, "oursig"), sign(text("openssl interop"), ours.secretKey));
    const out = openssl(
      "pkeyutl",
      "-verify",
      "-rawin",
      "-pubin",
      "-inkey",
      "ours.pub.pem",
      "-in",
      "msg",
      "-sigfile",
      "oursig",
    ).toString();
    expect(out).toMatch(/Signature Verified Successfully/);
  });
});

/** SSHSIG (OpenSSH PROTOCOL.sshsig): the blob that is actually signed for a message. */
function sshsigSignedData(namespace: string, message: Uint8Array): Uint8Array {
  const digest = new Uint8Array(createHash("sha512").update(message).digest());
  return new SshWriter()
    .raw(text("SSHSIG"))
    .bytes(namespace)
    .bytes("")
    .bytes("sha512")
    .bytes(digest)
    .finish();
}

function parseSshsig(armored: string): { publicKey: Uint8Array; namespace: string; signature: Uint8Array } {
  const { label, body } = parsePem(armored);
  expect(label).toBe("SSH SIGNATURE");
  const r = new SshReader(body, "sshsig");
  expect(new TextDecoder().decode(r.raw(6, "magic"))).toBe("SSHSIG");
  expect(r.u32("version")).toBe(1);
  const publicKey = decodePublicKey(`ssh-ed25519 ${Buffer.from(r.bytes("public key")).toString("base64")}`);
  const namespace = r.text("namespace");
  r.bytes("reserved");
  expect(r.text("hash")).toBe("sha512");
  const inner = new SshReader(r.bytes("signature"), "sshsig signature");
  expect(inner.text("type")).toBe("ssh-ed25519");
  return { publicKey, namespace, signature: inner.bytes("signature").slice() };
}

function makeSshsig(kp: KeyPair, namespace: string, message: Uint8Array): string {
  const signature = sign(sshsigSignedData(namespace, message), kp.secretKey);
  const blob = new SshWriter()
    .raw(text("SSHSIG"))
    .u32(1)
    .bytes(sshPublicBlob(kp.publicKey))
    .bytes(namespace)
    .bytes("")
    .bytes("sha512")
    .bytes(new SshWriter().bytes("ssh-ed25519").bytes(signature).finish())
    .finish();
  return toPem("SSH SIGNATURE", blob, 70);
}

describe.skipIf(skipSsh)("ssh-keygen", () => {
  let dir: string;
  const sshKeygen = (...args: string[]) => execFileSync("ssh-keygen", args, { cwd: dir, encoding: "utf8" });
  beforeAll(() => {
    dir = tmp();
    sshKeygen("-q", "-t", "ed25519", "-N", "", "-C", "test@chronoseal", "-f", "id_ed25519");
  });

  it("imports the private key file and the .pub line ssh-keygen writes", () => {
    const file = readFileSync(join(dir, "id_ed25519"), "utf8");
    const pubLine = readFileSync(join(dir, "id_ed25519.pub"), "utf8");
    const kp = decodePrivateKey(file);
    expect(decodePublicKey(pubLine)).toEqual(kp.publicKey);
    expect(parseOpensshPrivateKey(file).comment).toBe("test@chronoseal");
    expect(`${encodePublicKey(kp.publicKey, "ssh", "test@chronoseal")}\n`).toBe(pubLine);
  });

  it("accepts the OpenSSH private key files we write (ssh-keygen -y prints our public line)", () => {
    for (const comment of ["", "ours@chronoseal"]) {
      const ours = generateKeyPair();
      const file = join(dir, `ours${comment.length}`);
      writeFileSync(file, encodePrivateKey(ours, "openssh", comment) as string, { mode: 0o600 });
      const derived = sshKeygen("-y", "-f", file).trim();
      expect(derived).toBe(encodePublicKey(ours.publicKey, "ssh", comment));
      // ssh-keygen can also rewrite it (here: add a passphrase), proving it parsed every field
      sshKeygen("-p", "-q", "-P", "", "-N", "pw", "-f", file);
      expect(() => decodePrivateKey(readFileSync(file, "utf8"))).toThrow(/passphrase-protected/);
    }
  });

  it("signs with a key from ssh-keygen: our signatures equal ssh-keygen's, both ways (SSHSIG)", () => {
    const kp = decodePrivateKey(readFileSync(join(dir, "id_ed25519"), "utf8"));
    const message = text("a message signed by ssh-keygen -Y sign\n");
    writeFileSync(join(dir, "msg"), message);
    sshKeygen("-Y", "sign", "-q", "-f", "id_ed25519", "-n", "file", "msg");
    const theirs = parseSshsig(readFileSync(join(dir, "msg.sig"), "utf8"));
    expect(theirs.publicKey).toEqual(kp.publicKey);
    const data = sshsigSignedData(theirs.namespace, message);
    expect(verify(theirs.signature, data, kp.publicKey)).toBe(true);
    expect(sign(data, kp.secretKey)).toEqual(theirs.signature);

    writeFileSync(join(dir, "ours.sig"), makeSshsig(kp, "file", message));
    const ok = execFileSync("ssh-keygen", ["-Y", "check-novalidate", "-n", "file", "-s", "ours.sig"], {
      cwd: dir,
      input: message,
      encoding: "utf8",
    });
    expect(ok).toMatch(/Good "file" signature/);
    const tampered = execFileSync(
      "sh",
      ["-c", "ssh-keygen -Y check-novalidate -n file -s ours.sig >/dev/null 2>&1; echo $?"],
      { cwd: dir, input: "another message", encoding: "utf8" },
    );
    expect(tampered.trim()).not.toBe("0");
  });

  it("refuses passphrase-protected, RSA and ECDSA keys from ssh-keygen with typed errors", () => {
    sshKeygen("-q", "-t", "ed25519", "-N", "secret", "-f", "enc");
    sshKeygen("-q", "-t", "ecdsa", "-N", "", "-f", "ecdsa");
    sshKeygen("-q", "-t", "rsa", "-b", "1024", "-N", "", "-f", "rsa");
    const read = (f: string) => readFileSync(join(dir, f), "utf8");
    const errorOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as KeyFormatError;
      }
      throw new Error("expected an error");
    };
    const enc = errorOf(() => decodePrivateKey(read("enc")));
    expect(enc).toBeInstanceOf(KeyFormatError);
    expect([enc.reason, enc.message]).toEqual(["encrypted", expect.stringMatching(/aes256-ctr, kdf bcrypt/)]);
    // the public key of an encrypted file is still readable
    expect(decodePublicKey(read("enc.pub")).length).toBe(32);
    for (const [f, type] of [
      ["ecdsa", "ecdsa-sha2-nistp256"],
      ["rsa", "ssh-rsa"],
    ] as const) {
      const pub = errorOf(() => decodePublicKey(read(`${f}.pub`)));
      expect([pub.reason, pub.message]).toEqual(["wrong-type", `ssh: key type "${type}" is not ssh-ed25519`]);
      const priv = errorOf(() => decodePrivateKey(read(f)));
      expect(priv.reason).toBe("wrong-type");
      expect(priv.message).toContain(type);
    }
  });
});
