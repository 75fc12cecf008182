// Test helper: the error a call throws (a test fails if it returns instead).

export function thrown(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('did not throw');
}
