//! Go components that run their garbage collector inside a host-started
//! allocation (`tests/programs/go-gc`): a reactor whose `cabi_realloc`
//! allocates from Go's heap, driven by a host import that returns a 64 KiB
//! string per call. The host here is the wasmtime component runtime itself:
//! it traps ("cannot leave component instance") on any import called while
//! it is lowering a result into the guest, so a run without traps proves
//! that nothing reachable from the guest's allocator called the host.

use crate::cases::CaseSpec;
use crate::component::Host;
use crate::{engine, paths, sandbox, toolchain, wasi_ctx};
use anyhow::{anyhow, bail, Context, Result};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use wasmtime::component::Linker;
use wasmtime::Store;

pub const WORLD: &str = r#"
package test:gc;

interface blobs {
    get-blob: func(n: u32) -> string;
}

world gc {
    import blobs;
    export run: func(calls: u32) -> u32;
    export gc-in-realloc: func() -> u64;
}
"#;

/// Bytes per blob (`gcwork.BlobSize`).
pub const BLOB_SIZE: usize = 64 << 10;

/// Byte `i` of blob `n` (`gcwork.Expected`); ASCII-safe is not needed, but
/// a WIT string must be UTF-8, so only the low seven bits are used.
pub fn blob(n: u32) -> String {
    (0..BLOB_SIZE)
        .map(|i| char::from(expected(n, i)))
        .collect()
}

fn expected(n: u32, i: usize) -> u8 {
    ((i as u32).wrapping_mul(7).wrapping_add(n.wrapping_mul(13)).wrapping_add((i >> 8) as u32) & 0x7f) as u8
}

/// Which Go builds the program; `None` is the machine's `go`.
pub fn build(program: &str, go_release: Option<&str>) -> Result<Vec<u8>> {
    let dir = paths::programs_dir().join("go-gc");
    let release = go_release.unwrap_or("local");
    let version = toolchain::go_release_command(release).arg("version").output().context("running go version")?;
    if !version.status.success() {
        bail!("go {release} is not available: {}", String::from_utf8_lossy(&version.stderr).trim());
    }
    let mut hasher = Sha256::new();
    hasher.update(&version.stdout);
    for file in ["go.mod", "gcwork/gcwork.go", &format!("{program}/main.go")] {
        hasher.update(std::fs::read(dir.join(file)).with_context(|| format!("reading {file}"))?);
    }
    let key: String = hasher.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect();
    let out_dir = paths::test_programs_dir().join("go-gc");
    std::fs::create_dir_all(&out_dir)?;
    let wasm: PathBuf = out_dir.join(format!("{program}-{key}.wasm"));
    if !wasm.exists() {
        let tmp = paths::build_tmp(&wasm);
        let status = toolchain::go_release_command(release)
            .args(["build", "-trimpath", "-buildmode=c-shared", "-o"])
            .arg(&tmp)
            .arg(format!("./{program}"))
            .current_dir(&dir)
            .status()
            .context("running go build")?;
        if !status.success() {
            bail!("go build of {program} with {release} failed: {status}");
        }
        std::fs::rename(&tmp, &wasm)?;
    }
    Ok(std::fs::read(&wasm)?)
}

/// The module with the `gc` world embedded, ready for wit-component.
pub fn with_world(module: &[u8]) -> Result<Vec<u8>> {
    p1_convert::embed_world(module, WORLD, "gc")
}

pub struct GcOutcome {
    /// Payloads that came back wrong.
    pub bad: u32,
    /// Collections that completed inside `cabi_realloc`.
    pub gc_in_realloc: u64,
    pub stderr: String,
}

/// Instantiates the component and has it call `get-blob` `calls` times.
/// `env` is the guest's environment (e.g. `GODEBUG=gctrace=1`).
pub fn run(component: &[u8], calls: u32, env: &[(&str, &str)]) -> Result<GcOutcome> {
    let component = engine::component(component)?;
    let spec = CaseSpec {
        args: vec!["gc".into()],
        env: env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        stdin: Vec::new(),
        sandbox: Vec::new(),
    };
    let dir = sandbox::create(&spec)?;
    let (mut builder, captured) = wasi_ctx::builder(&spec, dir.path())?;
    let mut linker: Linker<Host> = Linker::new(engine::engine());
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(|e| anyhow!("{e:?}"))?;
    linker
        .instance("test:gc/blobs")
        .and_then(|mut blobs| blobs.func_wrap("get-blob", |_, (n,): (u32,)| Ok((blob(n),))))
        .map_err(|e| anyhow!("{e:?}"))?;
    let mut store = Store::new(engine::engine(), Host::new(builder.build()));
    // Ten thousand 64 KiB results take a few seconds; far more means a hang.
    store.set_epoch_deadline(300);
    let outcome = (|| -> wasmtime::Result<(u32, u64)> {
        let instance = linker.instantiate(&mut store, &component)?;
        let run = instance.get_typed_func::<(u32,), (u32,)>(&mut store, "run")?;
        let (bad,) = run.call(&mut store, (calls,))?;
        let gc = instance.get_typed_func::<(), (u64,)>(&mut store, "gc-in-realloc")?;
        let (cycles,) = gc.call(&mut store, ())?;
        Ok((bad, cycles))
    })();
    drop(store);
    let stderr = String::from_utf8_lossy(&captured.stderr()).into_owned();
    match outcome {
        Ok((bad, gc_in_realloc)) => Ok(GcOutcome { bad, gc_in_realloc, stderr }),
        Err(e) => bail!("{e:?}\n--- guest stderr:\n{stderr}"),
    }
}
