// Signed-note properties (fast-check, pinned seeds): any valid text round-trips through
// signNote/openNote; changing any one character of a signed note either makes it malformed (a
// NoteError) or leaves no verifying signature — never a verified note with other text; arbitrary
// input never throws anything but a NoteError; checkpoints round-trip.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { initKeys, type KeyPair, keyPairFromSeed } from "../../src/keys/sodium.js";
import {
  CheckpointError,
  formatCheckpoint,
  NoteError,
  noteVerifier,
  openNote,
  parseCheckpoint,
  parseNote,
  signNote,
} from "../../src/merkle/index.js";

let kp: KeyPair;
beforeAll(async () => {
  await initKeys();
  kp = keyPairFromSeed(new Uint8Array(32).fill(5));
});

// Lines of printable Unicode (no ASCII controls), possibly empty, joined by newlines.
const line = fc
  .string({ unit: "grapheme", maxLength: 20 })
  .filter((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f));
const text = fc.array(line, { minLength: 1, maxLength: 6 }).map((ls) => `${ls.join("\n")}\n`);

describe("signed-note properties", () => {
  it("valid texts round-trip; any one-character change is rejected", () => {
    fc.assert(
      fc.property(
        text,
        fc.nat(),
        fc.constantFrom("x", "\n", " ", "—", "+", "=", "A", "\u0001"),
        (t, at, ch) => {
          const note = signNote(t, [{ name: "k", secretKey: kp.secretKey }]);
          const keys = [noteVerifier("k", kp.publicKey)];
          expect(openNote(note, keys).text).toBe(t);
          const chars = [...note];
          const i = at % chars.length;
          if (chars[i] === ch) return;
          chars[i] = ch;
          const changed = chars.join("");
          try {
            const opened = openNote(changed, keys);
            // Only a change inside the signature line's name could still... no: name + key id must match.
            expect.unreachable(
              `verified after a change: ${JSON.stringify(changed)} → ${JSON.stringify(opened)}`,
            );
          } catch (e) {
            expect(e).toBeInstanceOf(NoteError);
          }
        },
      ),
      { seed: 2014, numRuns: 400 },
    );
  });

  it("arbitrary input gives a parsed note or a NoteError", () => {
    const piece = fc.constantFrom("\n", "\n\n", "— ", "k ", "AAAA", "=", "+", " ", "—", "x");
    const noteish = fc
      .array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 12 })
      .map((a) => a.join(""));
    fc.assert(
      fc.property(noteish, (s) => {
        try {
          const p = parseNote(s);
          expect(p.text.endsWith("\n")).toBe(true);
          expect(p.signatures.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(NoteError);
        }
      }),
      { seed: 42, numRuns: 3000 },
    );
  });

  it("checkpoint bodies round-trip", () => {
    const nonEmpty = line.filter((s) => s.length > 0);
    fc.assert(
      fc.property(
        nonEmpty,
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(nonEmpty, { maxLength: 3 }),
        (origin, size, root, extensions) => {
          const cp = extensions.length ? { origin, size, root, extensions } : { origin, size, root };
          expect(parseCheckpoint(formatCheckpoint(cp))).toEqual(cp);
        },
      ),
      { seed: 42, numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        try {
          parseCheckpoint(s);
        } catch (e) {
          expect(e).toBeInstanceOf(CheckpointError);
        }
      }),
      { seed: 42, numRuns: 2000 },
    );
  });
});
