//! The proxy flavour on a real wasi:http host. `programs/http-proxy`, made
//! a component with our proxy adapter and with wasmtime's, is served by
//! `wasmtime-wasi-http` behind a hyper server on 127.0.0.1; 1,000 requests
//! of varied methods, paths, headers and bodies go to each. Every response
//! (status, headers, body) and the stderr log must be the same for both,
//! and what the guest's routes promise.

use adapter_tests::cases::pseudo_random_bytes;
use adapter_tests::proxy::{self, Client, Response, Server};
use adapter_tests::report;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const REQUESTS: usize = 1000;

/// One request of the run.
struct Request {
    method: &'static str,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Deterministic pseudo-random numbers (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Sizes around the 4096-byte chunk and beyond.
const SIZES: &[usize] = &[0, 1, 100, 4095, 4096, 4097, 8192, 12_289, 65_536, 100_000, 1 << 20];
const STATUSES: &[u16] = &[200, 201, 202, 206, 301, 302, 400, 403, 404, 418, 451, 500, 503, 599];

fn requests() -> Vec<Request> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..REQUESTS)
        .map(|i| {
            let method = rng.pick(&["GET", "GET", "POST", "PUT", "DELETE", "PATCH", "PURGE"]);
            let path = match rng.below(10) {
                0 => "/".to_string(),
                1..=3 => match rng.below(3) {
                    0 => "/echo".to_string(),
                    1 => format!("/echo/{i}/deeper?q={}&utf8=%C3%BC", rng.below(1000)),
                    _ => format!("/echo?n={i}"),
                },
                4..=6 => match rng.below(4) {
                    0 => format!("/bytes/{}", rng.pick(SIZES)),
                    1 | 2 => format!("/bytes/{}", rng.below(300_000)),
                    _ => rng.pick(&["/bytes/1048577", "/bytes/-1", "/bytes/lots"]).to_string(),
                },
                7 | 8 => match rng.below(5) {
                    0 => format!("/status/{}", rng.pick(&[99, 600, 1000])),
                    _ => format!("/status/{}", rng.pick(STATUSES)),
                },
                _ => format!("/missing/{i}"),
            };
            let headers = (0..rng.below(6))
                .map(|h| (format!("x-test-{h}"), format!("value {i}.{h} {}", rng.next())))
                .collect();
            let body = if matches!(method, "POST" | "PUT" | "PATCH") {
                let any = rng.below(200_000);
                let len = rng.pick(&[0, 1, 4096, 5000, 70_000, any]);
                pseudo_random_bytes(len, rng.next())
            } else {
                Vec::new()
            };
            Request {
                method,
                path,
                headers,
                body,
            }
        })
        .collect()
}

