// Public API of the jcs area; see the modules beside this file.
export {};
