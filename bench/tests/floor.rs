//! The host's floor component (`bench/src/floor.wat`) still builds against
//! the adapter's WIT and runs every workload without a failed call, so the
//! benchmark's floor table cannot silently rot.

use adapter_bench::floor::{Floor, WORKLOADS};
use adapter_bench::sandbox::Sandbox;

#[test]
fn every_floor_workload_runs_without_failures() {
    // fd_read_file_64 reads 64 bytes per call from data.bin.
    let calls = 200;
    let sandbox = Sandbox::create(64 * calls).expect("creating the sandbox");
    let floor = Floor::new().expect("building the floor component");
    for (name, id) in WORKLOADS {
        floor
            .run(sandbox.path(), id, calls)
            .unwrap_or_else(|e| panic!("floor workload {name}: {e:?}"));
    }
}
