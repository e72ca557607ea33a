//! The drop-in export surface: every function wasmtime's adapters export,
//! with its core signature. A replacement adapter must export exactly these.

use std::fmt;

use wasmparser::ValType;

use crate::Flavour;

const I32: ValType = ValType::I32;
const I64: ValType = ValType::I64;
/// Every Preview 1 function returns an `errno` except `proc_exit`.
const ERRNO: &[ValType] = &[I32];
const NOTHING: &[ValType] = &[];

/// One function the adapter must export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SurfaceExport {
    pub name: &'static str,
    pub params: &'static [ValType],
    pub results: &'static [ValType],
}

impl SurfaceExport {
    const fn new(
        name: &'static str,
        params: &'static [ValType],
        results: &'static [ValType],
    ) -> Self {
        SurfaceExport {
            name,
            params,
            results,
        }
    }

    pub fn signature(&self) -> Signature {
        Signature::new(self.params, self.results)
    }
}

/// The `wasi_snapshot_preview1` functions, in their core-wasm lowering.
pub const PREVIEW1_EXPORTS: &[SurfaceExport] = &[
    SurfaceExport::new("args_get", &[I32, I32], ERRNO),
    SurfaceExport::new("args_sizes_get", &[I32, I32], ERRNO),
    SurfaceExport::new("environ_get", &[I32, I32], ERRNO),
    SurfaceExport::new("environ_sizes_get", &[I32, I32], ERRNO),
    SurfaceExport::new("clock_res_get", &[I32, I32], ERRNO),
    SurfaceExport::new("clock_time_get", &[I32, I64, I32], ERRNO),
    SurfaceExport::new("fd_advise", &[I32, I64, I64, I32], ERRNO),
    SurfaceExport::new("fd_allocate", &[I32, I64, I64], ERRNO),
    SurfaceExport::new("fd_close", &[I32], ERRNO),
    SurfaceExport::new("fd_datasync", &[I32], ERRNO),
    SurfaceExport::new("fd_fdstat_get", &[I32, I32], ERRNO),
    SurfaceExport::new("fd_fdstat_set_flags", &[I32, I32], ERRNO),
    SurfaceExport::new("fd_fdstat_set_rights", &[I32, I64, I64], ERRNO),
    SurfaceExport::new("fd_filestat_get", &[I32, I32], ERRNO),
    SurfaceExport::new("fd_filestat_set_size", &[I32, I64], ERRNO),
    SurfaceExport::new("fd_filestat_set_times", &[I32, I64, I64, I32], ERRNO),
    SurfaceExport::new("fd_pread", &[I32, I32, I32, I64, I32], ERRNO),
    SurfaceExport::new("fd_prestat_get", &[I32, I32], ERRNO),
    SurfaceExport::new("fd_prestat_dir_name", &[I32, I32, I32], ERRNO),
    SurfaceExport::new("fd_pwrite", &[I32, I32, I32, I64, I32], ERRNO),
    SurfaceExport::new("fd_read", &[I32, I32, I32, I32], ERRNO),
    SurfaceExport::new("fd_readdir", &[I32, I32, I32, I64, I32], ERRNO),
    SurfaceExport::new("fd_renumber", &[I32, I32], ERRNO),
    SurfaceExport::new("fd_seek", &[I32, I64, I32, I32], ERRNO),
    SurfaceExport::new("fd_sync", &[I32], ERRNO),
    SurfaceExport::new("fd_tell", &[I32, I32], ERRNO),
    SurfaceExport::new("fd_write", &[I32, I32, I32, I32], ERRNO),
    SurfaceExport::new("path_create_directory", &[I32, I32, I32], ERRNO),
    SurfaceExport::new("path_filestat_get", &[I32, I32, I32, I32, I32], ERRNO),
    SurfaceExport::new(
        "path_filestat_set_times",
        &[I32, I32, I32, I32, I64, I64, I32],
        ERRNO,
    ),
    SurfaceExport::new("path_link", &[I32, I32, I32, I32, I32, I32, I32], ERRNO),
    SurfaceExport::new(
        "path_open",
        &[I32, I32, I32, I32, I32, I64, I64, I32, I32],
        ERRNO,
    ),
    SurfaceExport::new("path_readlink", &[I32, I32, I32, I32, I32, I32], ERRNO),
    SurfaceExport::new("path_remove_directory", &[I32, I32, I32], ERRNO),
    SurfaceExport::new("path_rename", &[I32, I32, I32, I32, I32, I32], ERRNO),
    SurfaceExport::new("path_symlink", &[I32, I32, I32, I32, I32], ERRNO),
    SurfaceExport::new("path_unlink_file", &[I32, I32, I32], ERRNO),
    SurfaceExport::new("poll_oneoff", &[I32, I32, I32, I32], ERRNO),
    SurfaceExport::new("proc_exit", &[I32], NOTHING),
    SurfaceExport::new("proc_raise", &[I32], ERRNO),
    SurfaceExport::new("random_get", &[I32, I32], ERRNO),
    SurfaceExport::new("sched_yield", &[], ERRNO),
    SurfaceExport::new("sock_accept", &[I32, I32, I32], ERRNO),
    SurfaceExport::new("sock_recv", &[I32, I32, I32, I32, I32, I32], ERRNO),
    SurfaceExport::new("sock_send", &[I32, I32, I32, I32, I32], ERRNO),
    SurfaceExport::new("sock_shutdown", &[I32, I32], ERRNO),
];

