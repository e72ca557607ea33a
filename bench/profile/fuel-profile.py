#!/usr/bin/env python3
"""Where an adapter's instructions go: fuel per call, per function.

    bench/profile/fuel-profile.py [--adapter FILE] [--runs FUNC,...] WORKLOAD...

Builds the command adapter with function names kept (unless --adapter
names one, which then has no names), instruments every function so each
straight-line run of instructions adds its fuel to a counter in memory,
converts the benchmark's Rust guest with it, runs each WORKLOAD (the
guest's names, e.g. fd_read_file_64) on the wasmtime CLI at 1,000 and 2,000
calls, and prints the difference per call for every function that ran.

Fuel follows wasmtime's cost model: one per operator, none for nop, drop,
block, loop, unreachable, return, else and end. It counts the adapter only:
the few instructions of wit-component's shim that wasmtime's fuel adds
(`adapter-bench` reports component minus native) are not in it.

--runs FUNC,... also prints, for functions whose name contains FUNC, every
straight-line run that executed with its instructions: the place to look
when a function costs more than it should.

The counters live at guest address 0x10000 (the bench guest's stack region,
which its shallow stack never reaches); after `_start` returns they are
written to stderr. Needs wasm-tools, wasmtime and the bench guest
(`cargo run --release -p adapter-bench -- --fuel-only` builds it).
"""
import argparse, json, os, re, struct, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUEST = os.path.join(ROOT, "target/bench-programs/rust-target/wasm32-wasip1/release/p1-bench-guest.wasm")
WASM_OPT = os.path.join(ROOT, "target/tools/binaryen/node_modules/.bin/wasm-opt")
BASE = 0x10000
PER_FUNCTION = 512  # counter slots for functions; runs come after them
FREE = {"nop", "drop", "block", "loop", "unreachable", "return", "else", "end"}
ENDS_RUN = {"block", "loop", "if", "else", "end", "br", "br_if", "br_table", "return", "unreachable"}


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def named_adapter(work):
    """The command adapter as `finalize` makes it, but with its names."""
    env = dict(os.environ, CARGO_PROFILE_ADAPTER_STRIP="false", CARGO_TARGET_DIR=os.path.join(work, "target"))
    run(["cargo", "build", "-q", "-p", "wasi-preview1-adapter", "--target", "wasm32-unknown-unknown",
         "--profile", "adapter", "--no-default-features", "--features", "command"], cwd=ROOT, env=env)
    raw = os.path.join(work, "target/wasm32-unknown-unknown/adapter/wasi_snapshot_preview1.wasm")
    out = os.path.join(work, "named.wasm")
    wasm_opt = os.environ.get("WASM_OPT", WASM_OPT)
    run([wasm_opt, "-Oz", "-g", "--enable-bulk-memory", "--enable-multivalue",
         "--enable-nontrapping-float-to-int", "--enable-sign-ext", raw, "-o", out])
    return out


def instrument(adapter, out, run_funcs):
    wat = run(["wasm-tools", "print", adapter], capture_output=True, text=True).stdout
    lines = wat.split("\n")
    names = {int(m.group(2)): m.group(1) for m in re.finditer(r"\n  \(func \$(\S+) \(;(\d+);\)", wat)}
    result, runs, i = [], [], 0
    while i < len(lines):
        m = re.match(r"  \(func (?:\$\S+ )?\(;(\d+);\)", lines[i])
        if not m:
            result.append(lines[i]); i += 1; continue
        index = int(m.group(1))
        by_run = any(f in names.get(index, "") for f in run_funcs)
        result.append(lines[i]); i += 1
        while lines[i].strip().startswith("(local"):
            result.append(lines[i]); i += 1
        segment = []

        def flush():
            fuel = sum(1 for s in segment if s.strip().split()[0] not in FREE)
            if fuel:
                if by_run:
                    slot = PER_FUNCTION + len(runs); runs.append((index, segment[:]))
                else:
                    slot = index
                address = BASE + 8 * slot
                indent = re.match(r"\s*", segment[0]).group(0)
                result.extend(f"{indent}{op}" for op in (
                    f"i32.const {address}", f"i32.const {address}", "i64.load",
                    f"i64.const {fuel}", "i64.add", "i64.store"))
            result.extend(segment)

        while not lines[i].startswith("  )"):
            segment.append(lines[i])
            if lines[i].strip().split()[0] in ENDS_RUN:
                flush(); segment = []
            i += 1
        flush()
        result.append(lines[i]); i += 1
    total = 8 * (PER_FUNCTION + len(runs))

    def imported(pattern):
        m = re.search(pattern + r' \(func (\$\S+ )?\(;(\d+);\)', wat)
        return (m.group(1) or "").strip() or m.group(2)
    start = imported(r'\(import "__main_module__" "_start"')
    get_stderr = imported(r'\(import "wasi:cli/stderr@0.2.0" "get-stderr"')
    write = imported(r'"\[method\]output-stream.blocking-write-and-flush"')
    at = next(k for k, l in enumerate(result) if l.strip() == f"call {start}")
    dump = []
    for offset in range(0, total, 4096):
        dump += [f"call {get_stderr}", f"i32.const {BASE + offset}", f"i32.const {min(4096, total - offset)}",
                 "i32.const 0x8000", f"call {write}"]
    result[at + 1:at + 1] = ["    " + d for d in dump]
    text = os.path.join(os.path.dirname(out), "instrumented.wat")
    open(text, "w").write("\n".join(result))
    run(["wasm-tools", "parse", text, "-o", out])
    return names, runs, total


