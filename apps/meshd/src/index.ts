// @chronoseal/meshd: the mesh node daemon (see main.ts).
export {};
