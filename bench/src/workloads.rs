//! What the benchmark runs: the P1 workloads, the program each runs in, how
//! it is counted, and the bar for the adapter's fuel where it sets one.

/// The guest program a workload runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Program {
    /// `bench/programs/rust`, invoked as `<guest> <workload> <n>`.
    RustGuest,
    /// The same guest with our adapter in the stock placement
    /// (docs/memory.md), hinted as `p1-convert --no-interpose` hints it:
    /// what the stock flow costs per call once past its first call.
    RustGuestStock,
    /// The same guest, with our adapter spliced in unchanged, as
    /// `wasm-tools component new --adapt` does: the stock placement without
    /// a hint, so its first call looks for Go in memory.
    RustGuestDropIn,
    /// `bench/programs/go/<name>`, run once without arguments.
    Go(&'static str),
}

/// How our adapter goes into a workload's component (wasmtime's adapter
/// is always spliced in unchanged).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conversion {
    /// As `p1-convert` converts: interposed, hinted.
    P1Convert,
    /// The stock placement, hinted (`p1-convert --no-interpose`).
    StockHinted,
    /// Spliced in unchanged (`wasm-tools component new --adapt`).
    Unchanged,
}

impl Program {
    pub fn conversion(self) -> Conversion {
        match self {
            Program::RustGuest | Program::Go(_) => Conversion::P1Convert,
            Program::RustGuestStock => Conversion::StockHinted,
            Program::RustGuestDropIn => Conversion::Unchanged,
        }
    }

    /// Whether the workload is converted as `p1-convert` converts (the
    /// rows the headline figures are made of).
    pub fn is_p1_convert(self) -> bool {
        self.conversion() == Conversion::P1Convert
    }
}

/// How one workload is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// The guest repeats one P1 call `n` times; cost per call is the
    /// difference between runs at `n1` and `n2`, divided by `n2 - n1`, so
    /// start-up and instantiation cancel out.
    PerCall { n1: u64, n2: u64 },
    /// The whole program is the workload: the run (without instantiation).
    WholeRun,
}

/// Extra inputs beyond the guest's own arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inputs {
    None,
    /// This many extra command-line arguments.
    Args(usize),
    /// This many environment variables.
    EnvVars(usize),
}

#[derive(Clone, Copy, Debug)]
pub struct Workload {
    /// Also the Rust guest's workload argument.
    pub name: &'static str,
    pub description: &'static str,
    pub program: Program,
    pub shape: Shape,
    pub inputs: Inputs,
    /// Issue 8's target for our adapter's fuel per call.
    pub fuel_bar: Option<u64>,
    /// Cheap and deterministic: its fuel is checked in CI against
    /// `bench/fuel-baseline.txt`.
    pub in_fuel_ci: bool,
    /// Counted in fuel only, not timed (a variant of a timed workload).
    pub fuel_only: bool,
}

/// Bytes per call of the reading workloads; the host's `data.bin` must
/// hold `n2` of them.
pub fn read_chunk(workload: &Workload) -> Option<u64> {
    match workload.name {
        "fd_read_file_64" | "fd_read_file_64_stock_settled" => Some(64),
        "fd_read_file_64k" => Some(64 << 10),
        _ => None,
    }
}

const fn per_call(
    name: &'static str,
    description: &'static str,
    n1: u64,
    n2: u64,
) -> Workload {
    Workload {
        name,
        description,
        program: Program::RustGuest,
        shape: Shape::PerCall { n1, n2 },
        inputs: Inputs::None,
        fuel_bar: None,
        in_fuel_ci: false,
        fuel_only: false,
    }
}

/// `per_call` in the stock placement (`Program::RustGuestStock`), in a
/// guest that grew memory once after its first P1 call (the guest strips
/// `_stock_settled` from the name), so that the adapter's arena settled
/// (docs/memory.md) before the loop: what a program that allocates sees.
/// The interposed placement is settled from the start; these rows are its
/// bar. Fuel only.
const fn stock_settled(name: &'static str, description: &'static str, n1: u64, n2: u64) -> Workload {
    let mut workload = per_call(name, description, n1, n2);
    workload.program = Program::RustGuestStock;
    workload.fuel_only = true;
    workload
}

/// A whole run, start-up included, timed and counted once per run.
const fn whole_run(name: &'static str, description: &'static str, program: Program) -> Workload {
    Workload {
        name,
        description,
        program,
        shape: Shape::WholeRun,
        inputs: Inputs::None,
        fuel_bar: None,
        in_fuel_ci: false,
        fuel_only: false,
    }
}

/// The Rust guest's whole run (start-up and one `println!`): what every
/// Rust program pays before its first line.
const fn whole_rust_run(name: &'static str, description: &'static str) -> Workload {
    whole_run(name, description, Program::RustGuest)
}

