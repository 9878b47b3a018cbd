// Public API of the attest area; see the modules beside this file.
export {};
