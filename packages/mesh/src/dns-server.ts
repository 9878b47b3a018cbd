// The node's optional DNS server, for hosts and phones that run no node: UDP and TCP on one
// address, authoritative for the domains of the node's networks (their TLDs). Built on
// dns-packet (the packet format); the answers come from the node's resolve():
//   - a name under a zone with addresses: A / AAAA records (IPv4 / IPv6 addresses), short TTL;
//   - a name that exists but has no address of the type asked (or the zone apex): no answer
//     (NODATA), with the zone's SOA so resolvers cache the absence only briefly;
//   - an unknown name under a zone: NXDOMAIN (with the SOA);
//   - a name outside every zone: REFUSED (this is no recursive resolver);
//   - a malformed query: FORMERR when its header can be read (dropped otherwise), a response
//     packet is never answered, another opcode gets NOTIMP, another class REFUSED.
// Over UDP an answer larger than the client's limit (512 bytes, or its EDNS size) is truncated
// (TC set) so the client asks again over TCP. TCP connections are limited in number and time.
import { createSocket, type Socket } from "node:dgram";
import { isIPv4, isIPv6, type Server, type Socket as TcpSocket, createServer as tcpServer } from "node:net";
import dnsPacket from "dns-packet";

export type Resolution =
  | { kind: "refused" }
  | { kind: "nxdomain"; zone: string }
  | { kind: "found"; zone: string; ips: readonly string[] };

export interface DnsServerOptions {
  host: string;
  /** Port for both UDP and TCP (0: one the OS picks, the same for both). */
  port: number;
  /** TTL of answers, seconds (default 10). */
  ttl?: number;
  resolve(name: string): Resolution;
  log?: (level: "info" | "warn", msg: string, fields: Record<string, unknown>) => void;
  /** Most TCP connections at once (default 64); idle TCP connections are closed after 10 s. */
  maxConnections?: number;
}

