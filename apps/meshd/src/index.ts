// @chronoseal/meshd: public API.
export {};
