//! `docs/benchmarks.svg`: per workload, a bar for ours / wasmtime's adapter
//! and one for ours / native, on a linear axis with the 1.0 line drawn.

use crate::hosts::Way;
use crate::suite::Measured;
use std::fmt::Write;

const WIDTH: f64 = 820.0;
const LABEL_WIDTH: f64 = 300.0;
const RIGHT_MARGIN: f64 = 50.0;
const TOP: f64 = 70.0;
const ROW: f64 = 30.0;
const BAR: f64 = 10.0;
const BOTTOM: f64 = 40.0;

const WASMTIME_COLOUR: &str = "#3b75af";
const NATIVE_COLOUR: &str = "#ef8636";

pub fn svg(measured: &[Measured]) -> String {
    // A workload wasmtime's adapter fails has no first bar.
    let rows: Vec<(&str, Option<f64>, f64)> = measured
        .iter()
        .filter_map(|m| {
            Some((
                m.workload.description,
                m.time_ratio(Way::Ours, Way::WasmtimeAdapter),
                m.time_ratio(Way::Ours, Way::Native)?,
            ))
        })
        .collect();
    let largest = rows.iter().flat_map(|r| [r.1.unwrap_or(0.0), r.2]).fold(1.0, f64::max);
    // Axis up to the next half above the largest ratio; a tick every half
    // (every whole unit past 4).
    let axis_max = (largest * 2.0).ceil() / 2.0;
    let tick = if axis_max > 4.0 { 1.0 } else { 0.5 };
    let plot_width = WIDTH - LABEL_WIDTH - RIGHT_MARGIN;
    let x = |ratio: f64| LABEL_WIDTH + ratio.max(0.0) / axis_max * plot_width;
    let height = TOP + ROW * rows.len() as f64 + BOTTOM;
    let bottom = TOP + ROW * rows.len() as f64;

    let mut svg = String::new();
    writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">"#
    )
    .unwrap();
    writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#).unwrap();
    writeln!(
        svg,
        r#"<text x="{}" y="22" font-size="15" font-weight="bold">Our adapter's time per call, relative (lower is better)</text>"#,
        LABEL_WIDTH - 290.0
    )
    .unwrap();
    legend(&mut svg, LABEL_WIDTH, 44.0);

    // Grid and axis labels.
    let mut value = 0.0;
    while value <= axis_max + 1e-9 {
        let gx = x(value);
        writeln!(svg, r##"<line x1="{gx:.1}" y1="{TOP}" x2="{gx:.1}" y2="{bottom}" stroke="#dddddd"/>"##).unwrap();
        writeln!(
            svg,
            r#"<text x="{gx:.1}" y="{:.1}" text-anchor="middle">{value:.1}×</text>"#,
            bottom + 16.0
        )
        .unwrap();
        value += tick;
    }

    for (i, (label, wasmtime, native)) in rows.iter().enumerate() {
        let y = TOP + ROW * i as f64 + (ROW - 2.0 * BAR) / 2.0;
        writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LABEL_WIDTH - 8.0,
            y + BAR + 4.0,
            escape(&label.replace('`', ""))
        )
        .unwrap();
        match wasmtime {
            Some(ratio) => bar(&mut svg, x(0.0), y, x(*ratio) - x(0.0), WASMTIME_COLOUR, *ratio),
            None => {
                writeln!(
                    svg,
                    r#"<text x="{:.1}" y="{:.1}" font-size="9">wasmtime's adapter fails</text>"#,
                    x(0.0) + 3.0,
                    y + BAR - 1.5
                )
                .unwrap();
            }
        }
        bar(&mut svg, x(0.0), y + BAR, x(*native) - x(0.0), NATIVE_COLOUR, *native);
    }

    // The 1.0 line on top of the bars: parity.
    let one = x(1.0);
    writeln!(
        svg,
        r##"<line x1="{one:.1}" y1="{:.1}" x2="{one:.1}" y2="{bottom}" stroke="#c0392b" stroke-width="1.5" stroke-dasharray="5,3"/>"##,
        TOP - 4.0
    )
    .unwrap();
    writeln!(svg, "</svg>").unwrap();
    svg
}

fn bar(svg: &mut String, x: f64, y: f64, width: f64, colour: &str, ratio: f64) {
    writeln!(
        svg,
        r#"<rect x="{x:.1}" y="{y:.1}" width="{width:.1}" height="{BAR}" fill="{colour}"><title>{ratio:.2}×</title></rect>"#
    )
    .unwrap();
    writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" font-size="9">{ratio:.2}</text>"#,
        x + width + 3.0,
        y + BAR - 1.5
    )
    .unwrap();
}

fn legend(svg: &mut String, x: f64, y: f64) {
    let entries = [
        (WASMTIME_COLOUR, "ours / wasmtime's adapter"),
        (NATIVE_COLOUR, "ours / native P1 host"),
    ];
    let mut at = x;
    for (colour, text) in entries {
        writeln!(svg, r#"<rect x="{at:.1}" y="{:.1}" width="12" height="12" fill="{colour}"/>"#, y - 10.0).unwrap();
        writeln!(svg, r#"<text x="{:.1}" y="{y:.1}">{text}</text>"#, at + 17.0).unwrap();
        at += 200.0;
    }
    writeln!(
        svg,
        r##"<line x1="{at:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#c0392b" stroke-width="1.5" stroke-dasharray="5,3"/>"##,
        y - 4.0,
        at + 20.0,
        y - 4.0
    )
    .unwrap();
    writeln!(svg, r#"<text x="{:.1}" y="{y:.1}">1.0 = as fast</text>"#, at + 25.0).unwrap();
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
