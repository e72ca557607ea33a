//! Ten thousand descriptors open at once through the command adapter, for
//! Rust, C and Go (`programs/*/manyfds`): the adapter's table grows as the
//! native host's does, and hands out the same numbers. The differential
//! suite runs the same programs with 1,000 (Go: 200); this test runs
//! 10,000, one toolchain after another so that the host process stays
//! within its descriptor limit: through `p1-convert` (interposed) for all,
//! and spliced in unchanged for all but Go, which the stock placement
//! holds to 256 descriptors (docs/memory.md).

use adapter_tests::adapters::{self, ExitMode};
use adapter_tests::component::Splice;
use adapter_tests::programs::{self, Program};
use adapter_tests::toolchain::Toolchain;
use adapter_tests::{cases, compare, component, native, report};

const COUNT: &str = "10000";

#[test]
fn ten_thousand_descriptors_at_once() {
    let adapter = adapters::ours(ExitMode::Portable).unwrap();
    for toolchain in [Toolchain::Rust, Toolchain::Clang, Toolchain::Zig, Toolchain::Go] {
        let module = match programs::build(toolchain, "manyfds").unwrap() {
            Program::Built(bytes) => bytes,
            Program::Unavailable(u) => {
                report::notice(&format!("manyfds {}: SKIPPED, {}", toolchain.id(), u.reason));
                continue;
            }
        };
        let mut spec = cases::spec("manyfds");
        spec.args.push(COUNT.into());
        let expected = native::run(&module, &spec).unwrap();
        assert!(
            String::from_utf8_lossy(&expected.stdout).contains("closed all"),
            "native run of {} failed: {}{}",
            toolchain.id(),
            String::from_utf8_lossy(&expected.stdout),
            String::from_utf8_lossy(&expected.stderr)
        );
        for splice in Splice::ALL {
            if splice == Splice::Stock && toolchain == Toolchain::Go {
                continue;
            }
            let bytes = splice.make(&module, &adapter.bytes).unwrap();
            let actual = component::run(&bytes, &spec).unwrap();
            let diffs = compare::compare(&expected, &actual, adapter.exit_mode);
            let details: Vec<_> = diffs.iter().map(|d| d.detail.as_str()).collect();
            assert!(
                diffs.is_empty(),
                "{} ({}) differs from native:\n{}",
                toolchain.id(),
                splice.name(),
                details.join("\n")
            );
            report::notice(&format!("manyfds {} ({}): {COUNT} descriptors, same as native", toolchain.id(), splice.name()));
        }
    }
}