/// Hooks wit-component and wasmtime's tooling call on the adapter itself.
pub const ADAPTER_EXPORTS: &[SurfaceExport] = &[
    SurfaceExport::new("cabi_import_realloc", &[I32, I32, I32, I32], &[I32]),
    SurfaceExport::new("reset_adapter_state", &[], NOTHING),
    SurfaceExport::new("adapter_open_badfd", &[I32], &[I32]),
    SurfaceExport::new("adapter_close_badfd", &[I32], &[I32]),
    SurfaceExport::new("adapter_monotonic_clock_set_paused", &[I32], NOTHING),
];

/// This adapter's own additions to the drop-in surface, called by code the
/// converter puts into the main module: the pause functions by the wrapper
/// around its `cabi_realloc` (the stretch in between may not call the
/// host), the memory functions in place of its `memory.size` and
/// `memory.grow` (the interposed placement). wit-component removes them
/// from components whose main module does not call them.
pub const EXTENSION_EXPORTS: &[SurfaceExport] = &[
    SurfaceExport::new("adapter_pause_begin", &[], NOTHING),
    SurfaceExport::new("adapter_pause_end", &[], NOTHING),
    SurfaceExport::new("adapter_memory_size", &[], &[I32]),
    SurfaceExport::new("adapter_memory_grow", &[I32], &[I32]),
];

/// The command flavour's entry point; it returns the lowered `result`.
pub const RUN_EXPORT: SurfaceExport = SurfaceExport::new("wasi:cli/run@0.2.0#run", &[], &[I32]);

/// Every export an adapter of `flavour` must have, and no others.
pub fn exports(flavour: Flavour) -> impl Iterator<Item = &'static SurfaceExport> {
    let run = match flavour {
        Flavour::Command => Some(&RUN_EXPORT),
        Flavour::Reactor | Flavour::Proxy => None,
    };
    PREVIEW1_EXPORTS.iter().chain(ADAPTER_EXPORTS).chain(EXTENSION_EXPORTS).chain(run)
}

/// A core function type, printed as `(i32, i64) -> i32`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

impl Signature {
    pub fn new(params: &[ValType], results: &[ValType]) -> Self {
        Signature {
            params: params.to_vec(),
            results: results.to_vec(),
        }
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_tuple(f, &self.params)?;
        f.write_str(" -> ")?;
        match self.results.as_slice() {
            [single] => write!(f, "{single}"),
            several => write_tuple(f, several),
        }
    }
}

fn write_tuple(f: &mut fmt::Formatter<'_>, types: &[ValType]) -> fmt::Result {
    f.write_str("(")?;
    for (i, ty) in types.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{ty}")?;
    }
    f.write_str(")")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn surface_sizes() {
        assert_eq!(PREVIEW1_EXPORTS.len(), 46);
        assert_eq!(exports(Flavour::Command).count(), 56);
        assert_eq!(exports(Flavour::Reactor).count(), 55);
        assert_eq!(exports(Flavour::Proxy).count(), 55);
    }

    #[test]
    fn names_are_unique() {
        let names: HashSet<_> = exports(Flavour::Command).map(|e| e.name).collect();
        assert_eq!(names.len(), exports(Flavour::Command).count());
    }

    #[test]
    fn signatures_print_like_wat() {
        assert_eq!(
            RUN_EXPORT.signature().to_string(),
            "() -> i32",
            "single result is not parenthesised"
        );
        assert_eq!(
            Signature::new(&[I32, I64], &[]).to_string(),
            "(i32, i64) -> ()"
        );
    }
}
