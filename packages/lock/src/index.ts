// @chronoseal/lock: public API.
export {};
