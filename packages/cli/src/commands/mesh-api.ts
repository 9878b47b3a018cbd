// Talking to a running meshd's HTTP API (shared by the mesh verbs): a node that cannot be
// reached, or answers with a body that is not JSON, is an input error naming the node.
import { parseJson } from "@chronoseal/core";
import { InputError } from "../command.js";

export async function api(
  url: string,
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: unknown }> {
  if (!/^https?:\/\//.test(url)) throw new InputError(`--node ${url}: expected an http(s) URL`);
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${url.replace(/\/+$/, "")}${path}`, init);
    text = await res.text();
  } catch (e) {
    const cause = (e as Error).cause;
    throw new InputError(`meshd ${url}: ${cause instanceof Error ? cause.message : (e as Error).message}`);
  }
  try {
    return { status: res.status, body: text ? parseJson(text) : undefined };
  } catch {
    throw new InputError(`meshd ${url}: answered ${res.status} with a body that is not JSON`);
  }
}
