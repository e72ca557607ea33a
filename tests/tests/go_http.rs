//! A standard-Go wasi:http handler as users build it (componentize-go's
//! pipeline: wit-bindgen's Go generator, `go.bytecodealliance.org/pkg`, `go
//! build -buildmode=c-shared`; `adapter_tests::go_http`), with Go 1.25 and
//! the machine's Go, made a component the ways users make one, served by
//! `wasmtime-wasi-http` in-process on one reused instance: 2,000 requests
//! with bodies up to 1 MiB, a third of them kept, so the Go heap grows past
//! 256 MiB and the collector runs inside the host's allocations. Every
//! response must be right.
//!
//! * pkg v0.2.3 (announces its allocations): our reactor and proxy
//!   adapters spliced in unchanged (`wasm-tools component new --adapt`), and
//!   `p1-convert` (reactor, and `--proxy`);
//! * pkg v0.2.1 (does not): `p1-convert` without flags (it wraps a Go
//!   module's `cabi_realloc`), and `--proxy`. The stock flow is only a
//!   comparison there: without an announcement nothing can keep the
//!   collector's clock reads off the host.
//!
//! wasmtime's reactor adapter is a comparison column throughout.

use adapter_tests::go_http::{self, Instance, PKG_ANNOUNCING, PKG_SILENT};
use adapter_tests::{paths, report};
use sha2::{Digest, Sha256};

const REQUESTS: usize = 2_000;
/// The bar for the Go heap (what Go holds from the system) at the end.
const HEAP_BAR: u64 = 256 << 20;
const GO_1_25: &str = "go1.25.9";

/// How a component is made from the module.
#[derive(Clone, Copy, Debug)]
enum Way {
    StockReactor,
    StockProxy,
    Convert,
    ConvertProxy,
    WasmtimeReactor,
}

impl Way {
    fn component(self, module: &[u8]) -> anyhow::Result<Vec<u8>> {
        let ours = |file: &str| std::fs::read(paths::adapter_dir().join(file));
        match self {
            Way::StockReactor => p1_convert::encode(module, &ours("wasi_snapshot_preview1.reactor.wasm")?),
            Way::StockProxy => p1_convert::encode(module, &ours("wasi_snapshot_preview1.proxy.wasm")?),
            Way::Convert | Way::ConvertProxy => {
                let options = p1_convert::Options { proxy: matches!(self, Way::ConvertProxy), ..Default::default() };
                Ok(p1_convert::convert(module, &options)?.component)
            }
            Way::WasmtimeReactor => p1_convert::encode(
                module,
                wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
            ),
        }
    }
}