def demangle(name):
    """Rust's legacy mangling (`_ZN` then length-prefixed parts), readable."""
    if not name.startswith("_ZN"):
        return name
    parts, i = [], 3
    while i < len(name) and name[i].isdigit():
        j = i
        while name[j].isdigit():
            j += 1
        length = int(name[i:j])
        parts.append(name[j:j + length])
        i = j + length
    if parts and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
        parts.pop()
    text = "::".join(parts[1:] if parts and parts[0] == "wasi_snapshot_preview1" else parts)
    for code, char in (("$LT$", "<"), ("$GT$", ">"), ("$u20$", " "), ("$RF$", "&"), ("$C$", ","), ("..", "::")):
        text = text.replace(code, char)
    return text.removeprefix("_")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--adapter", help="an adapter to profile instead of building one (no names)")
    parser.add_argument("--runs", default="", help="comma-separated function name parts to show run by run")
    parser.add_argument("workloads", nargs="+")
    args = parser.parse_args()
    if not os.path.exists(GUEST):
        sys.exit(f"no bench guest at {GUEST}: run `cargo run --release -p adapter-bench -- --fuel-only clock` first")
    work = tempfile.mkdtemp(prefix="fuel-profile-")
    adapter = args.adapter or named_adapter(work)
    instrumented = os.path.join(work, "instrumented.wasm")
    names, runs, total = instrument(adapter, instrumented, [f for f in args.runs.split(",") if f])
    sandbox = os.path.join(work, "sandbox"); os.mkdir(sandbox)
    open(os.path.join(sandbox, "data.bin"), "wb").write(b"x" * 64 * 3000)
    open(os.path.join(sandbox, "small.txt"), "wb").write(b"a small file\n")
    component = os.path.join(work, "component.wasm")
    run(["wasm-tools", "component", "new", GUEST, "--adapt", f"wasi_snapshot_preview1={instrumented}", "-o", component])
    for workload in args.workloads:
        counts = {}
        for n in (1000, 2000):
            done = subprocess.run(["wasmtime", "run", "--dir", f"{sandbox}::.", component, workload, str(n)],
                                  capture_output=True, cwd=sandbox)
            if len(done.stderr) < total:
                sys.exit(f"{workload}: the run failed: {done.stderr[:400]!r}")
            counts[n] = struct.unpack(f"<{total // 8}Q", done.stderr[-total:])
        per_call = [(b - a) / 1000 for a, b in zip(counts[1000], counts[2000])]
        by_function = {i: per_call[i] for i in range(PER_FUNCTION) if per_call[i]}
        for k, (function, _) in enumerate(runs):
            by_function[function] = by_function.get(function, 0) + per_call[PER_FUNCTION + k]
        print(f"{workload}: {sum(by_function.values()):.0f} per call")
        for function, fuel in sorted(by_function.items(), key=lambda kv: -kv[1]):
            if fuel:
                print(f"  {fuel:7.1f}  {demangle(names.get(function, f'function {function}'))}")
        for k, (function, text) in enumerate(runs):
            if per_call[PER_FUNCTION + k]:
                print(f"  --- {demangle(names.get(function, str(function)))}, run {k}: {per_call[PER_FUNCTION + k]:.1f}")
                print("\n".join(text))


if __name__ == "__main__":
    main()
