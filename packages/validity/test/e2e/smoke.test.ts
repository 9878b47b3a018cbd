import { init } from "@chronoseal/core";
import { beforeAll, expect, it } from "vitest";
import { EvidenceStore } from "../../src/index.js";
import { buildChain, DAY, day } from "../fixture.js";

beforeAll(async () => {
  await init();
});

it("smoke", () => {
  const c = buildChain();
  const store = new EvidenceStore();
  const r = store.import(c.messages.map((m) => Buffer.from(m).toString("latin1")).join(""));
  store.import(c.schemas);
  expect(r.rejected).toBe(0);
  const v = store.validate(c.ecrCred, { validOn: day(5), resolution: DAY, trustedRoots: [c.root.prefix] });
  console.log(JSON.stringify(v, null, 1).slice(0, 3000));
  expect(v.valid).toBe(true);
});
