// The DNS answers for what a resolver does not usually send: malformed queries, response packets,
// other opcodes and classes, several questions, and answers too large for UDP (truncated, so the
// client asks again over TCP). The normal answers are tested with real queries against a meshd
// process (packages/launch/test/mesh-hostile.e2e.test.ts).
import dnsPacket from "dns-packet";
import { describe, expect, it } from "vitest";
import { answerQuery, type Resolution } from "../src/dns-server.js";

const ips = Array.from({ length: 40 }, (_, i) => `10.0.0.${i + 1}`);
const o = {
  host: "127.0.0.1",
  port: 0,
  resolve: (name: string): Resolution =>
    name === "big.mesh"
      ? { kind: "found", zone: "mesh", ips }
      : name.endsWith(".mesh")
        ? { kind: "nxdomain", zone: "mesh" }
        : { kind: "refused" },
};
const query = (p: Partial<dnsPacket.Packet> & { opcode?: string; class?: string }) =>
  dnsPacket.encode({ type: "query", id: 42, flags: dnsPacket.RECURSION_DESIRED, ...p } as dnsPacket.Packet);
const decode = (b: Buffer | undefined) => dnsPacket.decode(b!) as dnsPacket.DecodedPacket & { rcode: string };

describe("answerQuery", () => {
  it("FORMERR for garbage with a header, nothing for less than a header or for a response", () => {
    const garbage = Buffer.concat([
      query({ questions: [{ type: "A", name: "x.mesh" }] }).subarray(0, 12),
      Buffer.from([0xff, 0xff]),
    ]);
    garbage.writeUInt16BE(1, 4); // one question, which is not there
    expect(decode(answerQuery(garbage, o))).toMatchObject({ id: 42, rcode: "FORMERR" });
    expect(answerQuery(Buffer.from([1, 2, 3]), o)).toBeUndefined();
    const response = dnsPacket.encode({
      type: "response",
      id: 1,
      questions: [{ type: "A", name: "x.mesh" }],
    });
    expect(answerQuery(response, o)).toBeUndefined();
  });

  it("FORMERR for two questions, NOTIMP for another opcode, REFUSED for another class", () => {
    const two = query({
      questions: [
        { type: "A", name: "a.mesh" },
        { type: "A", name: "b.mesh" },
      ],
    });
    expect(decode(answerQuery(two, o)).rcode).toBe("FORMERR");
    const notify = query({ questions: [{ type: "A", name: "a.mesh" }] });
    notify.writeUInt16BE(notify.readUInt16BE(2) | (4 << 11), 2); // opcode NOTIFY
    expect(decode(answerQuery(notify, o)).rcode).toBe("NOTIMP");
    const chaos = query({ questions: [{ type: "TXT", name: "version.bind", class: "CH" }] });
    expect(decode(answerQuery(chaos, o)).rcode).toBe("REFUSED");
  });

  it("authoritative, the RD bit echoed, NXDOMAIN with the zone's SOA", () => {
    const r = decode(answerQuery(query({ questions: [{ type: "A", name: "nope.mesh" }] }), o));
    expect(r).toMatchObject({ id: 42, rcode: "NXDOMAIN", flag_aa: true, flag_rd: true, flag_ra: false });
    expect(r.authorities).toMatchObject([{ type: "SOA", name: "mesh" }]);
  });

  it("over UDP an answer larger than 512 bytes is truncated; over TCP it is whole", () => {
    const q = query({ questions: [{ type: "A", name: "big.mesh" }] });
    const udp = decode(answerQuery(q, o, 512));
    expect(udp).toMatchObject({ flag_tc: true, answers: [] });
    const tcp = decode(answerQuery(q, o));
    expect(tcp.flag_tc).toBe(false);
    expect(tcp.answers?.map((a) => (a as { data?: unknown }).data)).toEqual(ips);
  });
});
