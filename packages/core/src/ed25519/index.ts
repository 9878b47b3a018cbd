// Public API of the ed25519 area; see the modules beside this file.
export {};
