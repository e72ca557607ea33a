//! The host's floor component (`bench/src/floor.wat`) still builds against
//! the adapter's WIT and runs every workload without a failed call, so the
//! benchmark's floor table cannot silently rot.

use adapter_bench::floor::{Floor, WORKLOADS};
use adapter_bench::hosts::Invocation;
use adapter_bench::sandbox::Sandbox;

#[test]
fn every_floor_workload_runs_without_failures() {
    // The 64 KiB reads take 64 KiB of data.bin per call.
    let calls = 20;
    let sandbox = Sandbox::create(calls << 16).expect("creating the sandbox");
    let floor = Floor::new().expect("building the floor component");
    let invocation = Invocation {
        args: vec!["floor".into(), "an argument".into()],
        env: vec![("A".into(), "variable".into())],
        sandbox: sandbox.path().to_path_buf(),
    };
    for (name, id) in WORKLOADS {
        floor
            .run(&invocation, id, calls)
            .unwrap_or_else(|e| panic!("floor workload {name}: {e:?}"));
    }
}
