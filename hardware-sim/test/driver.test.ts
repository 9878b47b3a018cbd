// The hardware simulator's driver (SimDriver on a DeviceClock) passes the lock driver compliance
// suite from @chronoseal/lock/testing, like the built-in simulated driver and real hardware.
import { runDriverSuite } from "@chronoseal/lock/testing";
import { DeviceClock, SimDriver } from "../src/driver.js";

runDriverSuite("hardware-sim SimDriver (drifting clock)", () => {
  const from = Date.UTC(2025, 0, 6, 8);
  const clock = new DeviceClock(from, 1_500, 40); // 1.5 s ahead, running 40 ppm fast
  const subject = new SimDriver(clock);
  let n = 0;
  return {
    subject,
    // What the simulator's runner does for one passage: a badge, the door opening, the door
    // closing 5 s later, in true virtual time. A lock without power (no agent) sees nothing.
    async produce() {
      if (!subject.powered) return;
      clock.t += 1_000;
      const { accepted } = await subject.inputs.badge(`04A1B2C3D4E5${String(n++).padStart(2, "0")}`);
      if (accepted) await subject.inputs.door(true);
      clock.t += 5_000;
      await subject.inputs.door(false);
      await subject.inputs.tick();
    },
    async teardown() {},
  };
});
