//! The proxy flavour on a real wasi:http host: `programs/http-proxy` (a
//! `wasm32-wasip1` module exporting `wasi:http/incoming-handler@0.2.0`)
//! made a component with a proxy adapter, served by `wasmtime-wasi-http`
//! behind a hyper HTTP/1.1 server on 127.0.0.1, and a hyper client to talk
//! to it.

use crate::engine::{self, RUN_TIMEOUT_TICKS};
use crate::paths;
use crate::toolchain::Toolchain;
use anyhow::{anyhow, bail, Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use wasmtime::component::{Linker, ResourceTable};
use wasmtime::Store;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::io::TokioIo;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wasmtime_wasi_http::{
    RequestOptions, WasiBody, WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView,
};
use wit_component::ComponentEncoder;

/// The name every P1 adapter is spliced in under.
const ADAPTER_NAME: &str = "wasi_snapshot_preview1";

/// Capacity of the log pipe every request of one server writes to.
const LOG_CAPACITY: usize = 64 << 20;

/// Our proxy adapter (`ADAPTER_DIR` or `target/adapters`).
pub fn our_adapter() -> Result<Vec<u8>> {
    let path = paths::adapter_dir().join("wasi_snapshot_preview1.proxy.wasm");
    std::fs::read(&path).with_context(|| {
        format!(
            "reading {} (run ci/build-adapters.sh first, or point ADAPTER_DIR at the adapters)",
            path.display()
        )
    })
}

/// Wasmtime's proxy adapter, from its provider crate.
pub fn wasmtime_adapter() -> Vec<u8> {
    wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER.to_vec()
}

/// Builds `programs/http-proxy` for `wasm32-wasip1` (cargo keeps it up to
/// date) and returns the core module.
pub fn build_guest() -> Result<Vec<u8>> {
    if let Err(unavailable) = Toolchain::Rust.version() {
        bail!("the Rust toolchain is required: {}", unavailable.reason);
    }
    let source = paths::programs_dir().join("http-proxy");
    let target_dir = paths::test_programs_dir().join("http-proxy-target");
    let output = Command::new("cargo")
        .args(["build", "--release", "--target", "wasm32-wasip1", "--target-dir"])
        .arg(&target_dir)
        .current_dir(&source)
        // Flags meant for the host build must not leak into this one.
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .context("spawning cargo")?;
    if !output.status.success() {
        bail!(
            "building {} failed:\n{}",
            source.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let wasm: PathBuf = target_dir.join("wasm32-wasip1/release/http_proxy.wasm");
    std::fs::read(&wasm).with_context(|| format!("reading {}", wasm.display()))
}

/// Splices `adapter` into `module`, as tools that take a proxy adapter do.
pub fn encode(module: &[u8], adapter: &[u8]) -> Result<Vec<u8>> {
    ComponentEncoder::default()
        .module(module)?
        .adapter(ADAPTER_NAME, adapter)?
        .validate(true)
        .encode()
}

/// Store data of one request.
struct RequestState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    hooks: Hooks,
    table: ResourceTable,
}

/// wasi:http's default behaviour, except that outgoing requests (which
/// the guest never makes) are denied.
pub struct Hooks;

type Completion = Box<dyn Future<Output = Result<(), wasmtime_wasi_http::Error>> + Send>;

impl WasiHttpHooks for Hooks {
    fn send_request(
        &mut self,
        _request: hyper::Request<WasiBody>,
        _options: Option<RequestOptions>,
        _completion: Completion,
    ) -> Box<
        dyn Future<Output = Result<(hyper::Response<WasiBody>, Completion), wasmtime_wasi_http::Error>>
            + Send,
    > {
        Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) })
    }
}

impl WasiView for RequestState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for RequestState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

