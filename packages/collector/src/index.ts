// @chronoseal/collector: public API.
export {};