const fn go(name: &'static str, description: &'static str, program: &'static str) -> Workload {
    whole_run(name, description, Program::Go(program))
}

impl Workload {
    const fn bar(mut self, fuel: u64) -> Workload {
        self.fuel_bar = Some(fuel);
        self
    }

    const fn ci(mut self) -> Workload {
        self.in_fuel_ci = true;
        self
    }

    const fn inputs(mut self, inputs: Inputs) -> Workload {
        self.inputs = inputs;
        self
    }

    /// Iteration counts for a full run, scaled down by `divisor` (quick
    /// mode, the CI check); the two counts stay distinct.
    pub fn scaled(mut self, divisor: u64) -> Workload {
        if let Shape::PerCall { n1, n2 } = self.shape {
            let n1 = (n1 / divisor).max(1);
            let n2 = (n2 / divisor).max(n1 + 10);
            self.shape = Shape::PerCall { n1, n2 };
        }
        self
    }
}

/// Every workload of a full run, in report order. The counts make each run
/// at `n2` take roughly 10-100 ms natively.
pub const ALL: &[Workload] = &[
    per_call("clock_time_get_monotonic", "`clock_time_get` monotonic", 20_000, 220_000)
        .bar(60)
        .ci(),
    per_call("clock_time_get_realtime", "`clock_time_get` realtime", 20_000, 220_000).ci(),
    per_call("random_get_32", "`random_get` 32 B", 20_000, 220_000).ci(),
    per_call("random_get_64k", "`random_get` 64 KiB", 100, 1_100),
    per_call("fd_write_file_64", "`fd_write` 64 B to a file", 10_000, 60_000)
        .bar(144)
        .ci(),
    per_call("fd_write_file_64k", "`fd_write` 64 KiB to a file", 100, 600),
    per_call("fd_write_stdout_64", "`fd_write` 64 B to captured stdout", 20_000, 220_000).ci(),
    per_call("fd_write_stdout_64k", "`fd_write` 64 KiB to captured stdout", 100, 1_100),
    per_call("fd_read_file_64", "`fd_read` 64 B from a file", 10_000, 110_000)
        .bar(188)
        .ci(),
    per_call("fd_read_file_64k", "`fd_read` 64 KiB from a file", 100, 600),
    per_call("path_open_close", "`path_open` + `fd_close`", 2_000, 22_000)
        .bar(430)
        .ci(),
    per_call("path_filestat_get", "`path_filestat_get`", 5_000, 55_000)
        .bar(258)
        .ci(),
    per_call("fd_readdir_1000", "`fd_readdir` over 1,000 entries", 20, 220),
    // Wasmtime's adapter traps on 10,000 (its buffer for the host's results
    // runs out somewhere between 5,000 and 8,000 arguments, and between
    // 2,000 and 4,000 variables), so a smaller count gives it a row too.
    per_call("args_get_4000", "`args_get` with 4,000 arguments", 50, 550)
        .inputs(Inputs::Args(4_000)),
    per_call("args_get_10000", "`args_get` with 10,000 arguments", 20, 220)
        .inputs(Inputs::Args(10_000)),
    per_call("environ_get_2000", "`environ_get` with 2,000 variables", 50, 550)
        .inputs(Inputs::EnvVars(2_000)),
    per_call("environ_get_10000", "`environ_get` with 10,000 variables", 20, 220)
        .inputs(Inputs::EnvVars(10_000)),
    per_call("poll_oneoff_clock_zero", "`poll_oneoff`, one clock, zero timeout", 20_000, 220_000)
        .ci(),
    stock_settled("clock_time_get_monotonic_stock_settled", "`clock_time_get` monotonic, stock placement, settled arena", 2_000, 22_000)
        .bar(60)
        .ci(),
    stock_settled("fd_write_file_64_stock_settled", "`fd_write` 64 B to a file, stock placement, settled arena", 1_000, 6_000)
        .bar(144)
        .ci(),
    stock_settled("fd_read_file_64_stock_settled", "`fd_read` 64 B from a file, stock placement, settled arena", 1_000, 11_000)
        .bar(188)
        .ci(),
    stock_settled("path_open_close_stock_settled", "`path_open` + `fd_close`, stock placement, settled arena", 200, 2_200)
        .bar(430)
        .ci(),
    stock_settled("path_filestat_get_stock_settled", "`path_filestat_get`, stock placement, settled arena", 500, 5_500)
        .bar(258)
        .ci(),
    whole_rust_run("rust_hello", "Rust start-up: hello world").ci(),
    whole_run("rust_hello_drop_in", "Rust start-up: hello world, adapter spliced in unchanged", Program::RustGuestDropIn).ci(),
    go("go_hello", "Go start-up: hello world", "hello"),
    go("go_json", "Go `encoding/json`: 2,000 records, 10 round trips", "json"),
    go("go_walk_2000", "Go `filepath.WalkDir` + stat over 2,000 files", "walk"),
];
