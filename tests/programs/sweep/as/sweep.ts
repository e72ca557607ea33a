// sweep (AssemblyScript + @assemblyscript/wasi-shim): the "report" mode of
// tests/programs/sweep/c/sweep.c, run by the sweep harness at many sizes of
// arguments and environment. Reads process.argv first, then process.env.

const FNV_START: u64 = 0xcbf29ce484222325;
const FNV_PRIME: u64 = 0x100000001b3;

function fnv1a(h: u64, bytes: Uint8Array): u64 {
  for (let i = 0; i < bytes.length; i++) {
    h ^= <u64>bytes[i];
    h *= FNV_PRIME;
  }
  return h;
}

function utf8(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

function hex16(v: u64): string {
  return v.toString(16).padStart(16, "0");
}

// At most `max` bytes of s (whole characters only).
function head(s: string, max: i32): string {
  const bytes = utf8(s);
  if (bytes.length <= max) return s;
  return String.UTF8.decode(bytes.slice(0, max).buffer);
}

function sample(label: string, i: i32, s: string): void {
  const bytes = utf8(s);
  console.log(label + "[" + i.toString() + "] len=" + bytes.length.toString() +
    " fnv=" + hex16(fnv1a(FNV_START, bytes)) + " text=" + head(s, 48));
}

function list(label: string, l: string[]): void {
  let bytes = 0;
  let h = FNV_START;
  const nul = new Uint8Array(1);
  for (let i = 0; i < l.length; i++) {
    const b = utf8(l[i]);
    bytes += b.length;
    h = fnv1a(fnv1a(h, b), nul);
  }
  console.log(label + "c=" + l.length.toString() + " bytes=" + bytes.toString() + " fnv=" + hex16(h));
  for (let i = 0; i < l.length; i++) {
    if (i < 3 || i + 2 >= l.length) sample(label, i, l[i]);
  }
}

function lookup(env: Map<string, string>, name: string): void {
  if (env.has(name)) {
    const v = utf8(env.get(name));
    console.log("getenv(" + head(name, 48) + ") len=" + v.length.toString() + " fnv=" + hex16(fnv1a(FNV_START, v)));
  } else {
    console.log("getenv(" + head(name, 48) + ") unset");
  }
}

// Allocations after start-up, so a heap the adapter disturbed shows.
function heapWork(): void {
  const blocks = 64;
  const block = 256 << 10;
  const all = new Array<Uint8Array>(blocks);
  for (let i = 0; i < blocks; i++) {
    all[i] = new Uint8Array(block).fill(<u8>(i * 7));
  }
  for (let i = 1; i < blocks; i += 2) {
    all[i] = new Uint8Array(block).fill(<u8>(i * 7 + 1));
  }
  __collect();
  let sum: u64 = 0;
  for (let i = 0; i < blocks; i++) {
    sum = fnv1a(sum, all[i].subarray(0, 64));
    sum += <u64>all[i][block - 1];
  }
  console.log("heap ok sum=" + hex16(sum));
}

const args = process.argv;
list("arg", args);
const env = process.env;
const keys = env.keys();
const entries = new Array<string>(keys.length);
for (let i = 0; i < keys.length; i++) entries[i] = keys[i] + "=" + env.get(keys[i]);
list("env", entries);
if (keys.length > 0) {
  lookup(env, keys[0]);
  lookup(env, keys[keys.length / 2]);
  lookup(env, keys[keys.length - 1]);
}
lookup(env, "SWEEP_SURELY_UNSET");
heapWork();
