// Shared helpers for instantiating our embedded WebAssembly modules: base64 decoding and a
// synchronous or asynchronous instantiate. Nothing here runs at import time.

/** Decodes the base64 text of an embedded module into bytes. */
export function decodeBase64Module(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const imports: WebAssembly.Imports = {
  env: {
    abort(): never {
      throw new Error("chronoseal wasm: abort");
    },
  },
};

export function instantiateSync(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Instance {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
}

export async function instantiate(bytes: Uint8Array<ArrayBuffer>): Promise<WebAssembly.Instance> {
  const { instance } = await WebAssembly.instantiate(bytes, imports);
  return instance;
}

/** True when this engine accepts WebAssembly SIMD (checked with a tiny module, never at import). */
let simdSupport: boolean | undefined;
export function hasSimd(): boolean {
  if (simdSupport === undefined) {
    // (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt))
    simdSupport = WebAssembly.validate(
      new Uint8Array([
        0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253,
        98, 11,
      ]),
    );
  }
  return simdSupport === true;
}
