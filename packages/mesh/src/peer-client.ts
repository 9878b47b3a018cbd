// The HTTP client side of a node: requests to peers with timeouts and size limits (a peer's
// answer is as untrusted as its requests), and the membership transport (ping, indirect probe,
// reachability challenge) built on them.
import { parseJson } from "@chronoseal/core";
import type { MembershipTransport, PingAnswer } from "./membership.js";
import { newNonce, verifyChallengeAnswer } from "./reachability.js";

/** A peer answered with an HTTP error status. */
export class PeerStatusError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
  ) {
    super(`${what}: HTTP ${status}`);
    this.name = "PeerStatusError";
  }
}

/** Reads a response body, refusing more than `limit` bytes. */
export async function readLimited(res: Response, limit: number): Promise<string> {
  if (Number(res.headers.get("content-length") ?? 0) > limit) {
    await res.body?.cancel();
    throw new Error(`answer larger than ${limit} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  for (;;) {
    const r = await reader?.read();
    if (!r || r.done) break;
    size += r.value.length;
    if (size > limit) {
      await reader?.cancel();
      throw new Error(`answer larger than ${limit} bytes`);
    }
    chunks.push(r.value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export interface RequestOptions {
  timeoutMs: number;
  /** Largest answer accepted, bytes. */
  limit: number;
  /** A JSON body: POST it. */
  body?: unknown;
  /** Told the bytes of the request body sent and of the answer read (metrics). */
  onBytes?: (sent: number, received: number) => void;
}

/**
 * GET (or POST a JSON body) and parse the JSON answer. Resolves `undefined` on 404 when
 * `allow404` (a peer not in a network, or without a route); throws PeerStatusError otherwise.
 */
export async function requestJson(
  url: string,
  what: string,
  o: RequestOptions & { allow404?: boolean },
): Promise<unknown> {
  const body = o.body === undefined ? undefined : JSON.stringify(o.body);
  const res = await fetch(url, {
    ...(body === undefined ? {} : { method: "POST", body, headers: { "content-type": "application/json" } }),
    signal: AbortSignal.timeout(o.timeoutMs),
  });
  const sent = body === undefined ? 0 : Buffer.byteLength(body);
  if (res.status === 404 && o.allow404) {
    await res.body?.cancel();
    o.onBytes?.(sent, 0);
    return undefined;
  }
  if (!res.ok) {
    await res.body?.cancel();
    o.onBytes?.(sent, 0);
    throw new PeerStatusError(what, res.status);
  }
  const text = await readLimited(res, o.limit);
  o.onBytes?.(sent, Buffer.byteLength(text));
  return parseJson(text);
}

/** Fetches a text document (a bootstrap data.json) of at most `limit` bytes. */
export async function fetchText(url: string, limit: number): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) {
    await res.body?.cancel();
    throw new PeerStatusError("GET", res.status);
  }
  return readLimited(res, limit);
}

/** Ping, indirect probe and challenge over HTTP. */
export function httpTransport(probeTimeoutMs: number): MembershipTransport {
  return {
    async ping(url) {
      const a = (await requestJson(`${url}/v1/ping`, "ping", {
        timeoutMs: probeTimeoutMs,
        limit: 64 << 10,
      })) as Partial<PingAnswer> | null;
      if (typeof a?.node !== "string") throw new Error("ping: no node key");
      return {
        node: a.node,
        ...(typeof a.attestor === "string" ? { attestor: a.attestor } : {}),
        networks: Array.isArray(a.networks) ? a.networks.filter((n) => typeof n === "string") : [],
      };
    },
    async pingVia(helper, target) {
      const a = (await requestJson(`${helper}/v1/probe`, "probe", {
        body: { url: target },
        timeoutMs: 2 * probeTimeoutMs,
        limit: 4096,
      })) as { ok?: unknown } | null;
      return a?.ok === true;
    },
    async challenge(url, key) {
      const nonce = newNonce();
      const answer = await requestJson(`${url}/v1/challenge`, "challenge", {
        body: { nonce },
        timeoutMs: probeTimeoutMs,
        limit: 64 << 10,
      });
      return verifyChallengeAnswer(answer, { nonce, key, url });
    },
  };
}
