// @chronoseal/collector-app: public API.
export {};
