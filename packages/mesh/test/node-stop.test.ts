// MeshNode.stop() ends even while a peer keeps a keep-alive connection busy with requests and
// another one never finishes sending its request body (a daemon must exit on SIGTERM whatever
// its peers do), and saves the state.
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { Agent, get } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair, initKeys, toBase64 } from "@chronoseal/core";
import { describe, expect, it } from "vitest";
import { signEntry } from "../src/entries.js";
import { MeshNode } from "../src/node.js";

describe("MeshNode.stop", () => {
  it("closes a busy keep-alive connection after the grace period and snapshots the state", async () => {
    await initKeys();
    const admin = generateKeyPair();
    const network = toBase64(admin.publicKey);
    const settings = signEntry(
      {
        kind: "settings",
        network,
        writer: network,
        last_updated: new Date().toISOString(),
        tld: "mesh",
        attestors: [],
        banned: [],
        overrides: {},
        host_ttl: 0,
        sections: {},
      },
      admin.secretKey,
    );
    const stateDir = mkdtempSync(join(tmpdir(), "mesh-stop-"));
    const node = new MeshNode({
      stateDir,
      host: "127.0.0.1",
      port: 0,
      nodeKey: generateKeyPair(),
      networks: [{ admin: network, priority: 1, settings }],
      gossipMs: 60_000,
    });
    await node.start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let chatting = true;
    let answered = 0;
    let fiveAnswered: () => void = () => {};
    const five = new Promise<void>((r) => {
      fiveAnswered = r;
    });
    const chat = (async () => {
      while (chatting) {
        await new Promise<void>((resolve) => {
          const req = get(`${node.url}/v1/ping`, { agent }, (res) => {
            res.resume();
            res.on("end", () => {
              if (++answered === 5) fiveAnswered();
              resolve();
            });
          });
          req.on("error", () => {
            chatting = false;
            resolve();
          });
        });
      }
    })();
    await five; // the keep-alive connection is busy
    // A peer that sends half a request and stalls.
    const port = Number(new URL(node.url).port);
    const stalled = connect(port, "127.0.0.1");
    await new Promise<void>((r) => stalled.once("connect", () => r()));
    stalled.on("error", () => {});
    // Half a request, flushed to the socket before stop() begins.
    await new Promise<void>((r, j) =>
      stalled.write(`POST /v1/challenge HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"nonce":`, (e) =>
        e ? j(e) : r(),
      ),
    );
    await node.stop(300); // resolves: the test would time out otherwise
    stalled.destroy();
    chatting = false;
    await chat;
    agent.destroy();
    expect(readdirSync(stateDir).some((f) => f.endsWith(".json"))).toBe(true);
    expect(existsSync(stateDir)).toBe(true);
  }, 20_000);
});
