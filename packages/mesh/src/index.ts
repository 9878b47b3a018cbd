// @chronoseal/mesh: public API.
export {};
