// Public API of the merkle area; see the modules beside this file.
export {};
