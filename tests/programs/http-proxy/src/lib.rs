//! A `wasm32-wasip1` module that exports `wasi:http/incoming-handler@0.2.0`
//! and logs through P1's `fd_write` (`eprintln!`): made a `wasi:http/proxy`
//! component by a proxy adapter, which turns that `fd_write` into
//! `wasi:cli/stderr`.
//!
//! Routes (every response has `content-type`, `x-route` and `x-chunks`,
//! the number of writes its body took; the body is streamed in chunks of at
//! most 4096 bytes, the most `blocking-write-and-flush` takes):
//!
//! - `/`: 200, a greeting.
//! - `/echo…`: 200, the method, the path with query, every request header
//!   in the order received, the request body's length and FNV-1a hash,
//!   then the request body itself; `x-method` repeats the method.
//! - `/bytes/N`: 200, `content-length: N`, N bytes of a fixed pattern
//!   (N ≤ 1 MiB; otherwise 400).
//! - `/status/S`: status S (200–599; otherwise 400), a line naming it.
//! - anything else: 404.
//!
//! Every route reads the request body first. One stderr line per request:
//! method, path, request body bytes, status, response bytes and chunks.

use wasi::exports::http::incoming_handler::Guest;
use wasi::http::types::{
    Fields, IncomingRequest, Method, OutgoingBody, OutgoingResponse, ResponseOutparam,
};
use wasi::io::streams::{OutputStream, StreamError};

wasi::http::proxy::export!(Handler);

struct Handler;

/// Largest body `/bytes/N` serves.
const MAX_BYTES: usize = 1 << 20;

/// The most one `blocking-write-and-flush` accepts.
const CHUNK: usize = 4096;

/// What a route answers, before it is written out.
struct Reply {
    status: u16,
    route: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    /// Length of the request body (for the log line).
    request_bytes: usize,
}

impl Reply {
    fn text(status: u16, route: &'static str, text: String) -> Reply {
        Reply {
            status,
            route,
            headers: Vec::new(),
            body: text.into_bytes(),
            request_bytes: 0,
        }
    }
}

impl Guest for Handler {
    fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
        let method = method_name(&request.method());
        let path = request.path_with_query().unwrap_or_default();
        // Every route reads the whole request body first (a server may
        // not reuse a connection whose request it did not read).
        let reply = match read_body(&request) {
            Ok(body) => route(&request, &method, &path, &body),
            Err(e) => Reply::text(500, "none", format!("reading the body failed: {e}\n")),
        };

        let headers = Fields::new();
        let set = |name: &str, value: &str| {
            headers
                .append(&name.to_string(), &value.as_bytes().to_vec())
                .expect("a valid header");
        };
        set("content-type", "text/plain; charset=utf-8");
        set("x-route", reply.route);
        let chunks = reply.body.len().div_ceil(CHUNK);
        set("x-chunks", &chunks.to_string());
        for (name, value) in &reply.headers {
            set(name, value);
        }
        let response = OutgoingResponse::new(headers);
        response.set_status_code(reply.status).expect("a valid status");
        let body = response.body().expect("the body, taken once");
        ResponseOutparam::set(response_out, Ok(response));

        let stream = body.write().expect("the body's stream, taken once");
        let written = write_chunked(&stream, &reply.body);
        drop(stream);
        OutgoingBody::finish(body, None).expect("finishing the body");

        match written {
            Ok(()) => eprintln!(
                "{method} {path} ({} request bytes) -> {} ({} bytes, {chunks} chunks)",
                reply.request_bytes,
                reply.status,
                reply.body.len()
            ),
            Err(e) => eprintln!("{method} {path} -> {}: write failed: {e:?}", reply.status),
        }
    }
}

fn route(request: &IncomingRequest, method: &str, path: &str, body: &[u8]) -> Reply {
    let mut reply = answer(request, method, path, body);
    reply.request_bytes = body.len();
    reply
}

fn answer(request: &IncomingRequest, method: &str, path: &str, body: &[u8]) -> Reply {
    let bare = path.split('?').next().unwrap_or("");
    if bare == "/" {
        return Reply::text(200, "root", "hello from a wasip1 module behind a proxy adapter\n".into());
    }
    if bare == "/echo" || bare.starts_with("/echo/") {
        return echo(request, method, path, body);
    }
    if let Some(n) = bare.strip_prefix("/bytes/") {
        return match n.parse::<usize>() {
            Ok(n) if n <= MAX_BYTES => Reply {
                status: 200,
                route: "bytes",
                headers: vec![("content-length", n.to_string())],
                body: pattern(n),
                request_bytes: 0,
            },
            _ => Reply::text(400, "bytes", format!("not a size up to {MAX_BYTES}: {n}\n")),
        };
    }
    if let Some(s) = bare.strip_prefix("/status/") {
        return match s.parse::<u16>() {
            Ok(status) if (200..=599).contains(&status) => {
                Reply::text(status, "status", format!("status {status}\n"))
            }
            _ => Reply::text(400, "status", format!("not a status: {s}\n")),
        };
    }
    Reply::text(404, "none", format!("no route for {path}\n"))
}

fn echo(request: &IncomingRequest, method: &str, path: &str, body: &[u8]) -> Reply {
    let mut text = format!("method: {method}\npath: {path}\n");
    for (name, value) in request.headers().entries() {
        text.push_str(&format!("header: {name}: {}\n", String::from_utf8_lossy(&value)));
    }
    text.push_str(&format!("body-bytes: {}\nbody-fnv1a: {:016x}\n\n", body.len(), fnv1a(body)));
    let mut reply = Reply::text(200, "echo", text);
    reply.body.extend_from_slice(body);
    reply.headers.push(("x-method", method.to_string()));
    reply
}

fn read_body(request: &IncomingRequest) -> Result<Vec<u8>, String> {
    let body = request.consume().map_err(|()| "the body was taken already")?;
    let stream = body.stream().map_err(|()| "the body's stream was taken already")?;
    let mut bytes = Vec::new();
    loop {
        match stream.blocking_read(64 << 10) {
            Ok(chunk) => bytes.extend_from_slice(&chunk),
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(e)) => return Err(e.to_debug_string()),
        }
    }
    drop(stream);
    drop(body);
    Ok(bytes)
}

fn write_chunked(stream: &OutputStream, body: &[u8]) -> Result<(), StreamError> {
    for chunk in body.chunks(CHUNK) {
        stream.blocking_write_and_flush(chunk)?;
    }
    Ok(())
}

fn method_name(method: &Method) -> String {
    match method {
        Method::Get => "GET".into(),
        Method::Head => "HEAD".into(),
        Method::Post => "POST".into(),
        Method::Put => "PUT".into(),
        Method::Delete => "DELETE".into(),
        Method::Connect => "CONNECT".into(),
        Method::Options => "OPTIONS".into(),
        Method::Trace => "TRACE".into(),
        Method::Patch => "PATCH".into(),
        Method::Other(other) => other.clone(),
    }
}

/// The `/bytes/N` body: byte i is (31·i + 7) mod 251.
fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| ((i * 31 + 7) % 251) as u8).collect()
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}