/// What the guest's documented routes answer (programs/http-proxy/src/lib.rs),
/// as status, `x-route`, and the body. The test checks these, `x-chunks`
/// and `content-length`.
fn expected(request: &Request) -> (u16, &'static str, Vec<u8>) {
    let bare = request.path.split('?').next().unwrap();
    let text = |status, route, text: String| (status, route, text.into_bytes());
    if bare == "/" {
        return text(200, "root", "hello from a wasip1 module behind a proxy adapter\n".into());
    }
    if bare == "/echo" || bare.starts_with("/echo/") {
        let mut body = format!("method: {}\npath: {}\n", request.method, request.path);
        // What the guest sees: the test's headers, and content-length when
        // there is a body (wasi:http has no host header: it is the
        // request's authority). In no particular order: `check` sorts them.
        for (name, value) in &request.headers {
            let _ = writeln!(body, "header: {name}: {value}");
        }
        if !request.body.is_empty() {
            let _ = writeln!(body, "header: content-length: {}", request.body.len());
        }
        let _ = write!(
            body,
            "body-bytes: {}\nbody-fnv1a: {:016x}\n\n",
            request.body.len(),
            fnv1a(&request.body)
        );
        let mut body = body.into_bytes();
        body.extend_from_slice(&request.body);
        return (200, "echo", body);
    }
    if let Some(n) = bare.strip_prefix("/bytes/") {
        return match n.parse::<usize>() {
            Ok(n) if n <= 1 << 20 => {
                (200, "bytes", (0..n).map(|i| ((i * 31 + 7) % 251) as u8).collect())
            }
            _ => text(400, "bytes", format!("not a size up to 1048576: {n}\n")),
        };
    }
    if let Some(s) = bare.strip_prefix("/status/") {
        return match s.parse::<u16>() {
            Ok(status) if (200..=599).contains(&status) => {
                text(status, "status", format!("status {status}\n"))
            }
            _ => text(400, "status", format!("not a status: {s}\n")),
        };
    }
    text(404, "none", format!("no route for {}\n", request.path))
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// Problems with one response against the routes' promise.
fn check(request: &Request, response: &Response) -> Vec<String> {
    let (status, route, body) = expected(request);
    let mut problems = Vec::new();
    if response.status != status {
        problems.push(format!("status {} (expected {status})", response.status));
    }
    let header = |name| response.header(name).map(|v| String::from_utf8_lossy(v).into_owned());
    if header("x-route").as_deref() != Some(route) {
        problems.push(format!("x-route {:?} (expected {route})", header("x-route")));
    }
    let chunks = body.len().div_ceil(4096).to_string();
    if header("x-chunks").as_deref() != Some(chunks.as_str()) {
        problems.push(format!("x-chunks {:?} (expected {chunks})", header("x-chunks")));
    }
    if route == "echo" && header("x-method").as_deref() != Some(request.method) {
        problems.push(format!("x-method {:?}", header("x-method")));
    }
    if route == "bytes" && status == 200 {
        let length = body.len().to_string();
        if header("content-length").as_deref() != Some(length.as_str()) {
            problems.push(format!("content-length {:?} (expected {length})", header("content-length")));
        }
    }
    let same_body = if route == "echo" {
        sorted_headers(&response.body) == sorted_headers(&body)
    } else {
        response.body == body
    };
    if !same_body {
        problems.push(format!(
            "body of {} bytes (expected {}): {:?}",
            response.body.len(),
            body.len(),
            String::from_utf8_lossy(&response.body[..response.body.len().min(300)])
        ));
    }
    problems
}

/// An echo body with its `header:` lines sorted (the order in which the
/// host hands headers over is not the order they were sent in).
fn sorted_headers(echo: &[u8]) -> Vec<u8> {
    let split = echo.windows(2).position(|w| w == b"\n\n").map_or(echo.len(), |at| at + 1);
    let (text, rest) = echo.split_at(split);
    let text = String::from_utf8_lossy(text);
    let (mut headers, others): (Vec<&str>, Vec<&str>) =
        text.lines().partition(|line| line.starts_with("header: "));
    headers.sort_unstable();
    let mut out = others[..others.len().min(2)].join("\n").into_bytes();
    for line in headers.iter().chain(&others[others.len().min(2)..]) {
        out.push(b'\n');
        out.extend_from_slice(line.as_bytes());
    }
    out.extend_from_slice(rest);
    out
}

/// The stderr line the guest logs for a request.
fn log_line(request: &Request, status: u16, body_len: usize) -> String {
    format!(
        "{} {} ({} request bytes) -> {status} ({body_len} bytes, {} chunks)\n",
        request.method,
        request.path,
        request.body.len(),
        body_len.div_ceil(4096)
    )
}

struct Served {
    responses: Vec<Response>,
    log: Vec<u8>,
    stdout: Vec<u8>,
}

async fn serve_all(component: &[u8], requests: &[Request]) -> Served {
    let server = Server::start(component).await.unwrap_or_else(|e| panic!("{e:?}"));
    let client = Client::new(server.addr);
    let mut responses = Vec::with_capacity(requests.len());
    for (i, r) in requests.iter().enumerate() {
        let response = client
            .send(r.method, &r.path, &r.headers, r.body.clone())
            .await
            .unwrap_or_else(|e| panic!("request {i} ({} {}): {e:?}", r.method, r.path));
        responses.push(response);
        // The guest logs after it finished the body, which the client may
        // have read by then: wait for the line, so that the log keeps the
        // order of the requests.
        let deadline = Instant::now() + Duration::from_secs(10);
        while server.log().iter().filter(|&&b| b == b'\n').count() <= i && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    Served {
        responses,
        log: server.log(),
        stdout: server.stdout(),
    }
}

#[test]
fn proxy_component_serves_the_same_responses_as_with_wasmtimes_adapter() {
    let started = Instant::now();
    let module = proxy::build_guest().unwrap_or_else(|e| panic!("{e:?}"));
    let ours = proxy::our_adapter().unwrap_or_else(|e| panic!("{e:?}"));
    let ours = proxy::encode(&module, &ours).unwrap_or_else(|e| panic!("ours: {e:?}"));
    let wasmtime = proxy::encode(&module, &proxy::wasmtime_adapter())
        .unwrap_or_else(|e| panic!("wasmtime's: {e:?}"));
    let requests = requests();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (ours, wasmtime) = runtime.block_on(async {
        (serve_all(&ours, &requests).await, serve_all(&wasmtime, &requests).await)
    });

    let mut failures = String::new();
    let mut expected_log = String::new();
    for (i, request) in requests.iter().enumerate() {
        let (a, b) = (&ours.responses[i], &wasmtime.responses[i]);
        expected_log.push_str(&log_line(request, a.status, a.body.len()));
        let problems = check(request, a);
        let same = a.status == b.status && a.headers == b.headers && a.body == b.body;
        if !problems.is_empty() || !same {
            let _ = writeln!(failures, "request {i}: {} {}", request.method, request.path);
            for p in problems {
                let _ = writeln!(failures, "  ours: {p}");
            }
            if !same {
                let _ = writeln!(
                    failures,
                    "  ours and wasmtime's adapter differ:\n    ours    : {} {:?} ({} body bytes)\n    wasmtime: {} {:?} ({} body bytes)",
                    a.status,
                    a.headers,
                    a.body.len(),
                    b.status,
                    b.headers,
                    b.body.len()
                );
            }
        }
        if failures.len() > 20_000 {
            break;
        }
    }
    if ours.log != expected_log.as_bytes() {
        let _ = writeln!(
            failures,
            "our component's stderr log is not one line per request as expected:\n{}",
            first_difference(&expected_log, &String::from_utf8_lossy(&ours.log))
        );
    }
    if ours.log != wasmtime.log {
        let _ = writeln!(
            failures,
            "the stderr logs differ:\n{}",
            first_difference(&String::from_utf8_lossy(&wasmtime.log), &String::from_utf8_lossy(&ours.log))
        );
    }
    if !ours.stdout.is_empty() || !wasmtime.stdout.is_empty() {
        let _ = writeln!(failures, "something was written to stdout");
    }
    let statuses: std::collections::BTreeSet<u16> = ours.responses.iter().map(|r| r.status).collect();
    let body_bytes: usize = ours.responses.iter().map(|r| r.body.len()).sum();
    report::notice(&format!(
        "proxy: {REQUESTS} requests to each component (our proxy adapter, wasmtime's), statuses {statuses:?}, \
         {body_bytes} response body bytes, {} log lines, {:.1}s",
        expected_log.lines().count(),
        started.elapsed().as_secs_f64()
    ));
    assert!(failures.is_empty(), "{failures}");
}

fn first_difference(expected: &str, actual: &str) -> String {
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(expected.lines().count().min(actual.lines().count()));
    format!(
        "  at line {}: expected {:?}\n             got      {:?}\n  ({} lines expected, {} got)",
        line + 1,
        expected.lines().nth(line),
        actual.lines().nth(line),
        expected.lines().count(),
        actual.lines().count()
    )
}
