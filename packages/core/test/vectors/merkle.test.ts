// transparency-dev/merkle inclusion and consistency vectors (every case, every wantErr), and
// the C2SP signed-note example.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { noteKeyId, openNote, parseVerifierKey } from "../../src/merkle/note.js";
import { verifyConsistency, verifyInclusion } from "../../src/merkle/tree.js";
import { describeVectors, vectorPath, vectorsDir } from "../vectors.js";

const b = (s: string | null) => (s === null ? new Uint8Array(0) : new Uint8Array(Buffer.from(s, "base64")));
const proofOf = (p: string[] | null) => (p === null ? null : p.map(b));

function files(kind: string): string[] {
  if (!vectorsDir) return [];
  const root = vectorPath("merkle", kind);
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".json"))
    .map((f) => join(root, f));
}

describeVectors("RFC 9162 inclusion proofs (transparency-dev)", () => {
  const all = files("inclusion");
  it("covers the 98 cases, including every wantErr", () => {
    expect(all.length).toBe(98);
    let errs = 0;
    for (const f of all) {
      const v = JSON.parse(readFileSync(f, "utf8"));
      const ok = verifyInclusion(b(v.leafHash), v.leafIdx, v.treeSize, proofOf(v.proof), b(v.root));
      expect(ok, `${f}: ${v.desc}`).toBe(!v.wantErr);
      if (v.wantErr) errs++;
    }
    expect(errs).toBeGreaterThan(0);
  });
});

describeVectors("RFC 9162 consistency proofs (transparency-dev)", () => {
  const all = files("consistency");
  it("covers the 98 cases, including every wantErr", () => {
    expect(all.length).toBe(98);
    for (const f of all) {
      const v = JSON.parse(readFileSync(f, "utf8"));
      const ok = verifyConsistency(v.size1, v.size2, b(v.root1), b(v.root2), proofOf(v.proof));
      expect(ok, `${f}: ${v.desc}`).toBe(!v.wantErr);
    }
  });
});

describeVectors("C2SP signed-note example", () => {
  it("verifies with its key, and the key id matches", () => {
    const note = readFileSync(vectorPath("tlog", "signed-note-example.note"), "utf8");
    const vkey = readFileSync(vectorPath("tlog", "signed-note-example.vkey"), "utf8").trim();
    const v = parseVerifierKey(vkey);
    expect(Buffer.from(noteKeyId(v.name, v.publicKey)).toString("hex")).toBe(vkey.split("+")[1]);
    const opened = openNote(note, [v]);
    expect(opened.verified).toEqual(["example.com/foo"]);
    expect(opened.text).toBe("This is an example message.\n");
  });
});
