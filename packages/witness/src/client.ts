// The client side of tlog-witness add-checkpoint: submits a signed checkpoint with a consistency
// proof from the size the witness is believed to hold, and returns the witness's cosignature
// line once it verifies under the witness's configured key (cosignature lines by other keys are
// ignored, as the spec says). A 409 names the witness's actual size: the client proves again from
// it (at most twice), unless the witness is ahead of the checkpoint (it will never cosign it:
// ERR_WITNESS_AHEAD). Network failures, timeouts and 5xx are ERR_WITNESS_UNAVAILABLE (retry later);
// other refusals ERR_WITNESS_REFUSED with the status.
import { checkNote, type NoteVerifier, parseCheckpoint, parseNote, parseVerifierKey } from "@chronoseal/core";
import { WitnessClientError } from "./errors.js";
import { formatAddCheckpoint, parseCosignatureLines, parseSizeAnswer } from "./protocol.js";

export interface WitnessClientOptions {
  /** The witness's submission prefix: the client POSTs to `<url>/add-checkpoint`. */
  url: string;
  /** The witness's verifier key: "<name>+<id>+<base64(0x04 ‖ key)>" (or type 0x01), or a verifier. */
  key: string | NoteVerifier;
  /** Per-request timeout, ms (default 10 s). */
  timeoutMs?: number;
  /** Largest answer read, bytes (default 64 KiB). */
  maxAnswerBytes?: number;
}

export interface CosignOptions {
  /** The size the witness is believed to hold for the origin (0 when unknown: it answers 409 with it). */
  oldSize: number;
  /** The consistency proof from `from` to the checkpoint's size (asked again after a 409). */
  proof: (from: number) => Uint8Array[] | Promise<Uint8Array[]>;
  /** Verifier's clock for the cosignature's timestamp, ms (default Date.now()). */
  now?: number;
}

export interface SubmitResult {
  /** The witness's verified cosignature line(s) on the checkpoint, each ending in a newline. */
  lines: string;
  /** cosignature/v1: the witness's timestamp (POSIX seconds). */
  timestamp?: number;
  /** The old size the accepted request was proven from. */
  oldSize: number;
}

export class WitnessClient {
  readonly url: string;
  readonly verifier: NoteVerifier;
  private readonly timeoutMs: number;
  private readonly maxAnswer: number;

  constructor(o: WitnessClientOptions) {
    if (typeof o?.url !== "string" || !/^https?:\/\//.test(o.url))
      throw new TypeError(`url: expected an http(s) URL, got ${JSON.stringify(o?.url)}`);
    this.url = o.url.replace(/\/+$/, "");
    this.verifier = typeof o.key === "string" ? parseVerifierKey(o.key) : o.key;
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.maxAnswer = o.maxAnswerBytes ?? 64 << 10;
  }

  get name(): string {
    return this.verifier.name;
  }

  /** Submits `note` (a signed checkpoint) and returns the witness's verified cosignature. */
  async cosign(note: string, o: CosignOptions): Promise<SubmitResult> {
    const { text } = parseNote(note);
    const size = parseCheckpoint(text).size;
    let old = o.oldSize;
    for (let attempt = 0; ; attempt++) {
      const { status, body } = await this.post(
        formatAddCheckpoint({ oldSize: old, proof: await o.proof(old), note }),
      );
      if (status === 200) return { ...this.verify(text, body, o.now), oldSize: old };
      if (status === 409) {
        let theirs: number;
        try {
          theirs = parseSizeAnswer(body);
        } catch {
          throw new WitnessClientError("ERR_WITNESS_REFUSED", `${this.url}: 409 without a size`, 409);
        }
        if (theirs > size)
          throw new WitnessClientError(
            "ERR_WITNESS_AHEAD",
            `${this.url} holds size ${theirs} for this log, above the checkpoint's ${size}`,
            409,
          );
        if (theirs === old || attempt >= 2)
          throw new WitnessClientError(
            "ERR_WITNESS_REFUSED",
            theirs === old
              ? `${this.url} cosigned another root at size ${old} (the log forked, or its state does not match ours)`
              : `${this.url} keeps answering 409 (size ${theirs})`,
            409,
          );
        old = theirs;
        continue;
      }
      const detail = body.slice(0, 300).trim();
      if (status >= 500)
        throw new WitnessClientError(
          "ERR_WITNESS_UNAVAILABLE",
          `${this.url}: HTTP ${status} ${detail}`,
          status,
        );
      throw new WitnessClientError("ERR_WITNESS_REFUSED", `${this.url}: HTTP ${status} ${detail}`, status);
    }
  }

  private verify(text: string, body: string, now: number | undefined): Omit<SubmitResult, "oldSize"> {
    let lines: string[];
    try {
      lines = parseCosignatureLines(body);
    } catch (e) {
      throw new WitnessClientError("ERR_WITNESS_ANSWER", `${this.url}: ${(e as Error).message}`, 200);
    }
    const v = this.verifier;
    const mine = lines.filter((l) => l.startsWith(`— ${v.name} `));
    let opened: ReturnType<typeof checkNote>;
    try {
      opened = checkNote(`${text}\n${mine.join("")}`, [v], now === undefined ? {} : { now });
    } catch (e) {
      throw new WitnessClientError("ERR_WITNESS_ANSWER", `${this.url}: ${(e as Error).message}`, 200);
    }
    const good = opened.signatures;
    if (good.length === 0)
      throw new WitnessClientError(
        "ERR_WITNESS_ANSWER",
        `${this.url}: no cosignature by ${v.name} verifies in the answer` +
          (opened.invalid.length ? ` (${opened.invalid.map((s) => s.reason).join(", ")})` : ""),
        200,
      );
    // Keep exactly the lines that verified (the same name may have sent lines by other keys).
    const ids = new Set(good.map((s) => s.keyId));
    const kept = mine.filter((l) => {
      const raw = Buffer.from(l.slice(2 + v.name.length + 1, -1), "base64");
      return ids.has(raw.subarray(0, 4).toString("hex"));
    });
    return {
      lines: kept.join(""),
      ...(good[0]!.timestamp === undefined ? {} : { timestamp: good[0]!.timestamp }),
    };
  }

  private async post(body: string): Promise<{ status: number; body: string }> {
    let r: Response;
    try {
      r = await fetch(`${this.url}/add-checkpoint`, {
        method: "POST",
        body,
        headers: { "content-type": "text/plain; charset=utf-8" },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new WitnessClientError(
        "ERR_WITNESS_UNAVAILABLE",
        `${this.url}: ${cause ?? (e as Error).message}`,
      );
    }
    try {
      return { status: r.status, body: await readLimited(r, this.maxAnswer) };
    } catch (e) {
      throw new WitnessClientError(
        "ERR_WITNESS_UNAVAILABLE",
        `${this.url}: ${(e as Error).message}`,
        r.status,
      );
    }
  }
}

async function readLimited(r: Response, max: number): Promise<string> {
  if (!r.body) return "";
  const reader = r.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > max) {
      await reader.cancel();
      throw new Error(`answer larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
