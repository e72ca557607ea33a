//! The WASI context both hosts get: same args, env, stdin bytes, in-memory
//! stdout/stderr and the same preopens.

use crate::cases::{CaseSpec, SANDBOX_GUEST_ALIAS, SANDBOX_GUEST_PATH};
use anyhow::{anyhow, Result};
use std::path::Path;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

/// Capacity of each captured output stream; writes beyond it trap.
const OUTPUT_CAPACITY: usize = 256 << 20;

/// Captured output streams of one run.
pub struct Captured {
    stdout: MemoryOutputPipe,
    stderr: MemoryOutputPipe,
}

impl Captured {
    pub fn stdout(&self) -> Vec<u8> {
        self.stdout.contents().to_vec()
    }

    pub fn stderr(&self) -> Vec<u8> {
        self.stderr.contents().to_vec()
    }
}

/// A builder configured for `spec`, with `sandbox` preopened.
pub fn builder(spec: &CaseSpec, sandbox: &Path) -> Result<(WasiCtxBuilder, Captured)> {
    let captured = Captured {
        stdout: MemoryOutputPipe::new(OUTPUT_CAPACITY),
        stderr: MemoryOutputPipe::new(OUTPUT_CAPACITY),
    };
    let mut builder = WasiCtxBuilder::new();
    // As `wasmtime run` does; it decides how the native host serves a lone
    // relative clock in poll_oneoff. Preopens copy this flag, so it comes
    // first.
    builder.allow_blocking_current_thread(true);
    builder
        .args(&spec.args)
        .envs(&spec.env)
        .stdin(MemoryInputPipe::new(spec.stdin.clone()))
        .stdout(captured.stdout.clone())
        .stderr(captured.stderr.clone());
    for guest in [SANDBOX_GUEST_PATH, SANDBOX_GUEST_ALIAS] {
        builder
            .preopened_dir(sandbox, guest, FsPerms::ReadWrite)
            .map_err(|e| anyhow!("preopening {} as {guest}: {e:?}", sandbox.display()))?;
    }
    Ok((builder, captured))
}
