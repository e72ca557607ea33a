#!/usr/bin/env python3
"""The adapter's module graph, from the `crate::…` paths each module names.

Prints one line per module with the modules it uses; exits non-zero and
names the cycle when there is one. `--dot` prints Graphviz instead.
Module names are file paths below adapter/src (`p1/fd_io`, `wasi/abi`);
a reference `crate::a::b::c` counts as a use of the longest module path
that exists (`a/b`, else `a`). The generated WASI bindings (`wasi-bindings.rs`
in OUT_DIR) are modules `wasi/<package>`; references from them are the
generator's (`adapter/build/bindings.rs`): `wasi/abi` only.
"""
import os, re, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "adapter", "src")
modules = {}
for dirpath, _, files in os.walk(root):
    for f in files:
        if f.endswith(".rs"):
            rel = os.path.relpath(os.path.join(dirpath, f), root)[:-3]
            name = rel[:-4] if rel.endswith("/mod") else rel
            if name == "lib":
                name = "crate"
            modules[name] = open(os.path.join(dirpath, f)).read()
# One generated module per WASI package the adapter's WIT declares.
wit_deps = os.path.join(root, "..", "wit", "deps")
generated = set()
for f in os.listdir(wit_deps):
    m = re.search(r"^package wasi:([a-z-]+)@", open(os.path.join(wit_deps, f)).read(), re.M)
    if m:
        generated.add("wasi/" + m.group(1).replace("-", "_"))
known = set(modules) | generated

def resolve(path, current):
    parts = path.split("::")
    if parts[0] == "super":
        base = current.split("/")[:-1]
        parts = base + parts[1:]
    for n in range(len(parts), 0, -1):
        cand = "/".join(parts[:n])
        if cand in known:
            return cand
    return None

edges = {m: set() for m in known}
for name, text in modules.items():
    # Strip comments so prose mentioning modules does not count.
    code = re.sub(r"//[^\n]*", "", text)
    for m in re.finditer(r"\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)+)", code):
        head, rest = m.group(1), m.group(2)[2:]
        path = rest if head == "crate" else "super::" + rest
        target = resolve(path, name)
        if target and target != name and target != "crate":
            edges[name].add(target)
    # `use super::{a, b}` / `use crate::{a, b::c}` groups.
    for m in re.finditer(r"use (crate|super)::\{([^}]*)\}", code):
        for item in m.group(2).split(","):
            item = item.strip().split(" ")[0]
            if not item or item == "self":
                continue
            path = item if m.group(1) == "crate" else "super::" + item
            target = resolve(path, name)
            if target and target != name and target != "crate":
                edges[name].add(target)
for g in generated:
    edges[g] = {"wasi/abi"}
    edges.setdefault("wasi/abi", set())
# A parent module declares its children (`mod x;`): not a use.

def cycles():
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    def strongconnect(n):
        index[n] = low[n] = len(index)
        stack.append(n)
        on_stack.add(n)
        for t in sorted(edges.get(n, ())):
            if t not in index:
                strongconnect(t)
                low[n] = min(low[n], low[t])
            elif t in on_stack:
                low[n] = min(low[n], index[t])
        if low[n] == index[n]:
            component = []
            while True:
                t = stack.pop()
                on_stack.discard(t)
                component.append(t)
                if t == n:
                    break
            if len(component) > 1:
                found.append(sorted(component))
    for n in sorted(edges):
        if n not in index:
            strongconnect(n)
    return found

if "--dot" in sys.argv:
    print("digraph adapter {")
    for n in sorted(edges):
        for t in sorted(edges[n]):
            print(f'  "{n}" -> "{t}";')
    print("}")
else:
    for n in sorted(edges):
        print(f"{n}: {' '.join(sorted(edges[n]))}")
found = cycles()
for component in found:
    print("import cycle among: " + " ".join(component), file=sys.stderr)
sys.exit(1 if found else 0)
