// @chronoseal/lock-agent: public API.
export {};
