// @chronoseal/hardware-sim: public API.
export {};
