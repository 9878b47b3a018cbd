// A cursor over CESR attachment material in either domain: text (qb64, one byte per character)
// or binary (qb2). Positions are absolute byte offsets into the stream, so every error names
// the exact byte where the problem starts.
import { CesrError } from "../errors.js";
import { encodeB64 } from "./b64.js";
import { type Counter, decodeCounter, decodeCounterQb2 } from "./counter.js";
import { decodeIndexer, type Indexer, sniffIndexer } from "./indexer.js";
import { decodeMatter, decodeMatterQb2, type Layout, type Matter, sniffMatter } from "./matter.js";

export type Domain = "text" | "binary";

/** Runs `fn` (which reports offsets relative to `at`) and shifts its CesrError offsets by `at`. */
function rebase<T>(at: number, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw e instanceof CesrError ? e.at(at) : e;
  }
}

export class Reader {
  pos: number;
  constructor(
    private readonly bytes: Uint8Array,
    /** The same bytes as a latin1 string (text domain reads slices of it). */
    private readonly text: string,
    readonly domain: Domain,
    readonly layout: Layout,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Bytes taken by `quadlets` quadlets of material in this domain (4 chars or 3 bytes each). */
  quadletBytes(quadlets: number): number {
    return this.domain === "text" ? quadlets * 4 : quadlets * 3;
  }

  /** True when the next item is a count code (starts with "-" in either domain). */
  nextIsCounter(): boolean {
    if (this.atEnd()) return false;
    const b = this.bytes[this.pos] as number;
    return this.domain === "text" ? b === 0x2d : b >> 2 === 0x3e;
  }

  counter(): Counter {
    const at = this.pos;
    if (this.domain === "text") {
      const c = decodeCounter(this.text.slice(at, Math.min(this.end, at + 8)), at);
      this.pos += c.qb64.length;
      this.check(at);
      return c;
    }
    const { counter, size } = decodeCounterQb2(this.bytes.subarray(at, this.end), at);
    this.pos += size;
    return counter;
  }

  matter(): Matter {
    const at = this.pos;
    if (this.domain === "text") {
      const { fs } = rebase(at, () => sniffMatter(this.text.slice(at, Math.min(this.end, at + 12))));
      if (at + fs > this.end)
        throw new CesrError(
          "ERR_CESR_SHORT",
          `primitive needs ${fs} characters, ${this.end - at} remain`,
          at,
        );
      const m = decodeMatter(this.text.slice(at, at + fs), this.layout, at);
      this.pos += fs;
      return m;
    }
    const { matter, size } = decodeMatterQb2(this.bytes.subarray(at, this.end), this.layout, at);
    this.pos += size;
    return matter;
  }

  indexer(): Indexer {
    const at = this.pos;
    if (this.domain === "text") {
      const { fs } = rebase(
        at,
        () => sniffIndexer(this.text.slice(at, Math.min(this.end, at + 4)), 0, this.layout).sizes,
      );
      if (at + fs > this.end)
        throw new CesrError(
          "ERR_CESR_SHORT",
          `indexed signature needs ${fs} characters, ${this.end - at} remain`,
          at,
        );
      const x = decodeIndexer(this.text.slice(at, at + fs), this.layout, at);
      this.pos += fs;
      return x;
    }
    // Binary: learn the code from the first bytes, then decode the text form of the whole item.
    const head = this.bytes.subarray(at, Math.min(this.end, at + 3));
    if (head.length < 3) throw new CesrError("ERR_CESR_SHORT", "binary indexed signature truncated", at);
    let fs: number;
    try {
      fs = sniffIndexer(encodeB64(head), 0, this.layout).sizes.fs;
    } catch (e) {
      throw e instanceof CesrError
        ? new CesrError(e.code, e.message.replace(/ \(at byte \d+\)$/, ""), at)
        : e;
    }
    const size = (fs * 3) / 4;
    if (this.end - at < size)
      throw new CesrError("ERR_CESR_SHORT", `binary indexed signature needs ${size} bytes`, at);
    const x = decodeIndexer(encodeB64(this.bytes.subarray(at, at + size)), this.layout, at);
    this.pos += size;
    return x;
  }

  /** A reader over the next `length` bytes (a counted group's body); advances past them. */
  take(length: number, what: string): Reader {
    if (length > this.remaining) {
      throw new CesrError(
        "ERR_CESR_COUNT",
        `${what} announces ${length} bytes but only ${this.remaining} remain`,
        this.pos,
      );
    }
    const sub = new Reader(this.bytes, this.text, this.domain, this.layout, this.pos, this.pos + length);
    this.pos += length;
    return sub;
  }

  private check(at: number): void {
    if (this.pos > this.end) throw new CesrError("ERR_CESR_SHORT", "item runs past the end of its group", at);
  }
}
