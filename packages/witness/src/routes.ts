// The witness's HTTP route on the shared HTTP layer (@chronoseal/http):
//   POST <prefix>/add-checkpoint   body: the tlog-witness request (any content type, UTF-8)
//     200 text/plain               the cosignature/v1 line(s)
//     409 text/x.tlog.size         "<the witness's size for the origin>\n"
//     400/403/404/422/500          the layer's JSON error body { error, code }
// A refusal is logged by the layer and the daemon goes on serving.
import { HttpError, type HttpServer } from "@chronoseal/http";
import { WitnessError } from "./errors.js";
import { SIZE_CONTENT_TYPE } from "./protocol.js";
import type { Witness } from "./witness.js";

/** Largest request body: 63 proof lines and a checkpoint with many signatures fit easily. */
export const MAX_ADD_CHECKPOINT_BODY = 64 << 10;

export interface WitnessRouteOptions {
  /** Path prefix of the submission URL ("" → POST /add-checkpoint; "/witness" → POST /witness/add-checkpoint). */
  prefix?: string;
}

export function registerWitnessRoutes(app: HttpServer, witness: Witness, o: WitnessRouteOptions = {}): void {
  const prefix = o.prefix ?? "";
  if (prefix !== "" && !/^(\/[A-Za-z0-9._~-]+)+$/.test(prefix))
    throw new RangeError(`prefix: expected "" or a path like /witness, got ${JSON.stringify(prefix)}`);
  app.post(
    `${prefix}/add-checkpoint`,
    { bodyLimit: MAX_ADD_CHECKPOINT_BODY, config: { body: "text-any" } },
    async (request, reply) => {
      try {
        const r = await witness.addCheckpoint(request.body as string);
        return reply.code(200).type("text/plain; charset=utf-8").send(r.lines);
      } catch (e) {
        if (!(e instanceof WitnessError)) throw e;
        if (e.status === 409 && e.size !== undefined) {
          request.log.info({ code: e.code, error: e.message }, "witness: conflict");
          return reply.code(409).type(SIZE_CONTENT_TYPE).send(`${e.size}\n`);
        }
        throw new HttpError(e.status, e.code, e.message, { cause: e });
      }
    },
  );
}