/// The request `i` of a run: (keep it?, body). Sizes: every tenth 1 MiB,
/// four in ten up to 1 MiB, the rest up to 4 KiB; deterministic.
fn request(i: usize) -> (bool, Vec<u8>) {
    let mut state = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0xd1b5_4a32_d192_ed03;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let len = match i % 10 {
        0 => 1 << 20,
        1..=4 => (next() % (1 << 20)) as usize,
        _ => (next() % 4096) as usize,
    };
    let body: Vec<u8> = (0..len).map(|_| next() as u8).collect();
    (i % 3 == 0, body)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Serves every request on one instance; `Err` says what went wrong first.
async fn serve(component: &[u8]) -> anyhow::Result<u64> {
    let mut instance = Instance::new(component).await?;
    let mut kept = Sha256::new();
    let mut kept_bytes = 0usize;
    for i in 0..REQUESTS {
        let (keep, body) = request(i);
        let path = if keep { "/echo?keep=1" } else { "/echo?keep=0" };
        let response = instance.request("POST", path, body.clone()).await.map_err(|e| anyhow::anyhow!("request {i}: {e:#}"))?;
        if keep {
            kept.update(&body);
            kept_bytes += body.len();
        }
        let expected_sha = hex(&Sha256::digest(&body));
        let expected_len = body.len().to_string();
        let expected_kept = kept_bytes.to_string();
        let right = response.status == 200
            && response.body == body
            && response.header("x-len") == Some(expected_len.as_str())
            && response.header("x-sha256") == Some(expected_sha.as_str())
            && response.header("x-kept") == Some(expected_kept.as_str());
        if !right {
            anyhow::bail!(
                "request {i} ({} bytes): status {}, {} body bytes, headers {:?}\nstderr:\n{}",
                body.len(),
                response.status,
                response.body.len(),
                response.headers,
                instance.stderr()
            );
        }
    }
    let stats = instance.request("GET", "/stats", Vec::new()).await?;
    let expected_sha = hex(&kept.finalize());
    if stats.header("x-kept-sha256") != Some(expected_sha.as_str()) {
        anyhow::bail!("the kept bodies changed: {:?}", stats.headers);
    }
    let heap: u64 = stats.header("x-heap").and_then(|h| h.parse().ok()).unwrap_or(0);
    Ok(heap)
}

/// The request that failed and why, in one line: the trap's own words
/// where the error has them.
fn cause(error: &anyhow::Error) -> String {
    let text = format!("{error:#}");
    let request = text.split(':').next().unwrap_or("");
    let why = text
        .lines()
        .map(str::trim)
        .find(|line| ["cannot leave component instance", "wasm trap:", "assertion failed", "trap"].iter().any(|p| line.contains(p)))
        .or_else(|| text.lines().map(str::trim).rfind(|line| !line.is_empty()))
        .unwrap_or("");
    format!("{request}: {why}")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// Builds the handler with `go` on `pkg`, then serves it every way in
/// `asserted` (must be right, heap past the bar) and in `compared` (only
/// reported).
fn check(go: &str, pkg: &str, asserted: &[Way], compared: &[Way]) {
    let wit_bindgen = match go_http::wit_bindgen() {
        Ok(path) => path,
        Err(why) => panic!("{why}"),
    };
    let module = match go_http::build(&wit_bindgen, go, pkg) {
        Ok(module) => module,
        Err(e) if go != "local" => {
            report::notice(&format!("go-http {go} {pkg}: SKIPPED, {e:#}"));
            return;
        }
        Err(e) => panic!("building the handler with {go}: {e:#}"),
    };
    let runtime = runtime();
    let mut failures = Vec::new();
    for &way in asserted.iter().chain(compared) {
        let started = std::time::Instant::now();
        let outcome = way.component(&module).and_then(|component| runtime.block_on(serve(&component)));
        let cell = match &outcome {
            Ok(heap) if *heap >= HEAP_BAR || compared.contains(&way) => format!("ok (heap {} MiB)", heap >> 20),
            Ok(heap) => format!("FAIL: heap only {} MiB", heap >> 20),
            Err(e) => format!("{}: {}", if asserted.contains(&way) { "FAIL" } else { "differs" }, cause(e)),
        };
        report::notice(&format!("go-http {go:<9} pkg {pkg} {:<16} {cell} ({:.1}s)", format!("{way:?}"), started.elapsed().as_secs_f64()));
        // GO_HTTP_VERBOSE=1: every failure in full.
        if let (Err(e), Some(_)) = (&outcome, std::env::var_os("GO_HTTP_VERBOSE")) {
            report::notice(&format!("{e:?}"));
        }
        if asserted.contains(&way) && !cell.starts_with("ok") {
            failures.push(format!("{way:?}: {:#}", outcome.err().map(|e| format!("{e:#}")).unwrap_or(cell)));
        }
    }
    assert!(failures.is_empty(), "Go HTTP handler ({go}, pkg {pkg}):\n{}", failures.join("\n"));
}

impl PartialEq for Way {
    fn eq(&self, other: &Way) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

#[test]
fn announcing_pkg_go_current() {
    check("local", PKG_ANNOUNCING, &[Way::StockReactor, Way::StockProxy, Way::Convert, Way::ConvertProxy], &[Way::WasmtimeReactor]);
}

#[test]
fn silent_pkg_go_current() {
    check("local", PKG_SILENT, &[Way::Convert, Way::ConvertProxy], &[Way::StockReactor, Way::WasmtimeReactor]);
}

#[test]
fn announcing_pkg_go_1_25() {
    check(GO_1_25, PKG_ANNOUNCING, &[Way::StockReactor, Way::Convert], &[Way::WasmtimeReactor]);
}

#[test]
fn silent_pkg_go_1_25() {
    check(GO_1_25, PKG_SILENT, &[Way::Convert], &[Way::StockReactor]);
}
