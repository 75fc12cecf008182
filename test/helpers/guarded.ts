// Test helper: a byte array behind a proxy that throws on any read past its end, so a parser that
// reads before checking its bounds fails the test.

export function guarded(bytes: Uint8Array): Uint8Array {
  return new Proxy(bytes, {
    get(target, prop) {
      if (typeof prop === 'string' && /^\d+$/.test(prop) && Number(prop) >= target.length) throw new Error(`read at ${prop} past ${target.length}`);
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
