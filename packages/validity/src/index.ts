// @chronoseal/validity: public API.
export {};
