// Public API of the keys area; see the modules beside this file.
export {};
