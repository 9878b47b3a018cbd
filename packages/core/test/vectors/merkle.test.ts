// transparency-dev/merkle inclusion and consistency vectors (every case, every wantErr: the bad
// cases must be rejected), with 64-bit sizes and indices read exactly as bigints; where a
// vector's tree is the RFC 6962 reference tree, our generated proofs must equal the vector's.
// Then the C2SP signed-note example note and verifier key.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, it } from "vitest";
import {
  checkConsistency,
  checkInclusion,
  leafHash,
  MerkleTree,
  NoteError,
  noteKeyId,
  openNote,
  parseNote,
  parseVerifierKey,
} from "../../src/merkle/index.js";
import { unhex } from "../merkle-helpers.js";
import { describeVectors, vectorPath, vectorsDir } from "../vectors.js";

const b64 = (s: string | null) => (s === null ? new Uint8Array(0) : new Uint8Array(Buffer.from(s, "base64")));
const proofOf = (p: string[] | null) => (p === null ? null : p.map(b64));

/** JSON with the integer fields kept exact (2^64 − 1 is not a safe JavaScript number). */
function readCase(file: string): Record<string, unknown> {
  const text = readFileSync(file, "utf8").replace(/"(leafIdx|treeSize|size1|size2)":\s*(\d+)/g, '"$1":"$2"');
  const v = JSON.parse(text) as Record<string, unknown>;
  for (const k of ["leafIdx", "treeSize", "size1", "size2"]) if (k in v) v[k] = BigInt(v[k] as string);
  return v;
}

function files(kind: string): string[] {
  if (!vectorsDir) return [];
  const root = vectorPath("merkle", kind);
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => join(root, f));
}

// The RFC 6962 reference leaves (the transparency-dev vectors use this tree).
const CT_TREE = MerkleTree.fromLeaves(
  ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map(
    unhex,
  ),
);

describeVectors("RFC 9162 inclusion proofs (transparency-dev)", () => {
  it("accepts every happy path and rejects every wantErr case (98 cases)", () => {
    const all = files("inclusion");
    expect(all.length).toBe(98);
    let bad = 0;
    let crossChecked = 0;
    for (const f of all) {
      const v = readCase(f) as {
        leafIdx: bigint;
        treeSize: bigint;
        root: string;
        leafHash: string;
        proof: string[] | null;
        desc: string;
        wantErr: boolean;
      };
      const name = `${relative(vectorPath("merkle"), f)}: ${v.desc}`;
      const verdict = checkInclusion(b64(v.leafHash), v.leafIdx, v.treeSize, proofOf(v.proof), b64(v.root));
      expect(verdict.ok, name).toBe(!v.wantErr);
      if (v.wantErr) bad++;
      else if (
        v.treeSize <= 8n &&
        v.treeSize > 0n &&
        Buffer.from(CT_TREE.leafHash(Number(v.leafIdx))).equals(b64(v.leafHash))
      ) {
        const ours = CT_TREE.inclusionProof(Number(v.leafIdx), Number(v.treeSize));
        expect(
          ours.map((p) => Buffer.from(p).toString("base64")),
          name,
        ).toEqual(v.proof ?? []);
        crossChecked++;
      }
    }
    expect(bad).toBeGreaterThan(80);
    expect(crossChecked).toBeGreaterThan(0);
  });
});

describeVectors("RFC 9162 consistency proofs (transparency-dev)", () => {
  it("accepts every happy path and rejects every wantErr case (98 cases)", () => {
    const all = files("consistency");
    expect(all.length).toBe(98);
    let bad = 0;
    let crossChecked = 0;
    for (const f of all) {
      const v = readCase(f) as {
        size1: bigint;
        size2: bigint;
        root1: string | null;
        root2: string | null;
        proof: string[] | null;
        desc: string;
        wantErr: boolean;
      };
      const name = `${relative(vectorPath("merkle"), f)}: ${v.desc}`;
      const verdict = checkConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), proofOf(v.proof));
      expect(verdict.ok, name).toBe(!v.wantErr);
      if (v.wantErr) bad++;
      else if (
        v.size2 <= 8n &&
        v.size1 > 0n &&
        Buffer.from(CT_TREE.rootAt(Number(v.size2))).equals(b64(v.root2))
      ) {
        const ours = CT_TREE.consistencyProof(Number(v.size1), Number(v.size2));
        expect(
          ours.map((p) => Buffer.from(p).toString("base64")),
          name,
        ).toEqual(v.proof ?? []);
        crossChecked++;
      }
    }
    expect(bad).toBeGreaterThan(80);
    expect(crossChecked).toBeGreaterThan(0);
  });
});

describeVectors("C2SP signed-note example", () => {
  it("verifies with its key, and the key id matches", () => {
    const note = readFileSync(vectorPath("tlog", "signed-note-example.note"), "utf8");
    const vkey = readFileSync(vectorPath("tlog", "signed-note-example.vkey"), "utf8").trim();
    const v = parseVerifierKey(vkey);
    expect(v.name).toBe("example.com/foo");
    expect(Buffer.from(noteKeyId(v.name, v.publicKey)).toString("hex")).toBe(vkey.split("+")[1]);
    // The signature line carries the same key id.
    expect(parseNote(note).signatures[0]!.keyId).toEqual(v.keyId);
    const opened = openNote(note, [v]);
    expect(opened).toEqual({
      text: "This is an example message.\n",
      verified: ["example.com/foo"],
      signatures: [{ name: "example.com/foo", keyId: "530d903a", type: "ed25519", verifier: v }],
      invalid: [],
      unknown: [],
    });
    // As bytes too; and one changed character of the text no longer verifies.
    expect(openNote(new TextEncoder().encode(note), [v]).verified).toEqual(["example.com/foo"]);
    expect(() => openNote(note.replace("example", "exampLe"), [v])).toThrow(NoteError);
    const opened2 = (() => {
      try {
        return openNote(note.replace("example", "exampLe"), [v]);
      } catch (e) {
        return (e as NoteError).code;
      }
    })();
    expect(opened2).toBe("ERR_NOTE_UNVERIFIED");
  });

  it("a leaf hash from the example tree matches the vectors' encoding", () => {
    expect(Buffer.from(leafHash(new Uint8Array(0))).toString("base64")).toBe(
      "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
    );
  });
});
