// meshd --help and --version, as a real process: usage or the package version on stdout, exit 0,
// nothing on stderr, nothing started; an unknown option is one line on stderr and exit 2.
import { fileURLToPath } from "node:url";
import { describeDaemonFlags } from "@chronoseal/testkit";

describeDaemonFlags({
  command: "meshd",
  main: fileURLToPath(new URL("../dist/main.js", import.meta.url)),
  packageJson: fileURLToPath(new URL("../package.json", import.meta.url)),
});
