const CONTEXT = Symbol("context");

/**
 * Objects whose properties are made on first access, from the object's context, and then kept as its own
 * (plain, writable) properties, so users can still stub a method in their tests. The accessors live on one prototype, made once, so a new object costs one
 * allocation however many properties it offers: a client per tenant pays only for the domains, groups and
 * methods it touches.
 */
export function lazyObject<Context>(
  members: Record<string, (context: Context) => unknown>,
): (context: Context) => object {
  const prototype = {};
  for (const name in members) {
    const make = members[name]!;
    Object.defineProperty(prototype, name, {
      enumerable: true,
      configurable: true,
      get(this: { [CONTEXT]?: Context }) {
        if (!Object.hasOwn(this, CONTEXT)) return undefined; // read through the prototype itself: nothing to make
        const value = make(this[CONTEXT]!);
        keep(this, name, value);
        return value;
      },
      set(value: unknown) {
        keep(this, name, value);
      },
    });
  }
  // The context is hidden from inspection and spreading: logging a client must not print its config.
  return (context) => Object.create(prototype, { [CONTEXT]: { value: context } }) as object;
}

function keep(object: object, name: string, value: unknown): void {
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
}