/// A component served on 127.0.0.1, a fresh instance per request (as
/// `wasmtime serve` does), until dropped.
pub struct Server {
    pub addr: SocketAddr,
    log: MemoryOutputPipe,
    stdout: MemoryOutputPipe,
    accept: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Compiles `component` and starts serving it (inside a Tokio runtime).
    pub async fn start(component: &[u8]) -> Result<Server> {
        let component = engine::component(component)?;
        let mut linker: Linker<RequestState> = Linker::new(engine::engine());
        wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(|e| anyhow!("{e:?}"))?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)
            .map_err(|e| anyhow!("{e:?}"))?;
        let pre = ProxyPre::new(
            linker
                .instantiate_pre(&component)
                .map_err(|e| anyhow!("pre-instantiating: {e:?}"))?,
        )
        .map_err(|e| anyhow!("not a wasi:http/proxy component: {e:?}"))?;

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let log = MemoryOutputPipe::new(LOG_CAPACITY);
        let stdout = MemoryOutputPipe::new(LOG_CAPACITY);
        let (log_for_requests, stdout_for_requests) = (log.clone(), stdout.clone());
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let pre = pre.clone();
                let (log, stdout) = (log_for_requests.clone(), stdout_for_requests.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let response = handle(pre.clone(), log.clone(), stdout.clone(), request);
                        async move {
                            // hyper drops the connection on an error: say why.
                            let response = response.await;
                            if let Err(e) = &response {
                                crate::report::notice(&format!("proxy server: {e:?}"));
                            }
                            response
                        }
                    });
                    // A connection the client dropped ends here; nothing to
                    // report.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Server {
            addr,
            log,
            stdout,
            accept,
        })
    }

    /// Everything the component wrote to stderr so far.
    pub fn log(&self) -> Vec<u8> {
        self.log.contents().to_vec()
    }

    /// Everything the component wrote to stdout so far.
    pub fn stdout(&self) -> Vec<u8> {
        self.stdout.contents().to_vec()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// One request: a fresh store and instance, `handle` called, the response
/// returned as soon as the guest set it (its body streams on).
async fn handle(
    pre: ProxyPre<RequestState>,
    log: MemoryOutputPipe,
    stdout: MemoryOutputPipe,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<HyperOutgoingBody>> {
    let wasi = WasiCtx::builder().stdout(stdout).stderr(log).build();
    let mut store = Store::new(
        pre.engine(),
        RequestState {
            wasi,
            http: WasiHttpCtx::new(),
            hooks: Hooks,
            table: ResourceTable::new(),
        },
    );
    store.set_epoch_deadline(RUN_TIMEOUT_TICKS);
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let request = store
        .data_mut()
        .http()
        .new_incoming_request(Scheme::Http, request)
        .map_err(|e| anyhow!("{e:?}"))?;
    let out = store
        .data_mut()
        .http()
        .new_response_outparam(sender)
        .map_err(|e| anyhow!("{e:?}"))?;
    let task = tokio::spawn(async move {
        let proxy = pre.instantiate_async(&mut store).await?;
        proxy
            .wasi_http_incoming_handler()
            .call_handle(&mut store, request, out)
            .await
    });
    match receiver.await {
        Ok(Ok(response)) => Ok(response),
        Ok(Err(code)) => bail!("the guest answered with an error: {code:?}"),
        Err(_) => match task.await {
            Ok(Ok(())) => bail!("the guest never set a response"),
            Ok(Err(e)) => Err(anyhow!("the guest failed before responding: {e:?}")),
            Err(e) => Err(anyhow!("the request task failed: {e}")),
        },
    }
}

/// What a response consists of, in comparable form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// Every header but `date`, in the order received.
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
}

/// An HTTP/1.1 client of one server: a connection per request (the server
/// closes a connection whose request body the guest did not read, as
/// hyper does).
pub struct Client {
    addr: SocketAddr,
}

impl Client {
    pub fn new(addr: SocketAddr) -> Client {
        Client { addr }
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: Vec<u8>,
    ) -> Result<Response> {
        let stream = tokio::net::TcpStream::connect(self.addr).await?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("host", self.addr.to_string());
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let request = request.body(Full::new(Bytes::from(body)))?;
        let response = sender.send_request(request).await?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter(|(name, _)| *name != hyper::header::DATE)
            .map(|(name, value)| (name.as_str().to_string(), value.as_bytes().to_vec()))
            .collect();
        let body = response.into_body().collect().await?.to_bytes().to_vec();
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}