const RCODE = { NOERROR: 0, FORMERR: 1, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

type Question = { name: string; type: string; class?: string };

/** The answer to one query packet (undefined: send nothing). `limit`: UDP size limit, or none. */
export function answerQuery(query: Buffer, o: DnsServerOptions, limit?: number): Buffer | undefined {
  if (query.length < 12) return undefined;
  const id = query.readUInt16BE(0);
  const rd = query.readUInt16BE(2) & dnsPacket.RECURSION_DESIRED;
  if (query.readUInt16BE(2) & 0x8000) return undefined; // a response: never answered
  const reply = (rcode: number, questions: Question[] = [], extra: Partial<dnsPacket.Packet> = {}) =>
    dnsPacket.encode({
      type: "response",
      id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | rd | rcode,
      questions: questions as dnsPacket.Question[],
      ...extra,
    });
  let q: dnsPacket.DecodedPacket;
  try {
    q = dnsPacket.decode(query);
  } catch {
    return reply(RCODE.FORMERR);
  }
  const opcode = (q as unknown as { opcode?: string }).opcode;
  if (opcode !== "QUERY") return reply(RCODE.NOTIMP);
  const questions = (q.questions ?? []) as Question[];
  if (questions.length !== 1) return reply(RCODE.FORMERR);
  const question = questions[0]!;
  if (question.class !== undefined && question.class !== "IN") return reply(RCODE.REFUSED, questions);
  const name = question.name.toLowerCase().replace(/\.$/, "");
  const r = o.resolve(name);
  if (r.kind === "refused") return reply(RCODE.REFUSED, questions);
  const ttl = o.ttl ?? 10;
  const soa: dnsPacket.Answer = {
    name: r.zone,
    type: "SOA",
    ttl,
    data: {
      mname: `ns.${r.zone}`,
      rname: `hostmaster.${r.zone}`,
      serial: Math.floor(Date.now() / 1000) >>> 0,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum: ttl,
    },
  };
  if (r.kind === "nxdomain") return reply(RCODE.NXDOMAIN, questions, { authorities: [soa] });
  const want = question.type;
  const answers: dnsPacket.Answer[] = [];
  for (const ip of r.ips) {
    if ((want === "A" || want === "ANY") && isIPv4(ip))
      answers.push({ name: question.name, type: "A", ttl, data: ip });
    if ((want === "AAAA" || want === "ANY") && isIPv6(ip))
      answers.push({ name: question.name, type: "AAAA", ttl, data: ip });
  }
  const full = reply(RCODE.NOERROR, questions, answers.length ? { answers } : { authorities: [soa] });
  if (limit !== undefined && full.length > limit)
    return dnsPacket.encode({
      type: "response",
      id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.TRUNCATED_RESPONSE | rd,
      questions: questions as dnsPacket.Question[],
    });
  return full;
}

/** The UDP size limit of a query: its EDNS payload size, else 512 bytes. */
function udpLimit(query: Buffer): number {
  try {
    const q = dnsPacket.decode(query);
    const opt = (q.additionals ?? []).find((a) => a.type === "OPT") as
      | { udpPayloadSize?: number }
      | undefined;
    return Math.max(512, Math.min(opt?.udpPayloadSize ?? 512, 4096));
  } catch {
    return 512;
  }
}

export class DnsServer {
  private udp: Socket | undefined;
  private tcp: Server | undefined;
  private readonly sockets = new Set<TcpSocket>();

  constructor(private readonly o: DnsServerOptions) {}

  /** Listens on UDP and TCP; resolves with the port. */
  async start(): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const udp = createSocket(isIPv6(this.o.host) ? "udp6" : "udp4");
      await new Promise<void>((resolve, reject) => {
        udp.once("error", reject);
        udp.bind(this.o.port, this.o.host, () => {
          udp.off("error", reject);
          resolve();
        });
      });
      const port = udp.address().port;
      try {
        await this.listenTcp(port);
      } catch (e) {
        udp.close();
        if (this.o.port === 0 && attempt < 5 && (e as NodeJS.ErrnoException).code === "EADDRINUSE") continue;
        throw e;
      }
      udp.on("message", (msg, rinfo) => {
        try {
          const out = answerQuery(msg, this.o, udpLimit(msg));
          if (out) udp.send(out, rinfo.port, rinfo.address);
        } catch (e) {
          this.o.log?.("warn", "dns query failed", { error: String(e), from: rinfo.address });
        }
      });
      udp.on("error", (e) => this.o.log?.("warn", "dns udp error", { error: String(e) }));
      this.udp = udp;
      return port;
    }
  }

  private listenTcp(port: number): Promise<void> {
    const server = tcpServer((socket) => this.connection(socket));
    server.maxConnections = this.o.maxConnections ?? 64;
    return new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, this.o.host, () => {
        server.off("error", reject);
        this.tcp = server;
        resolve();
      });
    });
  }

  /** TCP: messages with a two-byte length prefix, several per connection. */
  private connection(socket: TcpSocket): void {
    this.sockets.add(socket);
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let buf = Buffer.alloc(0);
    socket.on("data", (data: Buffer) => {
      buf = Buffer.concat([buf, data]);
      while (buf.length >= 2) {
        const n = buf.readUInt16BE(0);
        if (buf.length < 2 + n) break;
        const msg = buf.subarray(2, 2 + n);
        buf = buf.subarray(2 + n);
        let out: Buffer | undefined;
        try {
          out = answerQuery(Buffer.from(msg), this.o);
        } catch (e) {
          this.o.log?.("warn", "dns query failed", { error: String(e), from: socket.remoteAddress });
        }
        if (!out) {
          socket.destroy();
          return;
        }
        const len = Buffer.alloc(2);
        len.writeUInt16BE(out.length);
        socket.write(Buffer.concat([len, out]));
      }
    });
  }

  async stop(): Promise<void> {
    this.udp?.close();
    this.udp = undefined;
    for (const s of this.sockets) s.destroy();
    const tcp = this.tcp;
    this.tcp = undefined;
    if (tcp) await new Promise<void>((r) => tcp.close(() => r()));
  }
}
