// Public API of the hash area; see the modules beside this file.
export {};
