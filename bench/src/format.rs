//! Number formatting shared by the report and the console output.

/// Nanoseconds as ns, µs or ms with three significant digits or so.
pub fn time(ns: f64) -> String {
    if ns.abs() < 1e3 {
        format!("{ns:.1} ns")
    } else if ns.abs() < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

/// Fuel: whole numbers with thousands separators, one decimal when a
/// per-call difference is not whole.
pub fn fuel(value: f64) -> String {
    let rounded = value.round();
    if (value - rounded).abs() < 0.05 || value.abs() >= 1e4 {
        thousands(rounded as i64)
    } else {
        format!("{value:.1}")
    }
}

pub fn thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0 {
        format!("-{out}")
    } else {
        out
    }
}

pub fn ratio(value: f64) -> String {
    format!("{value:.2}×")
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats() {
        assert_eq!(super::thousands(1_234_567), "1,234,567");
        assert_eq!(super::thousands(-12), "-12");
        assert_eq!(super::fuel(422.0), "422");
        assert_eq!(super::fuel(12.5), "12.5");
        assert_eq!(super::time(35.44), "35.4 ns");
        assert_eq!(super::time(2_500.0), "2.50 µs");
    }
}
