//! The host's floor for the per-call workloads: what a component pays
//! wasmtime's P2 host per iteration when it makes the workload's WASI 0.2
//! calls itself, with no adapter in between (`floor.wat`). No Preview 1
//! adapter can be faster than this on the same host, since every one of
//! them has to make those calls to give the native host's answer; it is the
//! yardstick for how much of a call's time an adapter still owns. One
//! caveat: arguments and environment cannot change while a component runs,
//! so an adapter could keep the host's answer and skip the call the next
//! time; for `args_get` and `environ_get` repeated, the floor is the cost of
//! asking each time, as both adapters and the native host do.

use crate::hosts::{engine, Invocation, Metering};
use adapter_tests::component::Host;
use adapter_tests::wasi_ctx;
use anyhow::{anyhow, bail, Context, Result};
use std::path::Path;
use std::time::{Duration, Instant};
use wasmtime::component::{Component, Linker, TypedFunc};
use wasmtime::Store;

/// The workloads with a floor: the name of the benchmark workload it
/// mirrors, and the number `floor.wat`'s `run` knows it by. Two have none:
/// the poll with a zero timeout needs no host call at all, and the 64 KiB
/// write to stdout would be floored by `check-write`, one `write` and
/// `blocking-flush`, which the adapter's WIT (the floor's types) does not
/// declare: both adapters write 4 KiB chunks with
/// `blocking-write-and-flush`, as the native host does.
pub const WORKLOADS: [(&str, u32); 16] = [
    ("clock_time_get_monotonic", 0),
    ("clock_time_get_realtime", 1),
    ("random_get_32", 2),
    ("random_get_64k", 3),
    ("fd_write_file_64", 4),
    ("fd_write_file_64k", 5),
    ("fd_write_stdout_64", 6),
    ("fd_read_file_64", 7),
    ("fd_read_file_64k", 8),
    ("path_open_close", 9),
    ("path_filestat_get", 10),
    ("fd_readdir_1000", 11),
    ("args_get_4000", 12),
    ("args_get_10000", 12),
    ("environ_get_2000", 13),
    ("environ_get_10000", 13),
];

/// The floor's number for a benchmark workload, if it has one.
pub fn floor_of(workload: &str) -> Option<u32> {
    WORKLOADS.iter().find(|(name, _)| *name == workload).map(|(_, id)| *id)
}

const WORLD: &str = "
package adapter-bench:floor;

world floor {
  import wasi:filesystem/preopens@0.2.0;
  import wasi:filesystem/types@0.2.0;
  import wasi:clocks/monotonic-clock@0.2.0;
  import wasi:clocks/wall-clock@0.2.0;
  import wasi:random/random@0.2.0;
  import wasi:cli/environment@0.2.0;
  import wasi:cli/stdout@0.2.0;
  import wasi:io/streams@0.2.0;
  export run: func(workload: u32, n: u32) -> u32;
}
";

/// `floor.wat` as a component: its world is typed with the adapter's own
/// WIT (`adapter/wit`), so the two make the same calls.
pub fn component_bytes() -> Result<Vec<u8>> {
    let mut resolve = wit_parser::Resolve::default();
    let wit_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../adapter/wit");
    resolve.push_dir(&wit_dir).with_context(|| format!("reading {}", wit_dir.display()))?;
    let package = resolve.push_str("floor.wit", WORLD)?;
    let world = resolve.select_world(&[package], Some("floor"))?;
    let mut core = wat::parse_str(include_str!("floor.wat"))?;
    wit_component::embed_component_metadata(&mut core, &resolve, world, wit_component::StringEncoding::UTF8, false)?;
    wit_component::ComponentEncoder::default().module(&core)?.validate(true).encode()
}

/// The floor component, compiled for the timing engine.
pub struct Floor {
    component: Component,
    linker: Linker<Host>,
}

impl Floor {
    pub fn new() -> Result<Floor> {
        let engine = engine(Metering::Time);
        let component = Component::new(engine, component_bytes()?).map_err(|e| anyhow!("{e:?}"))?;
        let mut linker = Linker::<Host>::new(engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(|e| anyhow!("{e:?}"))?;
        Ok(Floor { component, linker })
    }

    /// Time of `run(id, n)` in a fresh instance (instantiation not timed),
    /// with the arguments, environment and preopened sandbox the
    /// benchmark's run of the workload has.
    pub fn run(&self, invocation: &Invocation, id: u32, n: u64) -> Result<Duration> {
        let (mut builder, _captured) = wasi_ctx::builder(&invocation.case_spec(), &invocation.sandbox)?;
        let mut store = Store::new(self.linker.engine(), Host::new(builder.build()));
        let instance = self.linker.instantiate(&mut store, &self.component).map_err(|e| anyhow!("{e:?}"))?;
        let run: TypedFunc<(u32, u32), (u32,)> =
            instance.get_typed_func(&mut store, "run").map_err(|e| anyhow!("{e:?}"))?;
        let n = u32::try_from(n)?;
        let start = Instant::now();
        let (failed,) = run.call(&mut store, (id, n)).map_err(|e| anyhow!("{e:?}"))?;
        let took = start.elapsed();
        if failed != 0 {
            bail!("the floor's workload {id} failed {failed} of {n} iterations");
        }
        Ok(took)
    }
}
