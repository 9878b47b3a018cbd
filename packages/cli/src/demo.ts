// `pnpm demo`: the main job. For now it runs the CLI over the RFC 8785 sample files; later
// issues grow it into the whole-system demo.
console.log("chronoseal demo");
