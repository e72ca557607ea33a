// hello: arguments and environment (AssemblyScript + @assemblyscript/wasi-shim).
//
// Reads process.argv first (args_sizes_get/args_get happen before anything
// else), then prints a greeting, every argument with its UTF-8 byte length,
// the number of environment variables, checksums over all "K=V" strings (one
// order-dependent, one not), the entries whose value contains '=', and a few
// specific variables.

const FNV_OFFSET: u64 = 0xcbf29ce484222325;
const FNV_PRIME: u64 = 0x100000001b3;

function fnv1a(h: u64, s: string): u64 {
  const bytes = Uint8Array.wrap(String.UTF8.encode(s));
  for (let i = 0; i < bytes.length; i++) {
    h ^= <u64>bytes[i];
    h *= FNV_PRIME;
  }
  return h;
}

function hex16(v: u64): string {
  return v.toString(16).padStart(16, "0");
}

function printVar(env: Map<string, string>, name: string): void {
  if (env.has(name)) {
    console.log("env[" + name + "] = [" + env.get(name) + "]");
  } else {
    console.log("env[" + name + "] = (unset)");
  }
}

const args = process.argv;

console.log("Hello from AssemblyScript on WASI!");
console.log("argc = " + args.length.toString());
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  console.log(
    "argv[" + i.toString() + "] = [" + a + "] (" +
    String.UTF8.byteLength(a).toString() + " bytes)"
  );
}

const env = process.env;
const keys = env.keys();
let ordered = FNV_OFFSET;
let unordered: u64 = 0;
let totalBytes = 0;
let withEq = 0;
for (let i = 0; i < keys.length; i++) {
  const kv = keys[i] + "=" + env.get(keys[i]);
  totalBytes += String.UTF8.byteLength(kv);
  ordered = fnv1a(ordered, kv);
  ordered = (ordered ^ 0) * FNV_PRIME; // separator byte 0
  unordered += fnv1a(FNV_OFFSET, kv);
  if (env.get(keys[i]).includes("=")) withEq++;
}
console.log("environ count = " + keys.length.toString());
console.log("environ bytes = " + totalBytes.toString());
console.log("environ checksum (ordered) = " + hex16(ordered));
console.log("environ checksum (unordered) = " + hex16(unordered));
console.log("entries with '=' in the value: " + withEq.toString());
for (let i = 0; i < keys.length; i++) {
  const v = env.get(keys[i]);
  if (v.includes("=")) console.log("  [" + keys[i] + "=" + v + "]");
}

printVar(env, "VAR_0000");
printVar(env, "VAR_0001");
printVar(env, "VAR_1000");
printVar(env, "VAR_1999");
printVar(env, "VAR_2000");
printVar(env, "NOT_SET_ANYWHERE");

console.log("Goodbye.");
